# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

# Data the tours look for (static/tests/tours/hotline_card_case_tour.esm.js).
NUMBER = "13800138000"
CUSTOMER = "王小明"
CASE_TITLE = "来电工单 燃气表漏气"


@tagged("post_install", "-at_install")
class TestCardTour(WebsocketCase):
    """The caller card in Chinese for an agent: a ring pops it docked beside the
    content, every action it offers works, Start case makes a case linked to
    the call and its recording; it comes back after a reload while the call is
    live and tells why the call ended."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.country_id = env.ref("base.cn")
        env["res.lang"]._activate_lang("zh_CN")
        modules = env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "like", "hotline_%")]
        )
        env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["zh_CN"], overwrite=True
        )
        cls.agent = new_test_user(
            env,
            login="hl_card_agent",
            name="Card agent",
            groups="hotline_base.group_agent",
            tz="Asia/Shanghai",
            lang="zh_CN",
        )
        cls.agent.hotline_extension = "8001"
        team = env["helpdesk.ticket.team"].create(
            {"name": "热线中心 Card", "user_ids": [Command.set(cls.agent.ids)]}
        )
        env.ref("hotline_complaints.case_type_complaint").team_id = team
        cls.customer = env["res.partner"].create(
            {"name": CUSTOMER, "phone": "+86 138 0013 8000"}
        )
        cls.pbx = env["hotline.pbx"].create({"name": "Card PBX", "host": "127.0.0.1"})
        now = fields.Datetime.now()
        cls.call = env["hotline.call"].create(
            {
                "pbx_id": cls.pbx.id,
                "linkedid": "card-tour.1",
                "caller_number": NUMBER,
                "called_number": "4008123459",
                "partner_id": cls.customer.id,
                "user_id": cls.agent.id,
                "queued_at": now - timedelta(seconds=40),
                "answered_at": now - timedelta(seconds=30),
                "disposition": "answered",
            }
        )
        cls.recording = env["hotline.recording"].create(
            {
                "pbx_id": cls.pbx.id,
                "call_id": cls.call.id,
                "file_path": "2026/card-tour.1.wav",
            }
        )

    def deliver_bus(self):
        """Deliver the notifications as a commit would: the browser's first
        poll returns those of the last 50 s of its channels."""
        self.env.cr.precommit.run()
        self.env.cr.execute(
            "UPDATE bus_bus SET create_date = clock_timestamp() AT TIME ZONE 'UTC' "
            "WHERE create_date >= now() AT TIME ZONE 'UTC' - interval '1 day'"
        )

    def test_card_actions_and_start_case(self):
        self.env["hotline.screen.pop"].sudo().hotline_ringing(self.call, "8001")
        self.deliver_bus()
        originates = []

        def ami_action(pbx, action, **fields_):
            originates.append((action, fields_.get("Exten")))
            return {"Response": "Success"}

        Pbx = type(self.env["hotline.pbx"])
        with patch.object(Pbx, "_hotline_ami_action", ami_action):
            self.start_tour("/odoo", "hotline_card_case_tour", login="hl_card_agent")
        self.assertEqual(originates, [("Originate", NUMBER)])
        case = self.env["helpdesk.ticket"].search([("name", "=", CASE_TITLE)])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.call_ids, self.call)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.caller_number, NUMBER)
        self.assertEqual(case.channel_code, "phone")
        self.assertEqual(case.owner_id, self.agent)
        self.assertEqual(case.create_uid, self.agent)
        self.assertEqual(case.recording_ids, self.recording)
        self.assertEqual(self.call.ticket_ids, case)

    def test_card_restored_after_reload(self):
        self.env["hotline.screen.pop"].sudo().hotline_ringing(self.call, "8001")
        # no notification left: the card can only come from the server
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()
        self.start_tour("/odoo", "hotline_card_restore_tour", login="hl_card_agent")

    def test_card_shows_the_hangup_cause(self):
        self.env["hotline.screen.pop"].sudo().hotline_ringing(self.call, "8001")
        self.call.write(
            {
                "ended_at": fields.Datetime.now(),
                "talk_seconds": 30,
                "hangup_cause": "16 Normal Clearing",
            }
        )
        self.deliver_bus()
        self.start_tour("/odoo", "hotline_card_hangup_tour", login="hl_card_agent")
