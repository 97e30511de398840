# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local webhook receiver (plain Python, no Odoo): an ``http.server`` in a
thread that keeps every request (headers, raw body) and answers what the test
queued with :meth:`FakeWebhookReceiver.push` (status, delay, headers), 200
otherwise. The add-ons' webhook tests send their deliveries to it."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        record = {
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "raw": raw,
        }
        with fake.lock:
            fake.requests.append(record)
            scripted = fake.answers.pop(0) if fake.answers else None
        status, delay, headers = scripted or (200, 0, {})
        if delay:
            time.sleep(delay)
        data = json.dumps({"status": status}).encode()
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError as error:  # the sender gave up (timeout tests)
            _logger.debug("fake webhook receiver: client gone: %s", error)


class FakeWebhookReceiver:
    def __init__(self):
        self.requests = []
        self.answers = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/hook"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def push(self, status=200, delay=0, headers=None):
        """Queue the answer to the next request."""
        with self.lock:
            self.answers.append((status, delay, headers or {}))

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.answers.clear()

    def bodies(self):
        """The JSON bodies received, in order."""
        return [json.loads(r["raw"]) for r in self.requests]
