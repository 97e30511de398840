# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fax through res_fax: one :class:`FaxAgent` per PBX in the connector,
beside the worker and the campaigns' dialer.

Each :meth:`FaxAgent.tick`:

1. writes what res_fax's AMI events brought (:class:`pbx.fax.FaxTracker`,
   fed by the worker's processing thread through :meth:`feed`): receptions
   (TIFF -> PDF, filed in the box, forwarded, a case) and results of sent
   faxes (retries);
2. asks the database for the faxes to send now
   (``hotline.fax.hotline_fax_plan``: the TIFF-F written into the PBX's fax
   spool, the fax marked sending), **committed before** the Originate goes
   out, so that a restart never sends a fax twice;
3. sends one async ``Originate`` per fax into the PBX's fax send context. A
   ``Response: Error`` (e.g. "Extension does not exist." for a context the
   dialplan does not have) fails the fax with Asterisk's words.
"""

import logging
import queue
import time

from ..pbx.ami_client import AmiActionError, AmiError
from ..pbx.fax import WATCHED, FaxTracker, originate_fields
from .model_store import EnvModelStore, RegistryModelStore
from .pbx_loop import PbxLoop

_logger = logging.getLogger(__name__)


class EnvFaxStore(EnvModelStore):
    model = "hotline.fax"


class RegistryFaxStore(RegistryModelStore):
    model = "hotline.fax"


class FaxAgent(PbxLoop):
    """Receive and send the faxes of one PBX through ``client`` (AmiClient)."""

    kind = "fax"
    watched = WATCHED

    def __init__(self, pbx_id, name, client, store, interval=2.0, now=None):
        super().__init__(pbx_id, name, client, store, interval, now=now)
        self.tracker = FaxTracker()
        self.stats = {"originated": 0, "refused": 0, "results": 0}

    def tick(self):
        """Results in, faxes out. Returns the number of Originates sent."""
        self.process_events()
        if not self.client.connected:
            return 0
        specs = self.store.run("hotline_fax_plan", self.pbx_id, **self._kwargs())
        sent = 0
        for spec in specs:
            try:
                self.client.action(
                    "Originate", action_id=spec["action_id"], **originate_fields(spec)
                )
            except AmiActionError as exc:
                self.stats["refused"] += 1
                message = getattr(exc, "message", None) or str(exc)
                _logger.warning(
                    "PBX %s: Originate of fax %s refused: %s",
                    self.name,
                    spec["fax_id"],
                    message,
                )
                self.store.run(
                    "hotline_fax_refused", spec["fax_id"], message, **self._kwargs()
                )
                continue
            except AmiError as exc:
                # sent or not, we cannot tell: the fax stays "sending" until an
                # event about it comes, never sent twice blindly
                _logger.warning(
                    "PBX %s: Originate of fax %s without answer: %s",
                    self.name,
                    spec["fax_id"],
                    exc,
                )
                continue
            sent += 1
        self.stats["originated"] += sent
        return sent

    def process_events(self):
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            self.pending_results.extend(self.tracker.feed(event))
        if not self.pending_results:
            return 0
        results, self.pending_results = self.pending_results, []
        try:
            self.store.run(
                "hotline_fax_results", self.pbx_id, results, **self._kwargs()
            )
        except Exception:
            self.pending_results = results + self.pending_results
            raise
        self.stats["results"] += len(results)
        return len(results)

    def wait_events(self, until, timeout=10.0):
        """Process events until ``until()`` (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process_events()
            if until():
                return True
            time.sleep(0.02)
        return False
