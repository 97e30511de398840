/** @odoo-module **/
import {
    Component,
    onMounted,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

export const WALLBOARD_NOTIFICATION = "hotline/wallboard";

/**
 * Colour of a queue's tile: red when the longest wait or the callers waiting
 * reach the queue's red thresholds, amber from the amber wait or when today's
 * service level is under its target, green otherwise (a threshold of 0 never
 * colours).
 */
export function tileLevel(queue, waitSeconds) {
    const t = queue.thresholds || {};
    if (
        (t.wait_alert && waitSeconds >= t.wait_alert) ||
        (t.waiting_alert && queue.waiting >= t.waiting_alert)
    ) {
        return "alert";
    }
    if (
        (t.wait_warning && waitSeconds >= t.wait_warning) ||
        (t.service_level_target &&
            queue.service_level !== false &&
            queue.service_level < t.service_level_target)
    ) {
        return "warning";
    }
    return "ok";
}

export function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/**
 * The call centre's live wallboard (实时监控大屏), full screen.
 *
 * Loaded once from hotline.wallboard.hotline_wallboard_payload (the company
 * the browser shows); then each "hotline/wallboard" notification of that
 * company replaces it: the server sends one per company and per second at
 * most, on the company's channel its websocket joined. No polling: the
 * clocks (longest wait, time in state) tick here every second from the
 * server's times; the payload is fetched again only when the bus reconnects
 * (notifications may have been missed).
 */
export class HotlineWallboard extends Component {
    static template = "hotline_callcenter.Wallboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.busService = useService("bus_service");
        this.rootRef = useRef("root");
        this.state = useState({
            payload: null,
            // Date.now() minus the server's clock, in ms
            skew: 0,
            now: Date.now(),
        });
        this.stateLabels = {
            logged_out: _t("Logged out"),
            available: _t("Ready"),
            paused: _t("Paused"),
            ringing: _t("Ringing"),
            on_call: _t("On a call"),
            wrapup: _t("Wrap-up"),
        };
        this.onNotification = (payload) => this.apply(payload);
        this.onReconnect = () => this.load();
        onWillStart(() => this.load());
        onMounted(() => {
            this.busService.subscribe(WALLBOARD_NOTIFICATION, this.onNotification);
            this.busService.addEventListener("reconnect", this.onReconnect);
            this.busService.start();
            this.ticker = setInterval(() => {
                this.state.now = Date.now();
            }, 1000);
        });
        onWillUnmount(() => {
            this.busService.unsubscribe(WALLBOARD_NOTIFICATION, this.onNotification);
            this.busService.removeEventListener("reconnect", this.onReconnect);
            clearInterval(this.ticker);
        });
    }

    async load() {
        const payload = await this.orm.silent.call(
            "hotline.wallboard",
            "hotline_wallboard_payload",
            []
        );
        this.apply(payload, true);
    }

    apply(payload, initial = false) {
        const current = this.state.payload;
        if (!initial && (!current || payload.company_id !== current.company_id)) {
            // another company of the user: not the one this screen shows
            return;
        }
        this.state.skew = Date.now() - payload.server_time * 1000;
        this.state.payload = payload;
    }

    /** Seconds since ``epoch`` (server time), on the server's clock. */
    since(epoch) {
        if (!epoch) {
            return 0;
        }
        return (this.state.now - this.state.skew) / 1000 - epoch;
    }

    get queues() {
        return (this.state.payload && this.state.payload.queues) || [];
    }

    get agents() {
        return (this.state.payload && this.state.payload.agents) || [];
    }

    get totals() {
        const totals = {waiting: 0, offered: 0, answered: 0, abandoned: 0};
        for (const queue of this.queues) {
            for (const key in totals) {
                totals[key] += queue[key];
            }
        }
        return totals;
    }

    longestWait(queue) {
        return queue.waiting ? this.since(queue.oldest_queued_at) : 0;
    }

    tileClass(queue) {
        return `o_hotline_wallboard_tile_${tileLevel(queue, this.longestWait(queue))}`;
    }

    formatDuration(seconds) {
        return formatDuration(seconds);
    }

    formatPercent(value) {
        return value === false ? "—" : `${value.toFixed(1)}%`;
    }

    formatSeconds(value) {
        return value === false ? "—" : `${Math.round(value)} s`;
    }

    stateLabel(agent) {
        return this.stateLabels[agent.state] || agent.state;
    }

    queueNames(agent) {
        const names = Object.fromEntries(this.queues.map((q) => [q.id, q.name]));
        return agent.queue_ids.map((id) => names[id]).filter(Boolean).join(", ");
    }

    toggleFullscreen() {
        if (document.fullscreenElement) {
            document.exitFullscreen();
        } else {
            (this.rootRef.el || document.documentElement).requestFullscreen();
        }
    }
}

registry.category("actions").add("hotline_callcenter.wallboard", HotlineWallboard);
