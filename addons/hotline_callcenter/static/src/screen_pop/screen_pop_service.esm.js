/** @odoo-module **/
import {reactive} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";

// where the agent docked the card and whether it is minimised, per browser
const DOCK_KEY = "hotline_callcenter.screen_pop.dock";

function loadDock() {
    try {
        const saved = JSON.parse(browser.localStorage.getItem(DOCK_KEY) || "{}");
        return {
            side: saved.side === "left" ? "left" : "right",
            minimized: Boolean(saved.minimized),
        };
    } catch {
        return {side: "right", minimized: false};
    }
}

/**
 * Keeps the caller card the server pushed with "hotline/call_ringing"
 * (one notification per ring, see hotline.screen.pop), its timer and hang-up
 * cause ("hotline/call_update"), and where the card is docked.
 *
 * On start (a page load) the card of the agent's live call comes back from
 * the server (hotline.screen.pop.hotline_current_card).
 */
export const hotlineScreenPopService = {
    dependencies: ["bus_service", "orm"],
    start(env, {bus_service, orm}) {
        const dock = loadDock();
        const state = reactive({
            card: null,
            // the card is shown docked (true) or minimised to a tab (false)
            isOpen: false,
            side: dock.side,
            history: [],
            // browser clock minus server clock, in ms (the timer's correction)
            clockOffset: 0,
            open() {
                state.isOpen = true;
                saveDock();
            },
            close() {
                state.isOpen = false;
                saveDock();
            },
        });

        function saveDock() {
            browser.localStorage.setItem(
                DOCK_KEY,
                JSON.stringify({side: state.side, minimized: !state.isOpen})
            );
        }

        function setClock(timer) {
            if (timer && timer.server_time) {
                state.clockOffset = Date.now() - timer.server_time * 1000;
            }
        }

        function showCard(payload) {
            // a picked-up caller pops at once, then again when my phone rings
            if (state.card && state.card.call_id !== payload.call_id) {
                state.history.unshift(state.card);
                state.history.splice(5);
            }
            setClock(payload.timer);
            state.card = payload;
        }

        bus_service.subscribe("hotline/call_ringing", (payload) => {
            showCard(payload);
            // a ring asks for attention: the card opens, docked
            state.isOpen = true;
        });
        bus_service.subscribe("hotline/call_update", (payload) => {
            const card = state.card;
            if (!card || card.call_id !== payload.call_id) {
                return;
            }
            setClock(payload.timer);
            const timer = {...card.timer, ...payload.timer};
            // the update does not know when this agent's phone rang
            timer.rang_at = card.timer.rang_at || payload.timer.rang_at;
            card.timer = timer;
            card.hangup_cause = payload.hangup_cause;
        });
        bus_service.start();

        // a reload during a live call: the card comes back as it was left
        orm.silent
            .call("hotline.screen.pop", "hotline_current_card")
            .then((payload) => {
                if (payload && !state.card) {
                    showCard(payload);
                    state.isOpen = !dock.minimized;
                }
            })
            .catch(() => {
                // no card to restore (the page goes on without it)
            });

        return {
            state,
            dismiss() {
                state.close();
            },
            toggle() {
                if (state.isOpen) {
                    state.close();
                } else {
                    state.open();
                }
            },
            dockTo(side) {
                state.side = side === "left" ? "left" : "right";
                saveDock();
            },
        };
    },
};

registry.category("services").add("hotline_screen_pop", hotlineScreenPopService);
