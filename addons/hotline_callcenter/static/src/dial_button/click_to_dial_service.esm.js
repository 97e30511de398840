/** @odoo-module **/
import {registry} from "@web/core/registry";

/**
 * How a click-to-dial ended (answered, busy, no answer, failed...): the
 * connector follows the Originate and sends "hotline/click_to_dial" to the
 * agent who dialled, with the text already in the agent's language.
 */
export const hotlineClickToDialService = {
    dependencies: ["bus_service", "notification"],
    start(env, {bus_service, notification}) {
        bus_service.subscribe("hotline/click_to_dial", (payload) => {
            notification.add(payload.message, {
                title: payload.title,
                type: payload.type || "info",
                // a result other than "answered" must not vanish unseen
                sticky: payload.type !== "success",
            });
        });
        bus_service.start();
    },
};

registry.category("services").add("hotline_click_to_dial", hotlineClickToDialService);
