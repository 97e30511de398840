/** @odoo-module **/
import {reactive} from "@odoo/owl";
import {deserializeDateTime} from "@web/core/l10n/dates";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";

const REFRESH_MS = 5 * 60 * 1000;

/**
 * Callers waiting in my queues (抢接). Loaded from
 * hotline.call.hotline_waiting_snapshot, then each "hotline/waiting" bus
 * notification replaces the whole list of one queue (the server sends one per
 * queue whose list changed, on the queue's channel, which the server
 * subscribes my websocket to: a caller joined, was answered, picked up or
 * hung up). Reloaded when the bus reconnects, since notifications may be
 * missed, and every few minutes.
 */
export const hotlineWaitingService = {
    dependencies: ["bus_service", "orm"],
    start(env, {bus_service, orm}) {
        const state = reactive({
            enabled: false,
            loaded: false,
            // Date.now() minus the server's clock, in ms: wait clocks tick
            // from the server's queue times whatever the browser's clock says
            skew: 0,
            queues: [],
            get count() {
                // "this": the component's proxy, so that it re-renders
                return this.queues.reduce((n, q) => n + q.total, 0);
            },
        });

        function toCall(row) {
            return {
                ...row,
                queuedMs: row.queued_at
                    ? deserializeDateTime(row.queued_at).toMillis()
                    : Date.now() - state.skew - (row.wait_seconds || 0) * 1000,
            };
        }

        function apply(payload, {fromSnapshot = false} = {}) {
            const calls = (payload.calls || []).map(toCall);
            // the server lists the longest waits only; total counts them all
            const total = Math.max(payload.total || 0, calls.length);
            const queue = state.queues.find((q) => q.queue_id === payload.queue_id);
            if (queue) {
                // keep the name read in my language by the snapshot
                queue.calls = calls;
                queue.total = total;
            } else if (fromSnapshot || state.loaded) {
                state.queues.push({
                    queue_id: payload.queue_id,
                    queue: payload.queue,
                    calls,
                    total,
                });
            }
        }

        let loading = null;
        async function refresh() {
            if (!state.enabled) {
                return;
            }
            if (loading) {
                return loading;
            }
            loading = orm
                .silent.call("hotline.call", "hotline_waiting_snapshot", [])
                .then((snapshot) => {
                    const before = state.queues.map((q) => q.queue_id).join();
                    state.skew = Date.now() - snapshot.server_time * 1000;
                    state.queues.splice(0);
                    for (const payload of snapshot.queues) {
                        apply(payload, {fromSnapshot: true});
                    }
                    const after = state.queues.map((q) => q.queue_id).join();
                    if (state.loaded && before !== after) {
                        // my queues changed: the server subscribes the
                        // websocket to their channels again
                        bus_service.forceUpdateChannels();
                    }
                    state.loaded = true;
                })
                .finally(() => {
                    loading = null;
                });
            return loading;
        }

        bus_service.subscribe("hotline/waiting", (payload) => {
            if (state.enabled) {
                apply(payload);
            }
        });
        // background reloads: a failure (offline...) waits for the next one
        const quietRefresh = () => refresh().catch(() => {});
        bus_service.addEventListener("reconnect", quietRefresh);
        bus_service.start();

        user.hasGroup("hotline_base.group_agent").then((isAgent) => {
            state.enabled = isAgent;
            refresh();
            if (isAgent) {
                // catches queue memberships changed since the page loaded
                setInterval(quietRefresh, REFRESH_MS);
            }
        });

        return {
            state,
            refresh,
            pickUp(callId) {
                return orm.call("hotline.call", "hotline_waiting_pickup", [callId]);
            },
        };
    },
};

registry.category("services").add("hotline_waiting", hotlineWaitingService);
