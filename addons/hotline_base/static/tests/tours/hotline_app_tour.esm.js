/** @odoo-module **/
import {registry} from "@web/core/registry";

// Opens the Hotline app from the apps menu and lands on the customer list.
registry.category("web_tour.tours").add("hotline_base_app_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            trigger: ".o_app[data-menu-xmlid='hotline_base.hotline_root_menu']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar .o_menu_brand:contains('Hotline')",
        },
        {
            trigger: ".o_control_panel .o_breadcrumb",
        },
    ],
});
