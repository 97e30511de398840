# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fax received through Asterisk opens a case through the fax intake of
the HTTP fax gateway (which keeps working for outside fax servers)."""

import os
import tempfile

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.hotline_callcenter.tests.common import serve_media
from odoo.addons.hotline_callcenter.tests.test_fax import make_pdf, make_tiff

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestFaxCase(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.spool = tempfile.mkdtemp(prefix="hotline-fax-case-")
        cls.addClassCleanup(cls._remove_spool)
        cls.media = serve_media(cls.spool)
        cls.media.start()
        cls.addClassCleanup(cls.media.stop)
        cls.pbx = cls.env["hotline.pbx"].create(
            {
                "name": "Fax PBX",
                "host": "127.0.0.1",
                "ami_secret": "secret",
                "fax_path": cls.spool,
            }
        )
        cls.fax_user = new_test_user(
            cls.env, "fax_pbx_intake", groups="base.group_user"
        )
        cls.gateway = cls.env["hotline.inbound.gateway"].create(
            {"name": "Fax", "channel_code": "fax", "user_id": cls.fax_user.id}
        )
        cls.box = cls.env["hotline.fax.box"].create(
            {
                "name": "Complaints fax",
                "pbx_id": cls.pbx.id,
                "numbers": "4008100300",
                "user_id": cls.role_users["agent"].id,
                "open_case": True,
                "case_gateway_id": cls.gateway.id,
            }
        )

    @classmethod
    def _remove_spool(cls):
        for folder, _dirs, files in os.walk(cls.spool, topdown=False):
            for name in files:
                os.unlink(os.path.join(folder, name))
            os.rmdir(folder)

    def receive(self, uniqueid, pages=2):
        os.makedirs(os.path.join(self.spool, "in"), exist_ok=True)
        with open(os.path.join(self.spool, "in", f"{uniqueid}.tif"), "wb") as handle:
            handle.write(make_tiff(pages))
        result = {
            "kind": "done",
            "direction": "in",
            "uniqueid": uniqueid,
            "exten": "4008100300",
            "caller": "01066660000",
            "status": "SUCCESS",
            "pages": pages,
            "files": [f"/var/spool/asterisk/fax/in/{uniqueid}.tif"],
        }
        Fax = self.env["hotline.fax"]
        Fax.hotline_fax_results(self.pbx.id, [result])
        return Fax.search([("uniqueid", "=", uniqueid)])

    def test_received_fax_opens_a_case(self):
        fax = self.receive("pbx-1.10", pages=2)
        self.assertEqual(fax.state, "received")
        case = fax.case_id
        self.assertTrue(case)
        self.assertEqual(case.channel_id.hotline_code, "fax")
        self.assertIn("01066660000", case.name)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF-"))
        message = self.env["hotline.inbound.message"].search(
            [("ticket_id", "=", case.id)]
        )
        self.assertEqual(message.gateway_id, self.gateway)
        self.assertEqual(message.pages, 2)
        # the same fax again opens nothing more
        self.assertEqual(fax._hotline_fax_open_case(), case)

    def test_no_intake_no_case(self):
        self.box.case_gateway_id = False
        self.gateway.active = False
        fax = self.receive("pbx-1.11", pages=1)
        self.assertEqual(fax.state, "received")
        self.assertFalse(fax.case_id)
        self.assertTrue(any("no fax intake" in (m.body or "") for m in fax.message_ids))

    def test_box_without_case_opens_none(self):
        self.box.open_case = False
        fax = self.receive("pbx-1.12", pages=1)
        self.assertFalse(fax.case_id)

    def test_reply_to_a_fax_case_is_logged_on_the_case(self):
        fax = self.receive("pbx-1.13", pages=1)
        action = fax.action_reply()
        self.assertEqual(action["context"]["default_res_model"], "helpdesk.ticket")
        self.assertEqual(action["context"]["default_res_id"], fax.case_id.id)

    def send_from(self, case):
        document = self.env["ir.attachment"].create(
            {
                "name": "reply.pdf",
                "raw": make_pdf(1),
                "mimetype": "application/pdf",
                "res_model": "helpdesk.ticket",
                "res_id": case.id,
            }
        )
        agent = self.role_users["agent"]
        wizard = (
            self.env["hotline.fax.send.wizard"]
            .with_user(agent)
            .with_context(active_model="helpdesk.ticket", active_id=case.id)
            .create({"box_id": self.box.id, "numbers": "01088886666"})
        )
        self.assertEqual(wizard.attachment_ids, document)
        return wizard.action_send()

    def test_send_a_case_document_by_fax(self):
        case = self.new_case()
        action = self.send_from(case)
        fax = self.env["hotline.fax"].search(action["domain"])
        self.assertEqual(
            (fax.state, fax.res_model, fax.res_id),
            ("queued", "helpdesk.ticket", case.id),
        )
        self.assertIn("01088886666", case.message_ids[:1].body)

    def test_confidential_report_never_faxed(self):
        report = self.new_case(case_type_id=self.type_report.id)
        self.assertTrue(report.is_confidential)
        Fax = self.env["hotline.fax"]
        before = Fax.search_count([])
        with self.assertRaises(UserError):
            self.send_from(report)
        self.assertEqual(Fax.search_count([]), before)
