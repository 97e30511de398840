/** @odoo-module **/
import {Component, onWillUnmount, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {useDropdownState} from "@web/core/dropdown/dropdown_hooks";
import {_t} from "@web/core/l10n/translation";
import {RPCError} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * Systray item: the callers waiting in my queues (number, customer, VIP,
 * wait time ticking every second) with a "Pick up" button each (抢接).
 */
export class HotlineWaiting extends Component {
    static template = "hotline_callcenter.Waiting";
    static components = {Dropdown};
    static props = {};

    setup() {
        this.waiting = useService("hotline_waiting");
        this.notification = useService("notification");
        this.state = useState(this.waiting.state);
        this.dropdown = useDropdownState();
        this.ui = useState({now: Date.now(), busy: null});
        const timer = setInterval(() => {
            // re-render only while somebody waits
            if (this.state.count) {
                this.ui.now = Date.now();
            }
        }, 1000);
        onWillUnmount(() => clearInterval(timer));
    }

    get title() {
        return _t("Waiting callers");
    }

    waitSeconds(call) {
        return Math.max(
            0,
            Math.floor((this.ui.now - this.state.skew - call.queuedMs) / 1000)
        );
    }

    waitLabel(call) {
        const total = this.waitSeconds(call);
        const hours = Math.floor(total / 3600);
        const minutes = Math.floor((total % 3600) / 60);
        const seconds = String(total % 60).padStart(2, "0");
        if (hours) {
            return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
        }
        return `${minutes}:${seconds}`;
    }

    async pickUp(call) {
        if (this.ui.busy) {
            return;
        }
        this.ui.busy = call.call_id;
        try {
            await this.waiting.pickUp(call.call_id);
            this.dropdown.close();
            this.notification.add(_t("You picked up %s.", call.number || call.name), {
                type: "success",
            });
        } catch (error) {
            if (!(error instanceof RPCError) || !error.data) {
                throw error;
            }
            // already taken, caller gone, not logged in, Asterisk's refusal
            this.notification.add(error.data.message, {
                title: _t("Pick-up failed"),
                type: "danger",
            });
            await this.waiting.refresh();
        } finally {
            this.ui.busy = null;
        }
    }
}

registry
    .category("systray")
    .add("hotline_callcenter.Waiting", {Component: HotlineWaiting}, {sequence: 31});
