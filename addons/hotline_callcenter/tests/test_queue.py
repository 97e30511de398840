# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .ivr_common import IvrCommon


@tagged("post_install", "-at_install")
class TestQueue(IvrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.skill = cls.env["hotline.skill.group"].create(
            {
                "name": "Billing skill",
                "penalty": 2,
                "user_ids": [(6, 0, [cls.agent.id, cls.supervisor.id])],
            }
        )
        cls.q_billing.skill_group_ids = cls.skill

    def test_members_from_skill_groups(self):
        self.q_billing.action_sync_members()
        members = self.q_billing.member_ids
        self.assertEqual(members.user_id, self.agent | self.supervisor)
        self.assertEqual(set(members.mapped("penalty")), {2})
        # a penalty changed by hand survives the next sync, nobody is duplicated
        members.filtered(lambda m: m.user_id == self.agent).penalty = 0
        self.q_billing.action_sync_members()
        self.assertEqual(len(self.q_billing.member_ids), 2)
        self.assertEqual(
            self.q_billing.member_ids.filtered(
                lambda m: m.user_id == self.agent
            ).penalty,
            0,
        )

    def test_member_constraints(self):
        self.q_billing.action_sync_members()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["hotline.queue.member"].create(
                {"queue_id": self.q_billing.id, "user_id": self.agent.id}
            )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.q_billing.member_ids[0].penalty = -1

    def test_queue_code_checked(self):
        with self.assertRaisesRegex(ValidationError, "letters, digits"):
            self.env["hotline.queue"].create({"name": "Bad", "code": "bad name]"})

    def test_conf_text(self):
        self.q_billing.write({"strategy": "wrandom", "wrapup_time": 30})
        text = self.env["hotline.queue"]._hotline_conf_text()
        self.assertIn("[billing]\nstrategy = wrandom\n", text)
        self.assertIn("wrapuptime = 30", text)
        self.assertIn("[repair]", text)
        self.assertIn("[vip]", text)
        self.assertNotIn("member =>", text)  # members join dynamically (QueueAdd)

    def test_member_ami_actions(self):
        self.q_billing.action_sync_members()
        Member = self.env["hotline.queue.member"]
        login = Member.hotline_member_actions(self.agent, "login")
        self.assertEqual(
            login,
            [
                (
                    "QueueAdd",
                    {
                        "Queue": "billing",
                        "Interface": "PJSIP/8101",
                        "Penalty": "2",
                        "MemberName": self.agent.name,
                        "StateInterface": "PJSIP/8101",
                    },
                )
            ],
        )
        pause = Member.hotline_member_actions(self.agent, "pause", reason="lunch")
        self.assertEqual(
            pause[0],
            (
                "QueuePause",
                {
                    "Queue": "billing",
                    "Interface": "PJSIP/8101",
                    "Paused": "true",
                    "Reason": "lunch",
                },
            ),
        )
        self.assertEqual(
            Member.hotline_member_actions(self.agent, "unpause")[0][1]["Paused"],
            "false",
        )
        self.assertEqual(
            Member.hotline_member_actions(self.agent, "logout"),
            [("QueueRemove", {"Queue": "billing", "Interface": "PJSIP/8101"})],
        )
        self.agent.hotline_extension = False
        self.assertEqual(Member.hotline_member_actions(self.agent, "login"), [])
        with self.assertRaises(ValueError):
            Member.hotline_member_actions(self.agent, "dance")

    def test_waiting_calls(self):
        self.q_billing.action_sync_members()
        partner = self.env["res.partner"].create({"name": "Wang Fang"})
        now = fields.Datetime.now()
        Call = self.env["hotline.call"]
        waiting = Call.create(
            {
                "linkedid": "w1",
                "caller_number": "13900000001",
                "partner_id": partner.id,
                "queue_id": self.q_billing.id,
                "queued_at": now - timedelta(seconds=42),
            }
        )
        Call.create(  # answered: not waiting
            {
                "linkedid": "w2",
                "queue_id": self.q_billing.id,
                "queued_at": now - timedelta(seconds=90),
                "answered_at": now,
            }
        )
        Call.create(  # another queue
            {"linkedid": "w3", "queue_id": self.q_repair.id, "queued_at": now}
        )
        rows = self.env["hotline.queue"].with_user(self.agent).hotline_waiting_calls()
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["call_id"], waiting.id)
        self.assertEqual(
            (rows[0]["number"], rows[0]["name"]), ("13900000001", "Wang Fang")
        )
        self.assertGreaterEqual(rows[0]["wait_seconds"], 42)

    def test_pickup_refused_when_not_waiting(self):
        call = self.env["hotline.call"].create(
            {"linkedid": "p1", "queue_id": self.q_billing.id}
        )
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            call.with_user(self.agent).action_hotline_pickup()
        self.agent.hotline_extension = False
        with self.assertRaisesRegex(UserError, "no phone extension"):
            call.with_user(self.agent).action_hotline_pickup()

    def test_queue_app_options_on_the_form(self):
        """Queue() options per queue: agents may transfer by default (issue 10),
        the rest is set on the form by a supervisor."""
        self.assertTrue(self.q_billing.agent_transfer)
        self.assertEqual(self.q_billing.waiting_sound, "moh")
        self.assertEqual(self.q_billing.app_options, "t")
        with Form(self.q_billing.with_user(self.supervisor)) as form:
            form.agent_transfer = False
            form.caller_transfer = True
            form.agent_park = True
            form.agent_record = True
            form.no_retry = True
            form.waiting_sound = "ringing"
            self.assertEqual(form.app_options, "Tkxnr")
        self.assertEqual(self.q_billing._hotline_app_options(), "Tkxnr")
        with self.assertRaises(AccessError):
            self.q_billing.with_user(self.agent).write({"agent_transfer": True})
        with self.assertRaises(ValueError):
            self.q_billing.waiting_sound = "silence"

    def test_push_needs_supervisor_and_pbx(self):
        with self.assertRaises(AccessError):
            self.q_billing.with_user(self.agent).write({"strategy": "linear"})
        with self.assertRaisesRegex(UserError, "No PBX"):
            self.q_billing.with_user(self.supervisor).action_push_config()
        pbx = self.env["hotline.pbx"].create({"name": "P", "host": "127.0.0.1"})
        with self.assertRaisesRegex(UserError, "Only supervisors"):
            self.env["hotline.queue"].with_user(self.agent).hotline_push_config(pbx)
        self.q_billing.with_user(self.supervisor).write({"strategy": "linear"})
        self.assertEqual(self.q_billing.strategy, "linear")


@tagged("post_install", "-at_install")
class TestQueueAmi(IvrCommon):
    """Pick-up and configuration push against the AMI simulator (the PBX side)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from ..pbx.simulator import AmiSimulator

        cls.simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.pbx = cls.env["hotline.pbx"].create(
            {
                "name": "Simulated",
                "host": "127.0.0.1",
                "ami_port": cls.simulator.port,
                "ami_user": "odoo",
                "ami_secret": "secret",
            }
        )
        cls.q_billing.pbx_id = cls.pbx

    def setUp(self):
        super().setUp()
        self.simulator.actions_seen.clear()

    def sent(self, action):
        return [m for m in self.simulator.actions_seen if m.get("Action") == action]

    def test_pickup_redirects_the_waiting_caller(self):
        channel = "PJSIP/trunk-000000a1"
        self.simulator.channels[channel] = [
            ("Channel", channel),
            ("Uniqueid", "1700000000.77"),
            ("Linkedid", "1700000000.77"),
        ]
        self.addCleanup(self.simulator.channels.pop, channel, None)
        call = self.env["hotline.call"].create(
            {
                "linkedid": "1700000000.77",
                "uniqueid": "1700000000.77",
                "queue_id": self.q_billing.id,
                "queued_at": fields.Datetime.now(),
            }
        )
        call.with_user(self.agent).action_hotline_pickup()
        (redirect,) = self.sent("Redirect")
        self.assertEqual(
            (redirect.get("Channel"), redirect.get("Exten"), redirect.get("Context")),
            (channel, "8101", "internal"),
        )
        # the dialplan has that context: Asterisk did not hang the caller up
        self.assertIn(channel, self.simulator.channels)
        self.assertEqual(call.user_id, self.agent)

    def test_pickup_of_a_caller_gone_from_the_pbx(self):
        call = self.env["hotline.call"].create(
            {
                "linkedid": "gone",
                "uniqueid": "1700000000.99",
                "queue_id": self.q_billing.id,
                "queued_at": fields.Datetime.now(),
            }
        )
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            call.with_user(self.agent).action_hotline_pickup()
        self.assertFalse(self.sent("Redirect"))
        self.assertFalse(call.user_id)

    def test_pickup_with_the_pbx_down_says_so(self):
        """The pick-up goes through the PBX's one AMI session helper: its
        translation of the failure, not the bare socket error."""
        dead = self.env["hotline.pbx"].create(
            {"name": "Dead", "host": "127.0.0.1", "ami_port": 1, "ami_timeout": 1}
        )
        call = self.env["hotline.call"].create(
            {
                "linkedid": "1700000000.78",
                "uniqueid": "1700000000.78",
                "pbx_id": dead.id,
                "queue_id": self.q_billing.id,
                "queued_at": fields.Datetime.now(),
            }
        )
        with self.assertRaisesRegex(
            UserError, r"^Connection refused by 127\.0\.0\.1:1: is Asterisk running\?$"
        ):
            call.with_user(self.agent).action_hotline_pickup()
        self.assertFalse(call.user_id)
