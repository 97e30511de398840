# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The outbound campaigns' dialer: one per PBX, in the connector process
beside :class:`~.connector.PbxWorker` (never in a web worker).

Each :meth:`CampaignDialer.tick`:

1. writes the results the AMI events brought (:class:`pbx.dialer.AttemptTracker`,
   fed by the worker's processing thread through :meth:`feed`);
2. resolves attempts left without OriginateResponse after their ring timeout
   (from the call log, else "unknown": never redialled blindly);
3. asks the database which contacts to dial now and writes one attempt each
   (``hotline.campaign.hotline_dialer_plan``) in a transaction that is
   **committed before** any Originate goes out: after a restart an attempt
   is never sent twice, and its contact stays "calling" until resolved;
4. sends one async ``Originate`` per attempt, with its own ActionID and the
   ChannelId the call log will know it by. A ``Response: Error`` (e.g. a
   context Asterisk does not have) is recorded and pauses the campaign.

The state lives in the database: a new dialer (restart) watches the open
attempts again and reads the same plan.
"""

import logging
import queue
import time

from ..pbx.ami_client import AmiActionError, AmiError
from ..pbx.dialer import AttemptTracker, originate_fields
from .model_store import EnvModelStore, RegistryModelStore
from .pbx_loop import PbxLoop

_logger = logging.getLogger(__name__)

WATCHED = frozenset({"OriginateResponse", "Newchannel", "Hangup"})


class EnvDialerStore(EnvModelStore):
    model = "hotline.campaign"


class RegistryDialerStore(RegistryModelStore):
    model = "hotline.campaign"


class CampaignDialer(PbxLoop):
    """Dial the running campaigns of one PBX through ``client`` (AmiClient)."""

    kind = "dialer"
    watched = WATCHED

    def __init__(self, pbx_id, name, client, store, interval=1.0, now=None):
        super().__init__(pbx_id, name, client, store, interval, now=now)
        self.tracker = AttemptTracker()
        self._watching = False
        self.stats = {"originated": 0, "refused": 0, "results": 0, "resolved": 0}

    def tick(self):
        """Results in, stale attempts resolved, new attempts out.  Returns
        the number of Originates sent."""
        if not self._watching:
            for attempt_id, channel_id in self.store.run(
                "hotline_dialer_open_attempts", self.pbx_id
            ):
                self.tracker.watch(attempt_id, channel_id)
            self._watching = True
        self.process_events()
        resolved = self.store.run(
            "hotline_dialer_resolve_stale", self.pbx_id, **self._kwargs()
        )
        self.stats["resolved"] += resolved or 0
        if not self.client.connected:
            return 0  # nothing is planned while the PBX cannot be reached
        specs = self.store.run("hotline_dialer_plan", self.pbx_id, **self._kwargs())
        # committed: now the Originates may go out
        sent = 0
        for spec in specs:
            self.tracker.watch(spec["attempt_id"], spec["channel_id"])
            try:
                self.client.action(
                    "Originate", action_id=spec["action_id"], **originate_fields(spec)
                )
            except AmiActionError as exc:
                self.stats["refused"] += 1
                self.tracker.forget(spec["attempt_id"])
                _logger.warning(
                    "PBX %s: Originate of attempt %s refused: %s",
                    self.name,
                    spec["attempt_id"],
                    exc.message if hasattr(exc, "message") else exc,
                )
                self.store.run(
                    "hotline_dialer_refused",
                    spec["attempt_id"],
                    getattr(exc, "message", None) or str(exc),
                    **self._kwargs(),
                )
                continue
            except AmiError as exc:
                # sent or not, we cannot tell: the attempt stays open and is
                # resolved from the call log after its ring timeout
                _logger.warning(
                    "PBX %s: Originate of attempt %s without answer: %s",
                    self.name,
                    spec["attempt_id"],
                    exc,
                )
                continue
            sent += 1
        self.stats["originated"] += sent
        return sent

    def process_events(self):
        """Feed the queued events to the tracker and write the results."""
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
            self.store.run("hotline_dialer_results", results, **self._kwargs())
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
