/** @odoo-module **/
import {browser} from "@web/core/browser/browser";
import {registry} from "@web/core/registry";

/**
 * A supervisor's forced logout (强制登出) ends this user's web sessions on the
 * server; this notification, sent just before, takes the browser to the login
 * page at once instead of at its next request.
 */
export const hotlineForceLogoutService = {
    dependencies: ["bus_service", "notification"],
    start(env, {bus_service, notification}) {
        bus_service.subscribe("hotline/force_logout", (payload) => {
            notification.add(payload.message, {type: "warning", sticky: true});
            browser.location.assign("/web/session/logout?redirect=/web/login");
        });
        bus_service.start();
    },
};

registry.category("services").add("hotline_force_logout", hotlineForceLogoutService);
