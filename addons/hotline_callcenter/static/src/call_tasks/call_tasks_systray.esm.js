/** @odoo-module **/
import {Component, onWillStart, onWillUnmount, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {useDropdownState} from "@web/core/dropdown/dropdown_hooks";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

/**
 * Systray item of a preview campaign's agent: my call tasks due now
 * (hotline.campaign.contact.hotline_my_tasks), read when the menu opens;
 * a task opens its contact card, where "Dial" calls it. Counted again every
 * minute (tasks come due, a supervisor assigns more).
 */
export class HotlineCallTasks extends Component {
    static template = "hotline_callcenter.CallTasks";
    static components = {Dropdown};
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dropdown = useDropdownState();
        this.state = useState({enabled: false, loaded: false, count: 0, tasks: []});
        onWillStart(async () => {
            this.state.enabled = await user.hasGroup("hotline_base.group_agent");
            if (this.state.enabled) {
                await this.load();
            }
        });
        const timer = setInterval(() => this.state.enabled && this.load(), 60000);
        onWillUnmount(() => clearInterval(timer));
    }

    get title() {
        return _t("My call tasks");
    }

    async load() {
        const result = await this.orm.call(
            "hotline.campaign.contact",
            "hotline_my_tasks",
            []
        );
        Object.assign(this.state, result, {loaded: true});
    }

    async open(task) {
        this.dropdown.close();
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "hotline.campaign.contact",
            res_id: task.id,
            views: [[false, "form"]],
        });
    }

    async openAll() {
        this.dropdown.close();
        await this.action.doAction(
            "hotline_callcenter.hotline_campaign_contact_action_preview"
        );
    }
}

registry
    .category("systray")
    .add(
        "hotline_callcenter.CallTasks",
        {Component: HotlineCallTasks},
        {sequence: 32}
    );
