# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestAudit(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Audit customer", "hotline_is_customer": True}
        )

    def setUp(self):
        super().setUp()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM auditlog_log")
        self.since = self.env.cr.fetchone()[0]

    def _lines(self, record, method="write"):
        logs = self.env["auditlog.log"].search(
            [
                ("id", ">", self.since),
                ("model_id.model", "=", record._name),
                ("res_id", "=", record.id),
                ("method", "=", method),
            ]
        )
        return logs, logs.line_ids

    def test_rules_created_and_subscribed(self):
        rules = self.env["auditlog.rule"].search([("state", "=", "subscribed")])
        self.assertLessEqual(
            {
                "res.partner",
                "hotline.blacklist",
                "hotline.case.reporter",
                "helpdesk.ticket",
                "hotline.pbx",
                "hotline.did",
                "hotline.ivr.flow",
                "hotline.ivr.node",
                "hotline.queue",
                "res.users",
            },
            set(rules.mapped("model_id.model")),
        )

    def test_customer_master_data(self):
        supervisor = self.role_users["supervisor"]
        self.customer.with_user(supervisor).write(
            {"hotline_building": "3", "comment": "not audited"}
        )
        logs, lines = self._lines(self.customer)
        self.assertEqual(logs.user_id, supervisor)
        self.assertEqual(lines.field_id.mapped("name"), ["hotline_building"])
        self.assertEqual(lines.new_value_text, "3")

    def test_pin_logged_without_its_value(self):
        finance = self.role_users["finance"]
        self.customer.with_user(finance)._hotline_set_pin("480317")
        logs, lines = self._lines(self.customer)
        self.assertEqual(logs.user_id, finance)
        self.assertEqual(lines.field_id.mapped("name"), ["hotline_pin_hash"])
        self.assertEqual(lines.new_value_text, "(hidden)")
        self.customer.with_user(finance)._hotline_set_pin("602915")
        self.assertEqual(len(self._lines(self.customer)[0]), 2)
        all_lines = self.env["auditlog.log.line"].search([])
        for pin in ("480317", "602915", "$pbkdf2"):
            for fname in ("old_value", "new_value", "old_value_text", "new_value_text"):
                self.assertFalse(
                    all_lines.filtered(
                        lambda line, f=fname, p=pin: p in (line[f] or "")
                    )
                )

    def test_blacklist(self):
        supervisor = self.role_users["supervisor"]
        entry = (
            self.env["hotline.blacklist"]
            .with_user(supervisor)
            .create({"number": "+8613900000001", "reason": "Abuse"})
        )
        logs, lines = self._lines(entry, "create")
        self.assertEqual(logs.user_id, supervisor)
        self.assertIn("reason", lines.field_id.mapped("name"))
        entry.with_user(supervisor).write({"reason": "Repeated abuse"})
        logs, lines = self._lines(entry)
        self.assertEqual(lines.field_id.mapped("name"), ["reason"])

    def test_reporter_identity(self):
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Report", "description": "Report"}
        )
        reporter = self.env["hotline.case.reporter"].create(
            {"ticket_id": ticket.id, "name": "Zhang"}
        )
        reporter.write({"phone": "13900000002"})
        logs, lines = self._lines(reporter)
        self.assertEqual(logs.user_id, self.env.user)
        self.assertEqual(lines.field_id.mapped("name"), ["phone"])
        ticket.write({"is_confidential": True})
        _logs, lines = self._lines(ticket)
        # the reporter record is created when the case becomes confidential
        self.assertEqual(
            sorted(lines.field_id.mapped("name")), ["is_confidential", "reporter_id"]
        )
        ticket.write({"description": "<p>Not audited</p>"})
        self.assertNotIn("description", self._lines(ticket)[1].field_id.mapped("name"))

    def test_pbx_configuration_without_the_secret(self):
        pbx = self.env["hotline.pbx"].create({"name": "Audit PBX"})
        admin = self.role_users["hotline_admin"]
        pbx.with_user(admin).write({"ami_secret": "s3cret-ami", "ami_port": 5039})
        logs, lines = self._lines(pbx)
        self.assertEqual(logs.user_id, admin)
        self.assertEqual(
            sorted(lines.field_id.mapped("name")), ["ami_port", "ami_secret"]
        )
        secret = lines.filtered(lambda line: line.field_id.name == "ami_secret")
        self.assertEqual(secret.new_value_text, "(hidden)")
        self.assertFalse(
            self.env["auditlog.log.line"].search(
                [("new_value_text", "ilike", "s3cret")]
            )
        )

    def test_role_assignment(self):
        user = self.role_users["agent"]
        user.write(
            {
                "groups_id": [
                    Command.link(self.env.ref("hotline_base.group_supervisor").id)
                ]
            }
        )
        logs, lines = self._lines(user)
        self.assertEqual(logs.user_id, self.env.user)
        self.assertEqual(lines.field_id.mapped("name"), ["groups_id"])
        self.assertIn("Supervisor", lines.new_value_text)
        user.write({"tz": "Europe/Paris"})
        self.assertEqual(len(self._lines(user)[0]), 1, "only role changes")

    def test_who_reads_the_audit_trail(self):
        self.customer.write({"hotline_building": "5"})
        Log = self.env["auditlog.log"]
        self.assertTrue(Log.with_user(self.role_users["hotline_admin"]).search([]))
        with self.assertRaises(AccessError):
            Log.with_user(self.role_users["hotline_admin"]).search([]).unlink()
        with self.assertRaises(AccessError):
            self.env["auditlog.rule"].with_user(
                self.role_users["hotline_admin"]
            ).search([]).write({"log_read": True})
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            with self.assertRaises(AccessError):
                Log.with_user(self.role_users[role]).search([])
