# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local HTTP server in a thread (plain Python, no Odoo) for the fakes of the
outside systems (SMS providers, webhook receivers): it keeps what arrived in
:attr:`FakeHttpServer.requests` and answers what a test queued in
:attr:`FakeHttpServer.answers` (the subclass decides their shape)."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger(__name__)


class FakeHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, answer, headers=None):
        data = json.dumps(answer, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError as error:  # the client gave up (timeout tests)
            _logger.debug("%s: client gone: %s", type(self.server.fake), error)


class FakeHttpServer:
    handler = FakeHandler
    path = ""

    def __init__(self):
        self.requests = []
        self.answers = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def record(self, request):
        """Keep ``request``; the answer the test queued for it, if any."""
        with self.lock:
            self.requests.append(request)
            return self.answers.pop(0) if self.answers else None

    def reset(self):
        with self.lock:
            self.requests.clear()
            self.answers.clear()
