/** @odoo-module **/
import {Component, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Systray item: the caller card of the call ringing this agent, and the
 * agent's CTI controls (queue login, pause, transfer, hold, hang up).
 */
export class HotlineScreenPop extends Component {
    static template = "hotline_callcenter.ScreenPop";
    static components = {Dropdown};
    static props = {};

    setup() {
        this.screenPop = useService("hotline_screen_pop");
        this.state = useState(this.screenPop.state);
        this.ui = useState({pauseReason: "", transferTo: ""});
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get card() {
        return this.state.card;
    }

    get partner() {
        const card = this.card;
        if (!card) {
            return null;
        }
        return card.partners.find((p) => p.id === card.partner_id) || null;
    }

    async openPartner(partnerId) {
        this.screenPop.dismiss();
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: partnerId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async createPartner() {
        this.screenPop.dismiss();
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            views: [[false, "form"]],
            target: "current",
            context: {default_phone: this.card.number},
        });
    }

    async runAction(item) {
        this.screenPop.dismiss();
        await this.action.doAction(item.action);
    }

    async cti(method, args = []) {
        // a refusal raises a UserError: the error dialog shows Asterisk's reason
        const result = await this.orm.call("hotline.pbx", method, args);
        if (result) {
            await this.action.doAction(result);
        }
    }

    async pause() {
        const reason = this.ui.pauseReason.trim() || _t("Break");
        await this.cti("hotline_agent_pause", [reason]);
        this.ui.pauseReason = "";
    }

    async transfer(attended) {
        await this.cti("hotline_transfer", [this.ui.transferTo, attended]);
    }

    async callBack() {
        await this.cti("hotline_click_to_dial", [this.card.number]);
    }

    get title() {
        return _t("Incoming call");
    }
}

registry
    .category("systray")
    .add("hotline_callcenter.ScreenPop", {Component: HotlineScreenPop}, {sequence: 30});
