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


@tagged("post_install", "-at_install")
class TestWaitingTour(WebsocketCase):
    """The systray list of waiting callers, fed by the browser's websocket.

    Odoo's test cursor drops post-commit hooks, so the ``NOTIFY imbus`` that
    wakes the websockets never happens in tests: a pump does what it would
    (``WebsocketCase.trigger_notification_dispatching``, every 0.2 s).
    """

    def test_waiting_tour(self):
        self.env.company.country_id = self.env.ref("base.cn")
        simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        self.addCleanup(simulator.stop)
        pbx = self.env["hotline.pbx"].create(
            {
                "name": "Tour PBX",
                "host": "127.0.0.1",
                "ami_port": simulator.port,
                "ami_secret": "secret",
                "ami_timeout": 3.0,
            }
        )
        queue = self.env["hotline.queue"].create(
            {"name": "Gas leaks", "code": "tour_wq", "pbx_id": pbx.id}
        )
        agent = new_test_user(
            self.env,
            login="hl_wait_agent",
            groups="base.group_user,hotline_base.group_agent",
        )
        agent.write({"hotline_extension": "8301", "hotline_agent_state": "available"})
        self.env["hotline.queue.member"].create(
            {"queue_id": queue.id, "user_id": agent.id}
        )
        vip = self.env["hotline.customer.category"].create(
            {"name": "Key account", "is_vip": True}
        )
        self.env["res.partner"].create(
            {
                "name": "Zhang Wei",
                "phone": "+86 138 0013 8000",
                "hotline_category_id": vip.id,
            }
        )
        # only the first caller is still on the PBX
        channel = "PJSIP/trunk-00000901"
        simulator.channels[channel] = [
            ("Channel", channel),
            ("Uniqueid", "1700000901.1"),
            ("Linkedid", "1700000901.1"),
        ]
        now = time.time()
        joined = [
            {
                "linkedid": linkedid,
                "uniqueid": linkedid,
                "direction": "inbound",
                "caller_number": number,
                "called_number": "4008123459",
                "queue": "tour_wq",
                "started_at": now - 40,
                "queued_at": now - ago,
                "disposition": "ringing",
            }
            for linkedid, number, ago in (
                ("1700000901.1", "13800138000", 30),
                ("1700000902.1", "13911112222", 10),
            )
        ]

        Call = type(self.env["hotline.call"])
        original = Call.hotline_waiting_snapshot
        snapshots = []
        loaded = threading.Event()

        @api.model
        def spy(model):
            res = original(model)
            snapshots.append(res)
            loaded.set()
            return res

        errors = []
        stop = threading.Event()

        def connector():
            # the callers join once the browser has its list: only the bus
            # can bring them
            try:
                if loaded.wait(120):
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        env["hotline.call"].hotline_ingest(pbx.id, joined)
            except Exception as exc:  # noqa: BLE001 - the test thread reports it
                errors.append(exc)

        threads = [
            threading.Thread(target=connector),
            threading.Thread(target=bus_pump, args=(stop,)),
        ]
        with patch.object(Call, "hotline_waiting_snapshot", spy):
            for thread in threads:
                thread.start()
            try:
                # the refused pick-up (caller gone) is logged as Odoo logs any
                # UserError of a request
                with self.assertLogs("odoo.http", "WARNING") as logs:
                    self.start_tour(
                        "/odoo", "hotline_waiting_tour", login="hl_wait_agent"
                    )
            finally:
                stop.set()
                loaded.set()
                for thread in threads:
                    thread.join(10)
        self.assertEqual(errors, [])
        self.assertEqual(
            [r.getMessage() for r in logs.records],
            ["This caller is no longer waiting."],
        )
        # the list the page loaded was empty: the callers came by the bus
        self.assertEqual(snapshots[0]["queues"][0]["calls"], [])
        self.env.invalidate_all()
        redirects = [m for m in simulator.actions_seen if m.get("Action") == "Redirect"]
        self.assertEqual(
            [(m.get("Channel"), m.get("Exten")) for m in redirects], [(channel, "8301")]
        )
        call = self.env["hotline.call"].search([("linkedid", "=", "1700000901.1")])
        self.assertEqual(call.user_id, agent)
        self.assertEqual(agent.hotline_current_call_id, call)
