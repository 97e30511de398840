/** @odoo-module */
// Copyright 2026 Hotline Contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const column = (title) => `.o_kanban_group:has(.o_column_title:contains('${title}'))`;

// A supervisor opens the work order board, finds the departed work order with
// its time in status, then the "Who is out" board grouped by field staff.
registry.category("web_tour.tours").add("hotline_work_order_board_tour", {
    steps: () => [
        {
            trigger: ".o_kanban_view .o_kanban_renderer",
        },
        {
            trigger: `${column("Dispatched")}`,
        },
        {
            trigger: `${column("Departed")} .o_kanban_record:contains('燃气管道漏气')`,
        },
        {
            trigger: `${column("Departed")} .o_kanban_record div[name='time_in_status']`,
        },
        {
            // the field staff arrives on site (here by RPC, as from the phone)
            trigger: `${column("On site")}`,
            run: async () => {
                const {services} = odoo.__WOWL_DEBUG__.root.env;
                const ids = await services.orm.search("hotline.work.order", [
                    ["ticket_id.name", "=", "燃气管道漏气"],
                    ["state", "=", "departed"],
                ]);
                await services.orm.call("hotline.work.order", "action_on_site", [ids]);
                // tests drop the NOTIFY: resubscribing polls the bus instead
                services.bus_service.forceUpdateChannels();
            },
        },
        {
            // no reload by hand: the board moved the card by itself
            trigger: `${column("On site")} .o_kanban_record:contains('燃气管道漏气')`,
        },
        {
            trigger: ".o_menu_sections button:contains('Cases')",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains('Who is out')",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('Who is out')",
        },
        {
            trigger: `${column("抢修工 张师傅")} .o_kanban_record:contains('燃气管道漏气')`,
        },
    ],
});
