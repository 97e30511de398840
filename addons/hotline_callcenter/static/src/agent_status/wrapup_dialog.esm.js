/** @odoo-module **/
import {Component, useState} from "@odoo/owl";
import {Dialog} from "@web/core/dialog/dialog";
import {_t} from "@web/core/l10n/translation";

/**
 * After-call work (话后小结): the call's wrap-up code and a note, saved on
 * the call; "Save and Ready" ends the wrap-up too.
 */
export class HotlineWrapupDialog extends Component {
    static template = "hotline_callcenter.WrapupDialog";
    static components = {Dialog};
    static props = {
        wrapup: Object,
        dispositions: Array,
        save: Function,
        close: Function,
    };

    setup() {
        this.ui = useState({
            dispositionId: this.props.wrapup.disposition_id || false,
            note: this.props.wrapup.note || "",
            busy: false,
        });
    }

    get title() {
        return _t("Wrap-up");
    }

    choose(dispositionId) {
        this.ui.dispositionId = dispositionId;
    }

    async save(ready) {
        if (!this.ui.dispositionId || this.ui.busy) {
            return;
        }
        this.ui.busy = true;
        try {
            await this.props.save({
                dispositionId: this.ui.dispositionId,
                note: this.ui.note,
                ready,
            });
            this.props.close();
        } finally {
            this.ui.busy = false;
        }
    }
}
