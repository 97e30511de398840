/** @odoo-module **/
import {Component, onWillUnmount, useEffect, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";

/** "m:ss", or "h:mm:ss" from an hour. */
export function formatDuration(seconds) {
    const total = Math.max(0, Math.floor(seconds));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * The caller card docked at a side of the screen (the web client's content
 * makes room for it, so it never covers a form), or minimised to a tab with
 * the number and the timer. Also the agent's CTI controls (queue login,
 * pause, transfer, hold, hang up).
 */
export class HotlineCallDock extends Component {
    static template = "hotline_callcenter.CallDock";
    static props = {};

    setup() {
        this.screenPop = useService("hotline_screen_pop");
        this.state = useState(this.screenPop.state);
        this.ui = useState({pauseReason: "", transferTo: "", now: Date.now()});
        this.action = useService("action");
        this.orm = useService("orm");
        const tick = setInterval(() => {
            // re-render only while a call is live
            const timer = this.card && this.card.timer;
            if (timer && !timer.ended_at) {
                this.ui.now = Date.now();
            }
        }, 1000);
        onWillUnmount(() => clearInterval(tick));
        useEffect(
            (open, side) => {
                // the content makes room for the docked card
                const body = document.body;
                body.classList.toggle("o_hotline_docked_right", open && side === "right");
                body.classList.toggle("o_hotline_docked_left", open && side === "left");
                return () => body.classList.remove("o_hotline_docked_right", "o_hotline_docked_left");
            },
            () => [this.state.isOpen, this.state.side]
        );
    }

    get card() {
        return this.state.card;
    }

    get isLive() {
        return Boolean(this.card && this.card.timer && !this.card.timer.ended_at);
    }

    /** The card's timer: status and elapsed time, in the server's time. */
    get timer() {
        const timer = this.card && this.card.timer;
        if (!timer) {
            return null;
        }
        const now = (this.ui.now - this.state.clockOffset) / 1000;
        if (timer.ended_at) {
            const from = timer.answered_at || timer.rang_at || timer.ended_at;
            return {
                status: "ended",
                label: timer.answered_at ? _t("Call ended") : _t("Ended unanswered"),
                time: formatDuration(timer.ended_at - from),
            };
        }
        if (timer.answered_at) {
            return {
                status: "talking",
                label: _t("On call"),
                time: formatDuration(now - timer.answered_at),
            };
        }
        return {
            status: "ringing",
            label: _t("Ringing"),
            time: formatDuration(now - (timer.rang_at || now)),
        };
    }

    get sideTitle() {
        return this.state.side === "right" ? _t("Dock on the left") : _t("Dock on the right");
    }

    minimise() {
        this.screenPop.dismiss();
    }

    expand() {
        this.state.open();
    }

    switchSide() {
        this.screenPop.dockTo(this.state.side === "right" ? "left" : "right");
    }

    async openPartner(partnerId) {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: partnerId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    async createPartner() {
        await this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            views: [[false, "form"]],
            target: "current",
            context: {default_phone: this.card.number},
        });
    }

    /**
     * A card action: a server method returning the action (``model``,
     * ``method``, ``res_id``, ``context``) or an action given as it is.
     */
    async runAction(item) {
        let action = item.action;
        if (item.method) {
            action = await this.orm.call(item.model, item.method, [[item.res_id]], {
                context: item.context || {},
            });
        }
        if (!action) {
            return;
        }
        if (action.type === "ir.actions.act_window" && !action.views) {
            // the action service needs the views an act_window opens
            const modes = (action.view_mode || "form").split(",");
            action = {...action, views: modes.map((mode) => [false, mode.trim()])};
        }
        await this.action.doAction(action);
    }

    /** One of the agent's own controls (res.users action_hotline_*). */
    async cti(method, args = []) {
        await this.run(this.orm.call("res.users", method, [[user.userId], ...args]));
    }

    async run(call) {
        // a refusal raises a UserError: the error dialog shows Asterisk's reason
        const result = await call;
        if (result) {
            await this.action.doAction(result);
        }
    }

    async pause() {
        const reason = this.ui.pauseReason.trim() || _t("Break");
        await this.cti("action_hotline_pause", [reason]);
        this.ui.pauseReason = "";
    }

    async transfer(attended) {
        await this.cti("action_hotline_transfer", [this.ui.transferTo, attended]);
    }

    async conferenceAdd() {
        await this.cti("action_hotline_conference_add", [this.ui.transferTo]);
    }

    async callBack() {
        await this.run(
            this.orm.call("hotline.pbx", "hotline_click_to_dial", [this.card.number])
        );
    }
}

registry.category("main_components").add("hotline_callcenter.CallDock", {
    Component: HotlineCallDock,
});
