# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CaseCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class WorkOrderCommon(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fitter = new_test_user(
            cls.env,
            login="hl_fitter",
            name="抢修工 张师傅",
            groups="hotline_base.group_case_handler",
        )
        cls.team_gas.user_ids = [(4, cls.fitter.id)]
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "燃气管道漏气",
                "description": "<p>楼下管道漏气</p>",
                "case_type_id": cls.env.ref("hotline_complaints.case_type_repair").id,
                "team_id": cls.team_gas.id,
                "event_location": "和平路 12 号",
            }
        )
        cls.order = (
            cls.env["hotline.work.order"]
            .with_user(cls.role_users["handler"])
            .create(
                {
                    "ticket_id": cls.case.id,
                    "user_id": cls.fitter.id,
                    "instructions": "带检漏仪",
                }
            )
        )


@tagged("post_install", "-at_install")
class TestWorkOrder(WorkOrderCommon):
    def test_states_in_order_with_times(self):
        order = self.order.with_user(self.fitter)
        self.assertTrue(order.name.startswith("WO"))
        self.assertEqual(order.state, "dispatched")
        self.assertTrue(order.dispatched_at)
        with (
            self.assertRaisesRegex(UserError, "cannot go from Dispatched to Done"),
            self.env.cr.savepoint(),
        ):
            order.hotline_set_state("done")
        order.hotline_set_state("departed")
        order.hotline_set_state("on_site", latitude=39.9042, longitude=116.4074)
        self.assertAlmostEqual(order.latitude, 39.9042, places=4)
        with (
            self.assertRaisesRegex(UserError, "The location is not valid"),
            self.env.cr.savepoint(),
        ):
            order.hotline_set_state("done", latitude=123.0, longitude=0.0)
        order.hotline_set_state("done", photo=base64.b64encode(PNG), note="已修复")
        self.assertEqual(order.state, "done")
        self.assertTrue(order.departed_at and order.on_site_at and order.done_at)
        self.assertTrue(order.photo)
        self.assertEqual(order.result_note, "已修复")
        notes = self.case.event_ids.filtered(lambda e: e.event_type == "work_order")
        self.assertEqual(len(notes), 4)
        with (
            self.assertRaisesRegex(UserError, "cannot go from Done to Returned"),
            self.env.cr.savepoint(),
        ):
            order.hotline_set_state("returned")

    def test_only_assignee_or_supervisor(self):
        with self.assertRaises(AccessError):
            self.order.with_user(self.role_users["handler"]).hotline_set_state(
                "departed"
            )
        self.order.with_user(self.role_users["supervisor"]).hotline_set_state(
            "returned"
        )
        self.assertEqual(self.order.state, "returned")
        self.assertTrue(self.order.returned_at)

    def test_board_groups_every_state(self):
        groups = (
            self.env["hotline.work.order"]
            .with_user(self.role_users["supervisor"])
            .read_group([], ["state"], ["state"])
        )
        self.assertEqual(
            [g["state"] for g in groups],
            ["dispatched", "departed", "on_site", "done", "returned"],
        )
        self.assertEqual(groups[0]["state_count"], 1)


@tagged("post_install", "-at_install")
class TestWorkOrderPortal(HttpCase, WorkOrderCommon):
    def test_update_from_phone(self):
        self.authenticate("hl_fitter", "hl_fitter")
        listing = self.url_open("/my/work-orders")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.order.name, listing.text)
        page = self.url_open(f"/my/work-orders/{self.order.id}")
        self.assertIn("和平路 12 号", page.text)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/my/work-orders/{self.order.id}/update",
            data={
                "csrf_token": token,
                "state": "departed",
                "latitude": "39.9",
                "longitude": "116.4",
            },
            files={"photo": ("site.png", PNG, "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "departed")
        self.assertAlmostEqual(self.order.longitude, 116.4, places=3)
        self.assertTrue(self.order.photo)
        bad = self.url_open(
            f"/my/work-orders/{self.order.id}/update",
            data={"csrf_token": token, "state": "done"},
        )
        self.assertEqual(bad.status_code, 400)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "departed")
        # someone else's work order is not found
        self.authenticate("hl_handler", "hl_handler")
        other = self.url_open(f"/my/work-orders/{self.order.id}")
        self.assertEqual(other.status_code, 404)
