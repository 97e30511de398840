# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 11, items 1, 2 and 6: what links to a confidential reporter's call,
a case made confidential after intake, and the log of identity reads."""

import xmlrpc.client
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_confidentiality import NAME, NUMBER, ConfidentialCommon

OTHER_NUMBER = "13812340000"
CURRENT = ["hotline_current_call_id"]


class LinksCommon(ConfidentialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.role_users
        cls.agent2 = new_test_user(
            cls.env,
            login="hl_agent2",
            name="Hotline agent2",
            groups="hotline_base.group_agent,base.group_allow_export",
        )
        cls.team_centre.user_ids = [Command.link(cls.agent2.id)]
        # the confidential call (self.call) rang the agent, who answered it
        cls.call.write(
            {
                "user_id": users["agent"].id,
                "called_number": "12345",
                "agent_line_ids": [
                    Command.create({"extension": "8001", "user_id": users["agent"].id})
                ],
            }
        )
        users["agent"].hotline_current_call_id = cls.call
        cls.pbx = cls.env["hotline.pbx"].search([], limit=1)
        cls.voicemail = cls.env["hotline.voicemail"].create(
            {
                "pbx_id": cls.pbx.id,
                "call_id": cls.call.id,
                "caller_number": NUMBER,
                "file_path": "default/INBOX/msg0000.wav",
            }
        )
        # a phone complaint taken openly, made confidential later
        cls.open_call = cls.env["hotline.call"].create(
            {
                "linkedid": "556.1",
                "caller_number": OTHER_NUMBER,
                "called_number": "12345",
            }
        )
        cls.open_partner = cls.env["res.partner"].create(
            {"name": "赵公开", "phone": OTHER_NUMBER, "email": "zhao@example.com"}
        )
        cls.case = (
            cls.env["helpdesk.ticket"]
            .with_user(users["agent"])
            .create(
                {
                    "name": "投诉抄表员",
                    "description": "<p>抄表员态度恶劣</p>",
                    "case_type_id": cls.type_complaint.id,
                    "channel_id": cls.channel_phone.id,
                    "partner_id": cls.open_partner.id,
                    "caller_number": OTHER_NUMBER,
                    "call_ids": [Command.set(cls.open_call.ids)],
                    "team_id": cls.team_centre.id,
                }
            )
        )

    def setUp(self):
        super().setUp()
        # the intake's pending tracking is written as a commit would
        self.flush_tracking()
        # the test classes disable tracking, the chatter of a real case has it
        self.case = self.case.with_context(
            tracking_disable=False, mail_notrack=False, mail_create_nolog=False
        )

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    def case_traces(self, case):
        """Every text of the case's chatter, as superuser."""
        messages = self.env["mail.message"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        values = self.env["mail.tracking.value"].search(
            [("mail_message_id", "in", messages.ids)]
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        return " ".join(
            [str(m.body) + str(m.email_from) for m in messages]
            + [f"{v.old_value_char} {v.new_value_char}" for v in values]
            + [
                f"{a.name} {a.index_content}"
                for a in attachments | messages.attachment_ids
            ]
        )


@tagged("post_install", "-at_install")
class TestConfidentialCallLinks(LinksCommon):
    def test_call_name_without_the_number(self):
        self.assertTrue(self.call.hotline_confidential)
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            user = self.role_users[role]
            name = self.call.with_user(user).sudo().display_name
            self.assertNotIn(NUMBER, name, role)
        for user, shown in ((self.agent2, False), (self.identity_user, True)):
            name = self.call.with_user(user).sudo().display_name
            self.assertEqual(NUMBER in name, shown, user.login)
        # a call that is not confidential keeps its numbers
        self.assertIn(
            OTHER_NUMBER,
            self.open_call.with_user(self.role_users["finance"]).sudo().display_name,
        )

    def test_current_call_of_the_agents(self):
        agent = self.role_users["agent"]
        for role in ("finance", "handler", "leader"):
            with self.assertRaises(AccessError, msg=role):
                agent.with_user(self.role_users[role]).read(["hotline_current_call_id"])
        # call-centre staff see which call, not whose number
        for user in (self.agent2, self.role_users["supervisor"], agent):
            (row,) = agent.with_user(user).read(["hotline_current_call_id"])
            self.assertEqual(row["hotline_current_call_id"][0], self.call.id)
            self.assertNotIn(NUMBER, row["hotline_current_call_id"][1], user.login)
        self.identity_user.groups_id = [
            Command.link(self.env.ref("hotline_base.group_agent").id)
        ]
        (row,) = agent.with_user(self.identity_user).read(["hotline_current_call_id"])
        self.assertIn(NUMBER, row["hotline_current_call_id"][1])

    def test_agent_lines_and_voicemail_follow_the_call(self):
        line = self.call.agent_line_ids
        for user in (self.agent2, *self.role_users.values()):
            for record in (line, self.voicemail):
                Model = self.env[record._name].with_user(user)
                if not Model.has_access("read"):
                    continue
                rows = Model.search_read([], ["call_id"])
                self.assertNotIn(NUMBER, str(rows), f"{user.login} {record._name}")
                with self.assertRaises(AccessError, msg=user.login):
                    record.with_user(user).read(["call_id"])
        for record in (line, self.voicemail):
            (row,) = record.with_user(self.identity_user).read(["call_id"])
            self.assertIn(NUMBER, row["call_id"][1])

    def test_blacklist_entry_follows_the_call(self):
        """A block proposed from a confidential reporter's call holds the
        number and names the call: hidden outside the Reporter identity group,
        whatever the role (supervisors and Hotline admins read every entry),
        and still blocking (the IVR checks as superuser)."""
        Blacklist = self.env["hotline.blacklist"]
        entry = Blacklist.create(
            {
                "number": NUMBER,
                "reason": "骚扰电话",
                "call_id": self.call.id,
                "state": "active",
            }
        )
        plain = Blacklist.create(
            {"number": "13600000000", "reason": "推销", "state": "active"}
        )
        readers = 0
        for user in (self.agent2, *self.role_users.values()):
            Model = Blacklist.with_user(user)
            if not Model.has_access("read"):
                continue
            readers += 1
            rows = Model.search_read([], ["number", "call_id"])
            self.assertNotIn(NUMBER, str(rows), user.login)
            self.assertIn(plain.id, [row["id"] for row in rows], user.login)
            with self.assertRaises(AccessError, msg=user.login):
                entry.with_user(user).read(["number"])
        self.assertGreaterEqual(readers, 3)
        (row,) = entry.with_user(self.identity_user).read(["number", "call_id"])
        self.assertEqual(row["number"], NUMBER)
        self.assertIn(NUMBER, row["call_id"][1])
        self.assertEqual(Blacklist.hotline_check_number(NUMBER)["id"], entry.id)


@tagged("post_install", "-at_install")
class TestMadeConfidential(LinksCommon):
    def test_switch_moves_the_identity(self):
        case = self.case.with_user(self.role_users["agent"])
        case.message_post(body=f"回拨 {OTHER_NUMBER} 无人接听")
        case.message_post(
            body="来电人材料",
            attachment_ids=[
                self.env["ir.attachment"]
                .with_user(self.role_users["agent"])
                .create(
                    {
                        "name": f"身份证 {OTHER_NUMBER}.txt",
                        "raw": b"ID",
                        "res_model": "mail.compose.message",
                        "res_id": 0,
                    }
                )
                .id
            ],
        )
        self.flush_tracking()
        case.write({"is_confidential": True})
        self.flush_tracking()
        self.assertTrue(case.is_confidential)
        self.assertFalse(case.caller_number or case.partner_id or case.call_ids)
        reporter = case.sudo().reporter_id
        self.assertEqual(reporter.phone, OTHER_NUMBER)
        self.assertEqual(reporter.name, "赵公开")
        self.assertEqual(reporter.email, "zhao@example.com")
        self.assertEqual(reporter.call_ids, self.open_call)
        self.assertTrue(self.open_call.hotline_confidential)
        self.assertNotIn(OTHER_NUMBER, self.case_traces(case))
        self.assertNotIn(self.open_partner, case.message_partner_ids)
        # the document is kept with the reporter, for those allowed to see it
        moved = self.env["ir.attachment"].search(
            [("res_model", "=", "hotline.case.reporter"), ("res_id", "=", reporter.id)]
        )
        self.assertEqual(len(moved), 1)
        self.assertIn("confidential", case.event_ids.mapped("event_type"))
        # the switch itself is tracked, the identity is not
        tracked = self.env["mail.tracking.value"].search(
            [("mail_message_id", "in", case.message_ids.ids)]
        )
        self.assertIn("is_confidential", tracked.field_id.mapped("name"))
        # agents lose the call; the identity group reads it back
        for user in (self.agent2, self.role_users["agent"]):
            self.assertFalse(
                self.env["hotline.call"]
                .with_user(user)
                .search([("caller_number", "=", OTHER_NUMBER)])
            )
        self.assertEqual(
            case.with_user(self.identity_user).reporter_id.read(["phone"])[0]["phone"],
            OTHER_NUMBER,
        )

    def test_switch_hides_what_names_the_number(self):
        """Records outside the case that name the reporter's number follow the
        switch: the SMS it came from loses its sender (supervisors read inbound
        messages), a block proposed from its call is hidden."""
        gateway = self.env["hotline.inbound.gateway"].create(
            {"name": "SMS", "channel_code": "sms", "user_id": self.env.uid}
        )
        sms = self.env["hotline.inbound.message"].create(
            {
                "gateway_id": gateway.id,
                "message_id": "sms-1",
                "sender": OTHER_NUMBER,
                "ticket_id": self.case.id,
            }
        )
        entry = self.env["hotline.blacklist"].create(
            {
                "number": OTHER_NUMBER,
                "reason": "骚扰",
                "call_id": self.open_call.id,
                "state": "active",
            }
        )
        supervisor = self.role_users["supervisor"]
        self.assertTrue(entry.with_user(supervisor).read(["number"]))
        self.case.with_user(self.role_users["agent"]).write({"is_confidential": True})
        self.flush_tracking()
        self.assertFalse(sms.sender)
        rows = (
            self.env["hotline.inbound.message"]
            .with_user(supervisor)
            .search_read([], ["sender", "ticket_id"])
        )
        self.assertIn(sms.id, [row["id"] for row in rows])
        self.assertNotIn(OTHER_NUMBER, str(rows))
        with self.assertRaises(AccessError):
            entry.with_user(supervisor).read(["number"])
        self.assertEqual(self.case.sudo().reporter_id.phone, OTHER_NUMBER)

    def test_number_cleared_first_is_recovered(self):
        """The constraint asked to clear the number first: that tracked the
        number into the chatter; the switch takes it back from there."""
        case = self.case.with_user(self.role_users["agent"])
        case.write(
            {"caller_number": False, "partner_id": False, "call_ids": [Command.clear()]}
        )
        self.flush_tracking()
        self.assertIn(OTHER_NUMBER, self.case_traces(case))
        case.write({"is_confidential": True})
        self.flush_tracking()
        self.assertEqual(case.sudo().reporter_id.phone, OTHER_NUMBER)
        self.assertNotIn(OTHER_NUMBER, self.case_traces(case))

    def test_switch_and_identity_in_one_write(self):
        case = self.case.with_user(self.role_users["agent"])
        case.write({"is_confidential": True, "caller_number": False})
        self.flush_tracking()
        self.assertEqual(case.sudo().reporter_id.phone, OTHER_NUMBER)
        self.assertNotIn(OTHER_NUMBER, self.case_traces(case))

    def test_identity_refused_on_a_case_already_confidential(self):
        """Switching several cases at once: the one already confidential does
        not silently take a number, nothing is written."""
        cases = self.case | self.report
        with (
            self.assertRaisesRegex(
                ValidationError,
                "keeps the reporter's identity in the reporter record only",
            ),
            self.env.cr.savepoint(),
        ):
            cases.with_user(self.role_users["agent"]).write(
                {"is_confidential": True, "caller_number": "13700000000"}
            )
        self.assertFalse(self.case.is_confidential)
        self.assertFalse(self.case.sudo().reporter_id)
        self.assertEqual(self.case.caller_number, OTHER_NUMBER)


@tagged("post_install", "-at_install")
class TestIdentityReadLog(LinksCommon):
    def count_logs(self):
        return self.env["hotline.case.identity.log"].search_count(
            [("ticket_id", "=", self.report.id)]
        )

    def test_every_read_path_is_logged(self):
        Reporter = self.env["hotline.case.reporter"].with_user(self.identity_user)
        domain = [("ticket_id", "=", self.report.id)]
        paths = {
            "search_read": lambda: Reporter.search_read(domain, ["name", "phone"]),
            "web_search_read": lambda: Reporter.web_search_read(
                domain, {"phone": {}, "id_number": {}}
            ),
            "read_group": lambda: Reporter.read_group(
                domain, ["phone"], ["phone"], lazy=False
            ),
            "web_read_group": lambda: Reporter.web_read_group(
                domain, ["id_number"], ["name"]
            ),
            "export_data": lambda: Reporter.search(domain).export_data(
                ["name", "phone", "id_number"]
            ),
            "case export": lambda: self.report.with_user(
                self.identity_user
            ).export_data(["name", "reporter_id/phone"]),
            "web_read of the case": lambda: self.report.with_user(
                self.identity_user
            ).web_read({"reporter_id": {"fields": {"phone": {}}}}),
        }
        for path, run in paths.items():
            before = self.count_logs()
            result = run()
            shown = NAME if path == "web_read_group" else NUMBER
            self.assertIn(shown, str(result), path)
            self.assertGreater(self.count_logs(), before, path)
        # reading no identity, or as the superuser itself (no person): no log
        before = self.count_logs()
        Reporter.search_read(domain, ["anonymous"])
        self.env["hotline.case.reporter"].search_read(domain, ["phone"])
        self.assertEqual(self.count_logs(), before)

    def logs(self):
        return self.env["hotline.case.identity.log"].search(
            [("ticket_id", "=", self.report.id)], order="id"
        )

    def test_server_method_read_is_logged(self):
        """Issue 11 item 5: a server method reading the identity for a user
        (sudo, e.g. the number to send a reply to) left no log row."""
        handler = self.role_users["handler"]
        case = self.report.with_user(handler)
        self.env.invalidate_all()  # a new request: nothing in memory yet
        before = self.logs()
        number, _email, _partner = case._hotline_contact()
        self.assertEqual(number, NUMBER)
        new = self.logs() - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, handler)
        self.assertEqual(new.reporter_id, self.report.sudo().reporter_id)
        self.assertTrue(new.is_sudo)
        # the same read again in the same request: in memory, not read again
        case._hotline_contact()
        self.assertEqual(self.logs(), before | new)

    def test_record_field_access_is_logged_once_per_read(self):
        """record.field in server code as the user, and read(): one row per
        read (the fetch and read() are not logged twice), none for what the
        ORM does itself."""
        reporter = self.report.with_user(self.identity_user).reporter_id
        self.env.invalidate_all()
        before = self.logs()
        self.assertEqual(reporter.phone, NUMBER)
        new = self.logs() - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.user_id, self.identity_user)
        self.assertFalse(new.is_sudo)
        # returned by read() after that fetch: the same read, one row
        before = self.logs()
        reporter.read(["phone"])
        self.assertEqual(self.logs(), before)
        # read again from what the server holds: another read
        reporter.read(["phone"])
        self.assertEqual(len(self.logs() - before), 1)
        self.env.invalidate_all()
        before = self.logs()
        reporter.read(["name", "phone", "email"])
        self.assertEqual(len(self.logs() - before), 1)
        # the case link and the anonymous flag are not the identity: reading
        # them fetches no identity field, and logs nothing
        self.env.invalidate_all()
        before = self.logs()
        reporters = self.env["hotline.case.reporter"].with_user(self.identity_user)
        for row in reporters.search([]):
            self.assertTrue(row.ticket_id)
            self.assertIsInstance(row.anonymous, bool)
        # the ORM writing the identity (and reading back its links) is no read
        reporter.write({"phone": "13900000000", "call_ids": [Command.set([])]})
        self.env.flush_all()
        self.assertEqual(self.logs(), before)
        # what the ORM fetches while it writes or recomputes stored fields (it
        # protects them meanwhile), e.g. a stored field computed from these
        self.env.invalidate_all()
        stored = self.env["hotline.case.identity.log"]._fields["date"]
        with self.env.protecting([stored], self.env["hotline.case.identity.log"]):
            self.assertEqual(reporter.phone, "13900000000")
        self.assertEqual(self.logs(), before)


@tagged("post_install", "-at_install")
class TestConfidentialLinksRpc(HttpCase, LinksCommon):
    def rpc(self, login, model, method, args, kwargs=None):
        uid = xmlrpc.client.ServerProxy(f"{self.xmlrpc_url}common").authenticate(
            self.env.cr.dbname, login, login, {}
        )
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, login, model, method, args, kwargs or {}
        )

    def test_rpc_current_call_and_lines(self):
        agent = self.role_users["agent"]
        with self.assertRaises(xmlrpc.client.Fault):
            self.rpc("hl_finance", "res.users", "read", [agent.ids, CURRENT])
        rows = self.rpc("hl_agent2", "res.users", "read", [agent.ids, CURRENT])
        self.assertEqual(rows[0]["hotline_current_call_id"][0], self.call.id)
        self.assertNotIn(NUMBER, str(rows))
        for login in ("hl_agent2", "hl_agent", "hl_supervisor", "hl_handler"):
            for model in ("hotline.call.agent", "hotline.voicemail"):
                try:
                    rows = self.rpc(login, model, "search_read", [[], ["call_id"]])
                except xmlrpc.client.Fault:
                    continue  # no access at all
                self.assertNotIn(NUMBER, str(rows), f"{login} {model}")

    def test_rpc_messages_after_switch(self):
        case = self.case.with_user(self.role_users["agent"])
        case.write({"caller_number": False})
        self.flush_tracking()
        self.authenticate("hl_agent2", "hl_agent2")
        before = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": case.id},
        )
        self.assertIn(OTHER_NUMBER, str(before))
        case.write({"is_confidential": True})
        self.flush_tracking()
        after = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "helpdesk.ticket", "thread_id": case.id},
        )
        self.assertTrue(after["messages"])
        self.assertNotIn(OTHER_NUMBER, str(after))

    def test_rpc_identity_reads_logged(self):
        Log = self.env["hotline.case.identity.log"]
        domain = [("ticket_id", "=", self.report.id)]
        for method, args, kwargs in (
            ("search_read", [domain], {"fields": ["name", "phone"]}),
            ("read_group", [domain, ["phone"], ["phone"]], {"lazy": False}),
        ):
            before = Log.search_count(domain)
            result = self.rpc(
                "hl_identity", "hotline.case.reporter", method, args, kwargs
            )
            self.assertIn(NUMBER, str(result), method)
            self.assertGreater(Log.search_count(domain), before, method)
        ids = self.report.sudo().reporter_id.ids
        before = Log.search_count(domain)
        result = self.rpc(
            "hl_identity",
            "hotline.case.reporter",
            "export_data",
            [ids, ["name", "phone", "id_number"]],
        )
        self.assertIn(NUMBER, str(result))
        self.assertGreater(Log.search_count(domain), before)
        self.assertEqual(Log.search(domain).user_id.login, "hl_identity")


@tagged("post_install", "-at_install")
class TestConfidentialCallForgetsCaller(LinksCommon):
    def test_marking_a_call_confidential_asks_add_ons_to_forget_its_caller(self):
        """Add-ons keeping a copy of the caller (self-service statistics of
        hotline_billing_ivr, ...) are told when a call turns confidential."""
        self.assertTrue(self.call._hotline_caller_hidden())
        call = self.env["hotline.call"].create(
            {"linkedid": "1700000000.55", "caller_number": "13900000055"}
        )
        self.assertFalse(call._hotline_caller_hidden())
        Call = type(self.env["hotline.call"])
        with patch.object(
            Call, "_hotline_forget_caller", autospec=True, return_value=True
        ) as forget:
            call.sudo().write({"hotline_confidential": True})
            call.sudo().write({"hotline_confidential": True, "wrapup_note": "x"})
        self.assertEqual(forget.call_count, 2)
        self.assertEqual(forget.call_args[0][0], call.sudo())
        self.assertTrue(call._hotline_caller_hidden())
