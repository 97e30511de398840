# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "Notices" IVR node end to end: the simulator plays Asterisk's side of
FastAGI against the connector's handler (as hotline_complaints'
test_ivr_case_query does); a caller of the notice's area hears it before the
menu, and the call is one ``notices`` self-service transaction."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

from .test_outage_notice import WAV, NoticeCommon

DID = "4008100999"
INSIDE = "13800000001"
OUTSIDE = "13800000003"
NOTICE_SOUND = "hotline/zh_CN/notice_test_outage"
MENU_SOUND = "hotline/zh_CN/notice_test_menu"


@tagged("post_install", "-at_install")
class TestIvrNotices(NoticeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Prompt = cls.env["hotline.ivr.prompt"]
        menu_prompt = Prompt.create(
            {
                "name": "菜单",
                "code": "notice_test_menu",
                "audio_zh_cn": WAV,
                "audio_zh_cn_filename": "menu.wav",
            }
        )
        queue = cls.env["hotline.queue"].create({"name": "Gas", "code": "nt_gas"})
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Gas line",
                "fallback_type": "queue",
                "fallback_queue_id": queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]
        agent = Node.create(
            {
                "flow_id": flow.id,
                "name": "Agent",
                "node_type": "transfer",
                "queue_id": queue.id,
                "sequence": 30,
            }
        )
        menu = Node.create(
            {
                "flow_id": flow.id,
                "name": "Menu",
                "node_type": "menu",
                "prompt_id": menu_prompt.id,
                "retries_no_input": 0,
                "sequence": 20,
                "option_ids": [(0, 0, {"digit": "0", "target_node_id": agent.id})],
            }
        )
        flow.start_node_id = Node.create(
            {
                "flow_id": flow.id,
                "name": "Notices",
                "node_type": "notices",
                "next_node_id": menu.id,
                "sequence": 10,
            }
        )
        flow.action_publish()
        cls.flow = flow
        cls.env["hotline.did"].create(
            {"number": DID, "kind": "400", "flow_id": flow.id}
        )
        cls.notice = cls.new_notice()
        cls.notice.action_publish()

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)

    def call(self, caller, dtmf="0", **kw):
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            caller=caller,
            did=DID,
            dtmf=dtmf,
            variables={"QUEUESTATUS": "CONTINUE"},
            **kw,
        )
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        return sim

    @staticmethod
    def heard(sim):
        return [
            command.split()[2]
            for command in sim.commands
            if command.startswith(("STREAM FILE", "GET DATA"))
        ]

    def transactions(self, caller):
        return self.env["hotline.selfservice.transaction"].search(
            [("caller", "=", caller), ("service", "=", "notices")]
        )

    def test_caller_in_the_area_hears_the_notice_before_the_menu(self):
        sim = self.call(INSIDE)
        self.assertEqual(self.heard(sim), [NOTICE_SOUND, MENU_SOUND])
        self.assertIn(("Queue", "nt_gas,ct"), sim.executed)
        transaction = self.transactions(INSIDE)
        self.assertEqual(len(transaction), 1)
        self.assertEqual(transaction.outcome, "served")
        self.assertEqual(transaction.partner_id, self.inside)
        self.assertEqual(transaction.detail, "望京停气")

    def test_caller_outside_the_area_hears_no_notice(self):
        sim = self.call(OUTSIDE)
        self.assertEqual(self.heard(sim), [MENU_SOUND])
        self.assertFalse(self.transactions(OUTSIDE))

    def test_expired_or_unrecorded_notice_is_not_played(self):
        self.notice.action_expire()
        sim = self.call(INSIDE)
        self.assertEqual(self.heard(sim), [MENU_SOUND])
        # current again, but no recording in the caller's language: skipped
        self.notice.action_draft()
        self.notice.date_end = fields.Datetime.now() + timedelta(hours=1)
        self.notice.action_publish()
        self.prompt.write({"audio_zh_cn": False, "audio_zh_cn_filename": False})
        self.prompt.write({"audio_en_us": WAV, "audio_en_us_filename": "outage-en.wav"})
        sim = self.call(INSIDE)
        self.assertEqual(self.heard(sim), [MENU_SOUND])
        self.assertFalse(self.transactions(INSIDE))

    def test_logged_in_customer_number_counts_over_the_calling_number(self):
        # the outside number, but the caller typed the inside customer's number
        Flow = self.env["hotline.ivr.flow"]
        request = {
            "caller": OUTSIDE,
            "language": "zh_CN",
            "flow_id": self.flow.id,
            "variables": {"customer_number": "NT00000001"},
        }
        found = Flow._hotline_ivr_notices(request)
        self.assertEqual(found["play"], [{"prompt": NOTICE_SOUND}])
        # logged in with customer number + PIN in this call
        request = {"caller": OUTSIDE, "language": "zh_CN", "linkedid": "17.1"}
        self.assertFalse(Flow._hotline_ivr_notices(request)["play"])
        self.env["hotline.selfservice.transaction"]._hotline_log(
            request, "login", "served", self.site_owner
        )
        self.assertEqual(
            Flow._hotline_ivr_notices(request)["play"], [{"prompt": NOTICE_SOUND}]
        )

    def test_hangup_after_the_notice_is_counted(self):
        # 1: ANSWER... the caller hangs up at the menu, right after the notice
        sim = self.call(INSIDE, dtmf="", hangup_after=None)
        menu_at = next(i for i, c in enumerate(sim.commands, 1) if MENU_SOUND in c)
        sim = self.call(INSIDE, dtmf="", hangup_after=menu_at)
        self.assertEqual(self.heard(sim)[-1], MENU_SOUND)
        outcomes = self.transactions(INSIDE).sorted("id").mapped("outcome")
        self.assertEqual(outcomes[-1], "hung_up")
        # hung up during the notice itself
        notice_at = next(i for i, c in enumerate(sim.commands, 1) if NOTICE_SOUND in c)
        self.call(INSIDE, dtmf="", hangup_after=notice_at)
        last = self.transactions(INSIDE).sorted("id")[-1]
        self.assertEqual(last.outcome, "hung_up")
        self.assertEqual(len(self.transactions(INSIDE)), 3, "one per call")
