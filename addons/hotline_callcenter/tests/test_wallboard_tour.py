# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from .common import bus_pump


@tagged("post_install", "-at_install")
class TestWallboardTour(WebsocketCase):
    """The wallboard in a browser, fed by its websocket.

    A caller joins the queue the way the connector records a
    ``QueueCallerJoin`` (``hotline.call.hotline_ingest`` with the call's
    queue and ``queued_at``) once the page has its payload; the wallboard
    cron's run (no cron thread runs in tests) sends the company's payload.
    Odoo's test cursor drops the ``NOTIFY imbus`` that would wake the
    websockets: a pump does what it would.
    """

    def test_wallboard_tour(self):
        company = self.env.company
        company.partner_id.tz = "Asia/Shanghai"
        pbx = self.env["hotline.pbx"].create(
            {"name": "Tour PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        queue = self.env["hotline.queue"].create(
            {
                "name": "Gas leaks",
                "code": "tour_wb",
                "pbx_id": pbx.id,
                "sequence": 0,
                "wallboard_waiting_alert": 3,
            }
        )
        agent = new_test_user(
            self.env,
            login="hl_wb_agent",
            name="Tour Agent",
            groups="base.group_user,hotline_base.group_agent",
        )
        agent.write({"hotline_extension": "8311", "hotline_agent_state": "available"})
        self.env["hotline.queue.member"].create(
            {"queue_id": queue.id, "user_id": agent.id}
        )
        new_test_user(
            self.env,
            login="hl_wb_tv",
            groups="base.group_user,hotline_callcenter.group_wallboard",
        )
        now = time.time()
        joined = [
            {
                "linkedid": "1700000951.1",
                "uniqueid": "1700000951.1",
                "direction": "inbound",
                "caller_number": "13800138000",
                "called_number": "4008123459",
                "queue": "tour_wb",
                "started_at": now - 80,
                "queued_at": now - 70,
                "disposition": "ringing",
            }
        ]

        Wallboard = type(self.env["hotline.wallboard"])
        original = Wallboard.hotline_wallboard_payload
        payloads = []
        loaded = threading.Event()

        @api.model
        def spy(model):
            res = original(model)
            payloads.append(res)
            if len(payloads) == 2:
                # the page's payload, then the tour's: the calm board is seen
                loaded.set()
            return res

        errors = []
        sent = []
        stop = threading.Event()

        def connector():
            # the caller joins once the tour saw the calm board: only the bus
            # can bring the change
            try:
                if loaded.wait(120):
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        env["hotline.call"].hotline_ingest(pbx.id, joined)
                    # the cron's run (its own transaction after the wait)
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        sent.append(
                            env["hotline.wallboard"]._cron_hotline_wallboard(delay=0.2)
                        )
            except Exception as exc:  # noqa: BLE001 - the test thread reports it
                errors.append(exc)

        threads = [
            threading.Thread(target=connector),
            threading.Thread(target=bus_pump, args=(stop,)),
        ]
        with patch.object(Wallboard, "hotline_wallboard_payload", spy):
            for thread in threads:
                thread.start()
            try:
                self.start_tour(
                    "/odoo/action-hotline_callcenter.hotline_wallboard_action",
                    "hotline_wallboard_tour",
                    login="hl_wb_tv",
                )
            finally:
                stop.set()
                loaded.set()
                for thread in threads:
                    thread.join(10)
        self.assertEqual(errors, [])
        self.assertEqual(sent, [[company.id]])
        # the page asked for the payload once (and the tour once): nobody
        # waiting then, the caller came by the bus
        self.assertEqual(len(payloads), 2)
        for payload in payloads:
            tile = next(q for q in payload["queues"] if q["code"] == "tour_wb")
            self.assertEqual(tile["waiting"], 0)
