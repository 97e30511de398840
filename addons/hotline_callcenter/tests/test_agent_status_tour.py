# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..pbx.simulator import AmiSimulator
from .common import bus_pump

LINKEDID = "1700000951.1"


@tagged("post_install", "-at_install")
class TestAgentStatusTour(WebsocketCase):
    """An agent working in Chinese: the status bar goes ringing → on a call →
    wrap-up as the connector reports the call (the same server calls as the
    connector: ``hotline_live_events`` for the ring, ``hotline_ingest`` for
    the answer and the hang-up), the wrap-up dialog takes a code and a note,
    Ready ends the wrap-up and unpauses the agent on the PBX.

    Each event waits for the browser: the tour loads the status (the status
    bar's own call) once it has seen the status before.
    A pump dispatches the bus notifications (the test cursor drops the
    post-commit ``NOTIFY``), as in the waiting-callers tour.
    """

    def test_agent_status_tour(self):
        env = self.env
        env["res.lang"]._activate_lang("zh_CN")
        modules = env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "like", "hotline_%")]
        )
        env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["zh_CN"], overwrite=True
        )
        env.company.write(
            {"country_id": env.ref("base.cn").id, "hotline_wrapup_until_ready": True}
        )
        simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        self.addCleanup(simulator.stop)
        pbx = env["hotline.pbx"].create(
            {
                "name": "Tour PBX",
                "host": "127.0.0.1",
                "ami_port": simulator.port,
                "ami_secret": "secret",
                "ami_timeout": 3.0,
            }
        )
        agent = new_test_user(
            env,
            login="hl_status_agent",
            groups="base.group_user,hotline_base.group_agent",
            lang="zh_CN",
        )
        agent.hotline_extension = "8311"
        Queue = env["hotline.queue"]
        support = Queue.search(
            [("code", "=", "support"), ("company_id", "=", env.company.id)]
        ) or Queue.create({"name": "Support", "code": "support"})
        support.pbx_id = pbx
        env["hotline.queue.member"].create(
            {"queue_id": support.id, "user_id": agent.id}
        )
        env["res.partner"].create({"name": "张伟", "phone": "+86 138 0013 8000"})
        agent.with_user(agent).action_hotline_login()
        self.assertEqual(agent.hotline_agent_state, "available")

        now = time.time()
        call = {
            "linkedid": LINKEDID,
            "uniqueid": LINKEDID,
            "direction": "inbound",
            "caller_number": "13800138000",
            "called_number": "4008123459",
            "started_at": now - 20,
            "disposition": "ringing",
        }

        def ring(env):
            env["hotline.call"].hotline_live_events(
                pbx.id,
                [
                    {
                        "type": "ringing",
                        "linkedid": LINKEDID,
                        "extension": "8311",
                        "caller_number": "13800138000",
                        "did": "4008123459",
                    }
                ],
            )

        def answer(env):
            env["hotline.call"].hotline_ingest(
                pbx.id, [dict(call, agents=["8311"], answered_at=time.time())]
            )

        def hang_up(env):
            env["hotline.call"].hotline_ingest(
                pbx.id,
                [
                    dict(
                        call,
                        agents=["8311"],
                        answered_at=now,
                        ended_at=time.time(),
                        disposition="answered",
                    )
                ],
            )

        Status = type(env["hotline.agent.status"])
        original = Status.hotline_status
        loads = threading.Semaphore(0)

        @api.model
        def spy(model):
            res = original(model)
            loads.release()
            return res

        errors = []
        stop = threading.Event()

        def connector():
            try:
                # the page loads the status, the tour opens the status menu
                # (which loads it again), then each load the tour makes lets
                # the next event happen
                for event in (None, None, ring, answer, hang_up):
                    if not loads.acquire(timeout=120) or stop.is_set():
                        return
                    if event is None:
                        continue
                    with self.registry.cursor() as cr:
                        event(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception as exc:  # noqa: BLE001 - the test thread reports it
                errors.append(exc)

        threads = [
            threading.Thread(target=connector),
            threading.Thread(target=bus_pump, args=(stop,)),
        ]
        with patch.object(Status, "hotline_status", spy):
            for thread in threads:
                thread.start()
            try:
                self.start_tour(
                    "/odoo", "hotline_agent_status_tour", login="hl_status_agent"
                )
            finally:
                stop.set()
                loads.release()
                for thread in threads:
                    thread.join(10)
        self.assertEqual(errors, [])
        env.invalidate_all()
        record = env["hotline.call"].search([("linkedid", "=", LINKEDID)])
        self.assertEqual(
            record.disposition_id, env.ref("hotline_callcenter.call_disposition_repair")
        )
        self.assertEqual(record.wrapup_note, "燃气表漏气，已派工")
        self.assertTrue(record.wrapup_ended_at)
        self.assertEqual(agent.hotline_agent_state, "available")
        pauses = [m for m in simulator.actions_seen if m.get("Action") == "QueuePause"]
        self.assertEqual(
            [(m.get("Interface"), m.get("Paused")) for m in pauses],
            [("PJSIP/8311", "true"), ("PJSIP/8311", "false")],
        )

        # later, from the call's form: the code is corrected; then a logout
        # and a login from the status menu
        simulator.actions_seen.clear()
        self.start_tour(
            f"/odoo/action-hotline_callcenter.hotline_call_action/{record.id}",
            "hotline_call_wrapup_tour",
            login="hl_status_agent",
        )
        env.invalidate_all()
        self.assertEqual(
            record.disposition_id,
            env.ref("hotline_callcenter.call_disposition_enquiry"),
        )
        self.assertEqual(record.wrapup_note, "燃气表漏气，已派工")
        self.assertEqual(agent.hotline_agent_state, "available")
        self.assertEqual(
            [
                (m.get("Action"), m.get("Queue"), m.get("Interface"))
                for m in simulator.actions_seen
                if m.get("Action") in ("QueueAdd", "QueueRemove")
            ],
            [
                ("QueueRemove", "support", "PJSIP/8311"),
                ("QueueAdd", "support", "PJSIP/8311"),
            ],
        )
