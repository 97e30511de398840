/** @odoo-module **/
import {reactive} from "@odoo/owl";
import {registry} from "@web/core/registry";

/**
 * Keeps the caller card the server pushed with "hotline/call_ringing"
 * (one notification per ring, see hotline.screen.pop).
 */
export const hotlineScreenPopService = {
    dependencies: ["bus_service"],
    start(env, {bus_service}) {
        const state = reactive({
            card: null,
            isOpen: false,
            history: [],
            open() {
                state.isOpen = true;
            },
            close() {
                state.isOpen = false;
            },
        });
        bus_service.subscribe("hotline/call_ringing", (payload) => {
            // a picked-up caller pops at once, then again when my phone rings
            if (state.card && state.card.call_id !== payload.call_id) {
                state.history.unshift(state.card);
                state.history.splice(5);
            }
            state.card = payload;
            state.isOpen = true;
        });
        bus_service.start();
        return {
            state,
            dismiss() {
                state.isOpen = false;
            },
        };
    },
};

registry.category("services").add("hotline_screen_pop", hotlineScreenPopService);
