# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The loop the connector's per-PBX workers (dialer, fax) share: AMI events
queued by the worker's processing thread, a ``tick()`` every ``interval``
seconds in a thread of its own that survives any error (the state is in
the database)."""

import logging
import queue
import threading

_logger = logging.getLogger(__name__)


class PbxLoop:
    kind = "worker"  # the thread's name and the log's
    watched = frozenset()  # the AMI events ``feed`` keeps

    def __init__(self, pbx_id, name, client, store, interval, now=None):
        self.pbx_id = pbx_id
        self.name = name
        self.client = client
        self.store = store
        self.interval = interval
        self.now = now  # a clock for tests: () -> datetime
        self.events = queue.SimpleQueue()
        self.pending_results = []
        self._stop = threading.Event()
        self._thread = None

    def feed(self, event):
        if event.get("Event") in self.watched:
            self.events.put(event)

    def start(self):
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"{self.kind} {self.name}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, timeout=10.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # the loop survives anything: state is in the DB
                _logger.exception("PBX %s: %s tick failed", self.name, self.kind)
            self._stop.wait(self.interval)

    def _kwargs(self):
        return {"now": self.now()} if self.now else {}

    def tick(self):
        raise NotImplementedError
