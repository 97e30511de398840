/** @odoo-module **/
import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";
import {patch} from "@web/core/utils/patch";
import {PhoneField} from "@web/views/fields/phone/phone_field";

/**
 * "Dial" next to every phone field: Asterisk rings the agent's own phone,
 * then the number (hotline.pbx.hotline_click_to_dial).
 */
export class HotlineDialButton extends Component {
    static template = "hotline_callcenter.DialButton";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({isAgent: false, busy: false});
        this.title = _t("Dial through the PBX");
        onWillStart(async () => {
            this.state.isAgent = await user.hasGroup("hotline_base.group_agent");
        });
    }

    get number() {
        return this.props.record.data[this.props.name] || "";
    }

    async onClick() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const record = this.props.record;
            const partnerId = record.resModel === "res.partner" ? record.resId : false;
            const result = await this.orm.call("hotline.pbx", "hotline_click_to_dial", [
                this.number,
                partnerId,
            ]);
            if (result) {
                await this.action.doAction(result);
            }
        } finally {
            this.state.busy = false;
        }
    }
}

patch(PhoneField, {
    components: {...PhoneField.components, HotlineDialButton},
});
