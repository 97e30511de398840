/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

/**
 * Systray item: shows or minimises the docked caller card and the agent's
 * CTI controls (HotlineCallDock); red for a blacklisted caller, pulsing while
 * a card waits minimised. Only agents (and the roles implying it) take calls:
 * finance, case handlers and leaders do not get the button.
 */
export class HotlineScreenPop extends Component {
    static template = "hotline_callcenter.ScreenPop";
    static props = {};

    setup() {
        this.screenPop = useService("hotline_screen_pop");
        this.state = useState(this.screenPop.state);
        this.isAgent = false;
        onWillStart(async () => {
            this.isAgent = await user.hasGroup("hotline_base.group_agent");
        });
    }

    get card() {
        return this.state.card;
    }

    get title() {
        return this.state.isOpen ? _t("Minimise the caller card") : _t("Show the caller card");
    }

    toggle() {
        this.screenPop.toggle();
    }
}

registry
    .category("systray")
    .add("hotline_callcenter.ScreenPop", {Component: HotlineScreenPop}, {sequence: 30});
