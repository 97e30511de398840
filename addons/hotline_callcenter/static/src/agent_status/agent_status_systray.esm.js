/** @odoo-module **/
import {Component, onWillUnmount, useState} from "@odoo/owl";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {useDropdownState} from "@web/core/dropdown/dropdown_hooks";
import {deserializeDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

const STATE_CLASSES = {
    logged_out: "text-bg-secondary",
    available: "text-bg-success",
    ringing: "text-bg-warning",
    on_call: "text-bg-danger",
    wrapup: "text-bg-info",
    paused: "text-bg-warning",
};

export function formatSeconds(total) {
    const seconds = Math.max(0, Math.floor(total));
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.floor((seconds % 3600) / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    if (hours) {
        return `${hours}:${String(minutes).padStart(2, "0")}:${rest}`;
    }
    return `${minutes}:${rest}`;
}

/**
 * Systray item for agents: the status (logged out, ready, ringing, on a call,
 * wrap-up, paused with its reason) with the time in it ticking, a Ready
 * button during wrap-up, and a menu to log in or out of the queues, pause
 * with a reason and resume.
 */
export class HotlineAgentStatus extends Component {
    static template = "hotline_callcenter.AgentStatus";
    static components = {Dropdown};
    static props = {};

    setup() {
        this.agentStatus = useService("hotline_agent_status");
        this.state = useState(this.agentStatus.state);
        this.dropdown = useDropdownState();
        this.ui = useState({now: Date.now(), busy: false});
        let expiredFor = null;
        const timer = setInterval(() => {
            this.ui.now = Date.now();
            const status = this.status;
            // a timed wrap-up is over: the server says what comes next
            if (
                status &&
                status.state === "wrapup" &&
                status.wrapup &&
                status.wrapup.until &&
                this.remaining <= 0 &&
                expiredFor !== status.wrapup.call_id
            ) {
                expiredFor = status.wrapup.call_id;
                this.agentStatus.refresh().catch(() => {});
            }
        }, 1000);
        onWillUnmount(() => clearInterval(timer));
    }

    get status() {
        return this.state.status;
    }

    get badgeClass() {
        return STATE_CLASSES[this.status.state] || "text-bg-secondary";
    }

    get elapsed() {
        if (!this.status.since) {
            return "";
        }
        const since = deserializeDateTime(this.status.since).toMillis();
        return formatSeconds((this.ui.now - this.state.skew - since) / 1000);
    }

    get remaining() {
        const until = this.status.wrapup && this.status.wrapup.until;
        if (!until) {
            return null;
        }
        const end = deserializeDateTime(until).toMillis();
        return (end - (this.ui.now - this.state.skew)) / 1000;
    }

    get remainingLabel() {
        const remaining = this.remaining;
        return remaining === null ? "" : formatSeconds(remaining);
    }

    get title() {
        return _t("Agent status");
    }

    async beforeOpen() {
        // the menu shows the server's status, whatever notification was missed
        await this.agentStatus.refresh().catch(() => {});
    }

    async run(method, ...args) {
        if (this.ui.busy) {
            return;
        }
        this.ui.busy = true;
        try {
            await this.agentStatus[method](...args);
            this.dropdown.close();
        } finally {
            this.ui.busy = false;
        }
    }
}

registry
    .category("systray")
    .add("hotline_callcenter.AgentStatus", {Component: HotlineAgentStatus}, {sequence: 32});
