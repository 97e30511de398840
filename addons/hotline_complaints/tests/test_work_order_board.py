# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import re
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.bus.models.bus import channel_with_db, json_dump
from odoo.addons.bus.websocket import WebsocketConnectionHandler

from ..models.hotline_work_order import BOARD_NOTIFICATION
from .test_work_order import WorkOrderCommon


class BoardCommon(WorkOrderCommon):
    def board_notifications(self, user):
        """Payloads of the board notifications sent so far on the channels
        ``user``'s websocket listens to (their partner and their groups)."""
        self.env.cr.precommit.run()  # creates the bus.bus rows, as on commit
        channels = [
            json_dump(channel_with_db(self.env.cr.dbname, target))
            for target in (user.partner_id, *user.groups_id)
        ]
        rows = self.env["bus.bus"].sudo().search([("channel", "in", channels)])
        messages = [json.loads(row.message) for row in rows]
        return [m["payload"] for m in messages if m["type"] == BOARD_NOTIFICATION]


@tagged("post_install", "-at_install")
class TestWorkOrderBoard(BoardCommon):
    def test_status_change_notifies_supervisors(self):
        supervisor = self.role_users["supervisor"]
        admin = self.role_users["hotline_admin"]
        before = len(self.board_notifications(supervisor))
        self.order.with_user(self.fitter).hotline_set_state("departed")
        payloads = self.board_notifications(supervisor)
        self.assertEqual(len(payloads), before + 1)
        self.assertEqual(payloads[-1]["work_order_ids"], self.order.ids)
        self.assertEqual(payloads[-1]["states"], {str(self.order.id): "departed"})
        # the hotline admin is a supervisor too; field staff and agents are not told
        self.assertTrue(self.board_notifications(admin))
        self.assertFalse(self.board_notifications(self.fitter))
        self.assertFalse(self.board_notifications(self.role_users["agent"]))
        # from the back office too, and for a new work order
        self.order.with_user(supervisor).action_on_site()
        self.assertEqual(
            self.board_notifications(supervisor)[-1]["states"],
            {str(self.order.id): "on_site"},
        )
        new = (
            self.env["hotline.work.order"]
            .with_user(self.role_users["handler"])
            .create({"ticket_id": self.case.id, "user_id": self.fitter.id})
        )
        self.assertEqual(
            self.board_notifications(supervisor)[-1]["work_order_ids"], new.ids
        )

    def test_refused_change_notifies_nobody(self):
        supervisor = self.role_users["supervisor"]
        before = len(self.board_notifications(supervisor))
        with (
            self.assertRaisesRegex(UserError, "cannot go from Dispatched to Done"),
            self.env.cr.savepoint(),
        ):
            self.order.with_user(self.fitter).hotline_set_state("done")
        self.assertEqual(len(self.board_notifications(supervisor)), before)
        self.order.with_user(supervisor).write({"instructions": "带梯子"})
        self.assertEqual(len(self.board_notifications(supervisor)), before)

    def test_time_in_status_and_who_is_out(self):
        with freeze_time("2026-11-02 08:00:00"):
            order = self.env["hotline.work.order"].create(
                {"ticket_id": self.case.id, "user_id": self.fitter.id}
            )
        with freeze_time("2026-11-02 09:30:00"):
            order.with_user(self.fitter).hotline_set_state("departed")
            self.assertEqual(str(order.state_changed_at), "2026-11-02 09:30:00")
        with freeze_time("2026-11-02 11:45:00"):
            order.invalidate_recordset(["state_hours"])
            self.assertAlmostEqual(order.state_hours, 2.25)
        Order = self.env["hotline.work.order"].with_user(self.role_users["supervisor"])
        out = Order.search([("is_out", "=", True)])
        self.assertIn(order, out)
        self.assertNotIn(self.order, out)
        self.assertIn(self.order, Order.search([("is_out", "!=", True)]))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_complaints.hotline_work_order_out_action"
        )
        domain = safe_eval(action["domain"])
        both = (order | self.order).ids
        self.assertEqual(Order.search(domain + [("id", "in", both)]), order)
        groups = Order.read_group(domain, ["user_id"], ["user_id"])
        self.assertIn(self.fitter.id, [g["user_id"][0] for g in groups])

    def test_board_view(self):
        Order = self.env["hotline.work.order"].with_user(self.role_users["supervisor"])
        views = Order.get_views([(False, "kanban")])
        arch = etree.fromstring(views["views"]["kanban"]["arch"])
        self.assertEqual(arch.get("js_class"), "hotline_work_order_board")
        self.assertEqual(arch.get("default_group_by"), "state")
        self.assertTrue(arch.xpath("//field[@name='state_hours']"))
        self.assertTrue(arch.xpath("//field[@name='user_id']"))
        columns = Order.web_read_group(
            [("state", "not in", ("done", "returned"))], ["state"], ["state"]
        )["groups"]
        self.assertEqual(
            [g["state"] for g in columns],
            ["dispatched", "departed", "on_site", "done", "returned"],
        )


@tagged("post_install", "-at_install")
class TestWorkOrderBoardPortal(HttpCase, BoardCommon):
    def test_phone_update_notifies_the_board(self):
        supervisor = self.role_users["supervisor"]
        before = len(self.board_notifications(supervisor))
        self.authenticate("hl_fitter", "hl_fitter")
        page = self.url_open(f"/my/work-orders/{self.order.id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/work-orders/{self.order.id}/update",
            data={"csrf_token": token, "state": "departed"},
        )
        self.assertEqual(response.status_code, 200)
        payloads = self.board_notifications(supervisor)
        self.assertEqual(len(payloads), before + 1)
        self.assertEqual(payloads[-1]["states"], {str(self.order.id): "departed"})

    def test_board_tour(self):
        """The open board follows a status change made elsewhere (the tour
        changes it by RPC and the board reloads on the bus notification)."""
        self.order.with_user(self.fitter).hotline_set_state("departed")
        # Odoo refuses websockets during tests unless told otherwise (as bus's
        # WebsocketCase does); test cursors drop the NOTIFY, so the tour asks the
        # bus to resubscribe, which polls the notifications written meanwhile.
        self.startPatcher(
            patch.object(
                WebsocketConnectionHandler, "websocket_allowed", return_value=True
            )
        )
        self.start_tour(
            "/odoo/action-hotline_complaints.hotline_work_order_action",
            "hotline_work_order_board_tour",
            login="hl_supervisor",
        )
