/** @odoo-module */
// Copyright 2026 Hotline Contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {onWillUnmount} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/** Sent by hotline.work.order whenever a work order changes status. */
export const BOARD_NOTIFICATION = "hotline/work_order_changed";
/** Several changes in a row (a batch from the back office) reload once. */
export const RELOAD_DELAY = 250;

/**
 * The supervisors' work order board: a kanban that reloads itself when a work
 * order changes status, from the portal on a phone or from the back office.
 */
export class WorkOrderBoardController extends KanbanController {
    setup() {
        super.setup();
        this.busService = useService("bus_service");
        this.reloadTimer = null;
        this.onWorkOrderChanged = () => this.scheduleReload();
        this.busService.subscribe(BOARD_NOTIFICATION, this.onWorkOrderChanged);
        onWillUnmount(() => {
            clearTimeout(this.reloadTimer);
            this.busService.unsubscribe(BOARD_NOTIFICATION, this.onWorkOrderChanged);
        });
    }

    scheduleReload() {
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => this.reloadBoard(), RELOAD_DELAY);
    }

    async reloadBoard() {
        this.reloadTimer = null;
        if (!this.model.root) {
            // a change notified while the board still opens: its first load
            // is not done (no config to reload from yet), so try again later
            this.scheduleReload();
            return;
        }
        await this.model.load();
    }
}

export const workOrderBoardView = {
    ...kanbanView,
    Controller: WorkOrderBoardController,
};

registry.category("views").add("hotline_work_order_board", workOrderBoardView);
