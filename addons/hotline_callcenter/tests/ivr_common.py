# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..cli.ivr_backend import make_agi_handler
from ..pbx.fastagi import FastAgiServer
from ..pbx.sound_files import wav_bytes

# 20 ms of silence: a WAV Asterisk plays (8 kHz, 16-bit, mono PCM)
AUDIO = base64.b64encode(wav_bytes(b"\0\0" * 160))


def start_fastagi(case):
    """The connector's FastAGI handler on the test's registry (the test's
    cursor, in test mode), stopped at the end of the test."""
    case.registry.enter_test_mode(case.cr)
    case.addCleanup(case.registry.leave_test_mode)
    server = FastAgiServer("127.0.0.1", 0, make_agi_handler(case.registry, False))
    server.start()
    case.addCleanup(server.stop)
    return server


class IvrCommon(HotlineCommon):
    """Prompts, queues and a published two-language menu flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls.role_users["agent"]
        cls.agent.hotline_extension = "8101"
        cls.supervisor = cls.role_users["supervisor"]
        cls.supervisor.hotline_extension = "8102"
        Prompt = cls.env["hotline.ivr.prompt"]
        cls.prompts = {
            code: Prompt.create(
                {
                    "name": code.title(),
                    "code": code,
                    "audio_zh_cn": AUDIO,
                    "audio_zh_cn_filename": f"{code}_zh.wav",
                    "audio_en_us": AUDIO,
                    "audio_en_us_filename": f"{code}_en.wav",
                }
            )
            for code in ("welcome", "menu", "invalid", "rate", "bye", "warning")
        }
        Queue = cls.env["hotline.queue"]
        cls.q_billing = Queue.create({"name": "Billing", "code": "billing"})
        cls.q_repair = Queue.create(
            {"name": "Repairs", "code": "repair", "business": "repairs"}
        )
        cls.q_vip = Queue.create({"name": "VIP", "code": "vip", "business": "vip"})
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Hotline hours", "tz": "Asia/Shanghai"}
        )
        cls.flow = cls._make_menu_flow()
        cls.nodes = {n.name: n for n in cls.flow.node_ids}

    @classmethod
    def _make_menu_flow(cls, name="Gas line"):
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": name,
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.q_repair.id,
                "calendar_id": cls.calendar.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]

        def node(name, node_type, **vals):
            return Node.create(
                dict(flow_id=flow.id, name=name, node_type=node_type, **vals)
            )

        hours = node("Open?", "condition", sequence=1, condition_type="business_hours")
        welcome = node(
            "Welcome", "play", sequence=2, prompt_id=cls.prompts["welcome"].id
        )
        menu = node(
            "Main menu",
            "menu",
            sequence=3,
            prompt_id=cls.prompts["menu"].id,
            invalid_prompt_id=cls.prompts["invalid"].id,
            retries_no_input=1,
            retries_invalid=1,
        )
        english = node("English", "language", language="en_US", next_node_id=menu.id)
        billing = node(
            "To billing",
            "transfer",
            queue_id=cls.q_billing.id,
            vip_queue_id=cls.q_vip.id,
            first_contact_days=7,
            check_blacklist=True,
        )
        repair = node("To repairs", "transfer", queue_id=cls.q_repair.id, max_wait=60)
        rate = node(
            "Rating", "survey", prompt_id=cls.prompts["rate"].id, retries_no_input=0
        )
        bye = node("Bye", "hangup", prompt_id=cls.prompts["bye"].id)
        voicemail = node("Closed", "voicemail", mailbox="100@default")
        hours.write({"then_node_id": welcome.id, "else_node_id": voicemail.id})
        welcome.next_node_id = menu
        menu.option_ids = [
            (0, 0, {"digit": "1", "target_node_id": billing.id}),
            (0, 0, {"digit": "2", "target_node_id": repair.id}),
            (0, 0, {"digit": "9", "target_node_id": english.id}),
        ]
        billing.write({"next_node_id": rate.id, "on_fail_node_id": voicemail.id})
        repair.write({"next_node_id": rate.id, "on_fail_node_id": voicemail.id})
        rate.next_node_id = bye
        flow.action_publish()
        return flow
