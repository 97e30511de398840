# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
import xmlrpc.client

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CaseCommon

NAME = "李举报"
NUMBER = "13912345678"


class ConfidentialCommon(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.identity_user = cls.env["res.users"].create(
            {
                "name": "Identity keeper",
                "login": "hl_identity",
                "password": "hl_identity",
                "groups_id": [
                    Command.link(cls.env.ref("hotline_base.group_supervisor").id),
                    Command.link(
                        cls.env.ref("hotline_complaints.group_reporter_identity").id
                    ),
                ],
            }
        )
        export = cls.env.ref("base.group_allow_export")
        for user in cls.role_users.values():
            user.groups_id = [Command.link(export.id)]
        cls.identity_user.groups_id = [Command.link(export.id)]
        cls.reporter_partner = cls.env["res.partner"].create(
            {"name": NAME, "phone": NUMBER, "email": "li@example.com"}
        )
        cls.call = cls.env["hotline.call"].create(
            {"linkedid": "555.1", "caller_number": NUMBER}
        )
        pbx = cls.env["hotline.pbx"].create({"name": "PBX", "ami_secret": "x"})
        cls.recording = cls.env["hotline.recording"].create(
            {"call_id": cls.call.id, "pbx_id": pbx.id, "file_path": "2026/555.1.wav"}
        )
        cls.report = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.role_users["agent"])
            .create(
                {
                    "name": "举报非法倒卖液化气",
                    "description": "<p>某小区地下室有人非法充装液化气</p>",
                    "case_type_id": cls.env.ref(
                        "hotline_complaints.case_type_report"
                    ).id,
                    "channel_id": cls.channel_phone.id,
                    "partner_id": cls.reporter_partner.id,
                    "caller_number": NUMBER,
                    "call_ids": [Command.set(cls.call.ids)],
                    "team_id": cls.team_gas.id,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestConfidentiality(ConfidentialCommon):
    def test_identity_moved_out_of_the_case(self):
        report = self.report
        self.assertTrue(report.is_confidential, "reports are confidential by default")
        self.assertFalse(report.partner_id)
        self.assertFalse(report.caller_number)
        self.assertFalse(report.partner_name)
        self.assertFalse(report.call_ids)
        reporter = report.sudo().reporter_id
        self.assertEqual(reporter.name, NAME)
        self.assertEqual(reporter.phone, NUMBER)
        self.assertEqual(reporter.call_ids, self.call)
        with (
            self.assertRaisesRegex(
                ValidationError,
                "keeps the reporter's identity in the reporter record only",
            ),
            self.env.cr.savepoint(),
        ):
            report.partner_id = self.reporter_partner

    def test_orm_read_per_role(self):
        for role in ("agent", "handler", "supervisor", "leader", "hotline_admin"):
            case = self.report.with_user(self.role_users[role])
            with self.assertRaises(AccessError, msg=role):
                case.read(["reporter_id"])
            with self.assertRaises(AccessError, msg=role):
                case.sudo().reporter_id.with_user(self.role_users[role]).read(["name"])
        # content stays visible to the handler
        handler_case = self.report.with_user(self.role_users["handler"])
        self.assertEqual(handler_case.name, "举报非法倒卖液化气")
        # the identity group reads it, and the read is logged
        reporter = self.report.with_user(self.identity_user).reporter_id
        self.assertEqual(reporter.read(["name"])[0]["name"], NAME)
        log = self.env["hotline.case.identity.log"].search(
            [("ticket_id", "=", self.report.id)]
        )
        self.assertEqual(log.user_id, self.identity_user)
        self.assertTrue(log.date)

    def test_search_on_identity_fields(self):
        for role in ("agent", "handler", "supervisor"):
            Ticket = self.env["helpdesk.ticket"].with_user(self.role_users[role])
            with self.assertRaises(AccessError, msg=role):
                Ticket.search([("reporter_id.name", "ilike", "李")])
            # the number on the case itself does not find the report
            self.assertNotIn(
                self.report, Ticket.search([("caller_number", "ilike", NUMBER)])
            )
            self.assertNotIn(
                self.report,
                Ticket.search([("partner_id", "=", self.reporter_partner.id)]),
            )
        found = (
            self.env["helpdesk.ticket"]
            .with_user(self.identity_user)
            .search([("reporter_id.name", "ilike", "李")])
        )
        self.assertEqual(found, self.report)

    def test_export(self):
        for role in ("agent", "handler", "supervisor"):
            case = self.report.with_user(self.role_users[role])
            with self.assertRaises(AccessError, msg=role):
                case.export_data(["name", "reporter_id/name"])
            rows = case.export_data(["name", "description", "partner_id/name"])["datas"]
            self.assertNotIn(NAME, str(rows))
            self.assertNotIn(NUMBER, str(rows))
        rows = self.report.with_user(self.identity_user).export_data(
            ["reporter_id/name"]
        )["datas"]
        self.assertEqual(rows[0][0], NAME)

    def test_messages_and_followers_carry_no_identity(self):
        users = self.role_users
        report = self.report
        report.with_user(users["agent"]).action_hotline_accept()
        report.with_user(users["agent"]).hotline_dispatch(self.team_gas)
        report.with_user(users["handler"]).action_hotline_start()
        with self.mockSMSGateway():
            report.with_user(users["handler"]).hotline_reply("sms", "已查处")
        self.assertSMSIapSent([NUMBER], content="已查处")
        self.assertNotIn(self.reporter_partner, report.message_partner_ids)
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", report.id)]
        )
        self.assertTrue(messages)
        for message in messages:
            self.assertNotIn(NAME, message.body or "")
            self.assertNotIn(NUMBER, message.body or "")
            self.assertNotIn(self.reporter_partner, message.partner_ids)
        for value in (
            self.env["mail.tracking.value"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        ):
            self.assertNotIn(
                NAME, str(value.old_value_char) + str(value.new_value_char)
            )
            self.assertNotIn(
                NUMBER, str(value.old_value_char) + str(value.new_value_char)
            )
        for event in report.event_ids:
            self.assertNotIn(NUMBER, event.note or "")

    def test_calls_and_recordings_hidden(self):
        self.assertTrue(self.call.hotline_confidential)
        for role in ("agent", "handler", "supervisor", "hotline_admin"):
            user = self.role_users[role]
            calls = self.env["hotline.call"].with_user(user)
            recordings = self.env["hotline.recording"].with_user(user)
            if calls.has_access("read"):
                self.assertFalse(calls.search([("caller_number", "=", NUMBER)]), role)
            if recordings.has_access("read"):
                self.assertNotIn(self.recording, recordings.search([]), role)
            with self.assertRaises(AccessError, msg=role):
                self.recording.with_user(user).read(["partner_id"])
        reporter = self.report.with_user(self.identity_user).reporter_id
        self.assertEqual(reporter.recording_ids, self.recording)
        self.assertEqual(
            self.env["hotline.call"]
            .with_user(self.identity_user)
            .search([("caller_number", "=", NUMBER)]),
            self.call,
        )

    def test_lines_linking_to_the_call_hidden(self):
        """The agent lines and supervisor legs of a confidential reporter's
        call follow the call's rule: their call field would show the number."""
        agent = self.role_users["agent"]
        supervisor = self.role_users["supervisor"]
        call = self.call.sudo()
        call.write(
            {
                "user_id": agent.id,
                "agent_line_ids": [
                    Command.create({"extension": "8001", "user_id": agent.id})
                ],
                "supervisor_leg_ids": [
                    Command.create(
                        {
                            "extension": "9000",
                            "user_id": supervisor.id,
                            "mode": "listen",
                            "started_at": "2026-11-25 08:00:00",
                        }
                    )
                ],
            }
        )
        line, leg = call.agent_line_ids, call.supervisor_leg_ids
        self.assertTrue(call.hotline_confidential)
        for role in ("agent", "supervisor", "hotline_admin"):
            user = self.role_users[role]
            for record in (line, leg):
                Model = self.env[record._name].with_user(user)
                self.assertNotIn(record, Model.search([]), f"{role} {record._name}")
                self.assertFalse(
                    Model.search_read([("id", "=", record.id)], ["call_id"]), role
                )
                with self.assertRaises(AccessError, msg=f"{role} {record._name}"):
                    record.with_user(user).read(["call_id"])
        # the Reporter identity group sees them, with the call
        for record in (line, leg):
            (row,) = record.with_user(self.identity_user).read(["call_id"])
            self.assertEqual(row["call_id"][0], call.id)
        # a call that is not confidential: its supervisor sees the leg
        other = self.env["hotline.call"].create(
            {
                "linkedid": "555.2",
                "caller_number": "13700137000",
                "supervisor_leg_ids": [
                    Command.create(
                        {
                            "extension": "9000",
                            "user_id": supervisor.id,
                            "mode": "barge",
                            "started_at": "2026-11-25 09:00:00",
                        }
                    )
                ],
            }
        )
        (row,) = other.supervisor_leg_ids.with_user(supervisor).read(["call_id"])
        self.assertEqual(row["call_id"][0], other.id)

    def test_portal_of_the_reporter(self):
        portal = new_test_user(
            self.env,
            login="hl_reporter_portal",
            groups="base.group_portal",
            partner_id=self.reporter_partner.id,
        )
        Ticket = self.env["helpdesk.ticket"].with_user(portal)
        self.assertNotIn(self.report, Ticket.search([]))
        with self.assertRaises(AccessError):
            self.report.with_user(portal).read(["name"])

    def test_statistics_export_has_no_identity(self):
        wizard = (
            self.env["hotline.case.report.wizard"]
            .with_user(self.role_users["supervisor"])
            .create(
                {
                    "date_from": self.report.intake_date.date(),
                    "date_to": self.report.intake_date.date(),
                }
            )
        )
        wizard.action_export()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        cells = " ".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
        )
        self.assertIn("燃气抢修队", cells)
        self.assertNotIn(NAME, cells)
        self.assertNotIn(NUMBER, cells)


@tagged("post_install", "-at_install")
class TestConfidentialityRpc(HttpCase, ConfidentialCommon):
    def test_xmlrpc_read(self):
        db = self.env.cr.dbname
        common = xmlrpc.client.ServerProxy(f"{self.xmlrpc_url}common")
        for login in ("hl_agent", "hl_handler", "hl_supervisor", "hl_leader"):
            uid = common.authenticate(db, login, login, {})
            self.assertTrue(uid, login)
            with self.assertRaises(xmlrpc.client.Fault, msg=login):
                self.xmlrpc_object.execute_kw(
                    db,
                    uid,
                    login,
                    "helpdesk.ticket",
                    "read",
                    [self.report.ids],
                    {"fields": ["reporter_id"]},
                )
            with self.assertRaises(xmlrpc.client.Fault, msg=login):
                self.xmlrpc_object.execute_kw(
                    db,
                    uid,
                    login,
                    "hotline.case.reporter",
                    "search_read",
                    [[]],
                    {"fields": ["name", "phone"]},
                )
            data = self.xmlrpc_object.execute_kw(
                db,
                uid,
                login,
                "helpdesk.ticket",
                "search_read",
                [[("id", "=", self.report.id)]],
                {},
            )
            self.assertNotIn(NAME, str(data), login)
            self.assertNotIn(NUMBER, str(data), login)
        uid = common.authenticate(db, "hl_identity", "hl_identity", {})
        data = self.xmlrpc_object.execute_kw(
            db,
            uid,
            "hl_identity",
            "hotline.case.reporter",
            "search_read",
            [[("ticket_id", "=", self.report.id)]],
            {"fields": ["name", "phone"]},
        )
        self.assertEqual(data[0]["name"], NAME)
