# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local webhook receiver (plain Python, no Odoo): an ``http.server`` in a
thread that keeps every request (headers, raw body) and answers what the test
queued with :meth:`FakeWebhookReceiver.push` (status, delay, headers), 200
otherwise. The add-ons' webhook tests send their deliveries to it."""

import json
import time

from .fake_http import FakeHandler, FakeHttpServer


class _Handler(FakeHandler):
    def do_POST(self):
        scripted = self.server.fake.record(
            {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "raw": self.read_body(),
            }
        )
        status, delay, headers = scripted or (200, 0, {})
        if delay:
            time.sleep(delay)
        self.reply(status, {"status": status}, headers)


class FakeWebhookReceiver(FakeHttpServer):
    handler = _Handler
    path = "/hook"

    def push(self, status=200, delay=0, headers=None):
        """Queue the answer to the next request."""
        with self.lock:
            self.answers.append((status, delay, headers or {}))

    def bodies(self):
        """The JSON bodies received, in order."""
        return [json.loads(r["raw"]) for r in self.requests]
