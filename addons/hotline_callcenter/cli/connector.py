# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector's moving parts, usable without the command line.

``PbxWorker``: one PBX.  Its AMI reader thread only parses and enqueues; a
processing thread takes what is queued (one batch), runs the correlator and
hands the changed calls and the live events to a *sink* in one transaction.
Nothing is dropped: a sink failure keeps the batch's calls pending and retries
with backoff (a call that keeps failing alone is logged in full and set
aside); a dead AMI reader is restarted by ``AmiClient``'s watchdog; after each
(re)connection the worker resynchronises: ``CoreShowChannels`` gives the live
channels (after a restart, what the database stored of their calls is read
back first, so the snapshot only adds what is new: calls that started while
disconnected become known, known values stay) and the open calls Asterisk no
longer has are closed with the resync time as end and ``hangup_cause`` saying
why; ``QueueStatus`` gives the queue members and waiting callers.

IVR prompt files: at start and then every ``prompt_sync_interval`` seconds
the worker asks the sink to write the prompts changed since its last sync
into the PBX's sounds folder (``hotline.pbx.hotline_sync_prompts``, files by
``pbx/sound_files.py``); a failure is logged once and retried next period.

Sinks: :class:`RegistrySink` (the service: one short cursor per batch) and
:class:`EnvSink` (an existing environment, e.g. a test's).
"""

import concurrent.futures
import logging
import queue
import threading
import time
from contextlib import nullcontext

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from ..pbx.ami_client import AmiClient, AmiError
from ..pbx.correlator import CallCorrelator
from ..pbx.originate_tracker import OriginateTracker

_logger = logging.getLogger(__name__)

_RESYNC = object()
POP_TYPES = ("ringing", "transferred")
# another transaction updated the same row first (e.g. an agent's pick-up and
# the batch that records the call): PostgreSQL refuses the later one and a new
# transaction sees the other's commit, so it is retried at once, quietly.
CONFLICT_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)
CONFLICT_ATTEMPTS = 5
# the database went away or a conflict that outlived its retries: keep the
# batch and retry with backoff
TRANSIENT_ERRORS = (
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
    *CONFLICT_ERRORS,
)


def _first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class EnvSink:
    """Writes through an existing environment (no commit: the caller's)."""

    def __init__(self, env, savepoint=True):
        self.env = env
        # a transaction of its own (``RegistrySink``) needs none: a failure
        # throws the whole of it away
        self.savepoint = savepoint

    def __call__(self, pbx_id, calls, live):
        Call = self.env["hotline.call"].sudo()
        with self.env.cr.savepoint() if self.savepoint else nullcontext():
            result = Call.hotline_ingest(pbx_id, calls) if calls else {}
            if live:
                # the calls just ingested are not searched (or ingested) again
                Call.hotline_live_events(
                    pbx_id,
                    live,
                    known_calls=result.get("calls"),
                    identified=result.get("identified"),
                )
        return result

    def close_stale(self, pbx_id, live_linkedids):
        with self.env.cr.savepoint():
            return (
                self.env["hotline.call"]
                .sudo()
                .hotline_close_stale(pbx_id, live_linkedids)
            )

    def stored_calls(self, pbx_id, linkedids):
        return self.env["hotline.call"].sudo().hotline_stored_calls(pbx_id, linkedids)

    def sync_prompts(self, pbx_id, since):
        with self.env.cr.savepoint():
            pbx = self.env["hotline.pbx"].sudo().browse(pbx_id)
            return pbx.hotline_sync_prompts(since)


class RegistrySink:
    """One short transaction per batch on the database of ``registry``."""

    thread_safe = True  # every call opens its own cursor
    signaling_interval = 1.0  # seconds between registry/cache signaling checks

    def __init__(self, registry):
        self.registry = registry
        self._checked = 0.0
        self._lock = threading.Lock()

    def _registry(self):
        """``check_signaling()`` at most once a second (it costs a query)."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.signaling_interval:
                self.registry = self.registry.check_signaling()
                self._checked = now
            return self.registry

    def __call__(self, pbx_id, calls, live):
        with self._registry().cursor() as cr:
            if calls:
                self.wait_for_writers(cr, pbx_id, [c["linkedid"] for c in calls])
            env = api.Environment(cr, SUPERUSER_ID, {})
            return EnvSink(env, savepoint=False)(pbx_id, calls, live)

    @staticmethod
    def wait_for_writers(cr, pbx_id, linkedids):
        """Wait until the transactions holding these calls' rows commit (an
        agent's pick-up holds its call during the AMI Redirect), then start
        afresh: PostgreSQL's repeatable read refuses to update a row that
        changed after the transaction's snapshot, so a snapshot taken while
        they ran could not record the call (a serialization failure)."""
        try:
            cr.execute(
                SQL(
                    "SELECT id FROM hotline_call"
                    " WHERE pbx_id = %s AND linkedid IN %s FOR SHARE",
                    pbx_id,
                    tuple(linkedids),
                ),
                log_exceptions=False,
            )
        except CONFLICT_ERRORS as exc:
            # they committed a change: the fresh transaction below sees it
            _logger.debug("waited for a concurrent update (%s)", _first_line(exc))
        cr.rollback()

    def close_stale(self, pbx_id, live_linkedids):
        with self._registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return len(EnvSink(env).close_stale(pbx_id, live_linkedids))

    def stored_calls(self, pbx_id, linkedids):
        with self._registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return EnvSink(env).stored_calls(pbx_id, linkedids)

    def sync_prompts(self, pbx_id, since):
        with self._registry().cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return EnvSink(env).sync_prompts(pbx_id, since)


class PbxWorker:
    """Keep one PBX's AMI session and turn its events into calls."""

    def __init__(
        self,
        pbx_id,
        name,
        host,
        port,
        username,
        secret,
        sink,
        timeout=5.0,
        batch_max=2000,
        retry_max=30.0,
        correlator=None,
        on_call_finished=None,
        pop_workers=0,
        prompt_sync_interval=60.0,
        contexts=None,
        call_log_level=logging.INFO,
        call_summary_interval=300.0,
    ):
        self.pbx_id = pbx_id
        # one line per finished call at ``call_log_level``; below INFO (the
        # simulator's demo traffic) one INFO summary per ``call_summary_interval``
        self.call_log_level = call_log_level
        self.call_summary_interval = call_summary_interval
        self._calls_since_summary = 0
        self._summary_at = time.monotonic()
        self.name = name
        self.sink = sink
        self.batch_max = batch_max
        self.retry_max = retry_max
        # ``contexts``: the PBX record's dialplan contexts
        # (``hotline.pbx._hotline_correlator_contexts``)
        self.correlator = correlator or CallCorrelator(**(contexts or {}))
        # click-to-dial Originates followed to their outcome for the agent
        self.originates = OriginateTracker()
        # callables fed every event in order by the processing thread (the
        # campaigns' dialer, ``cli/dialer.py``)
        self.event_listeners = []
        self.on_call_finished = on_call_finished
        self.queue = queue.SimpleQueue()
        self.client = AmiClient(
            host,
            port,
            username,
            secret,
            timeout=timeout,
            on_event=self.queue.put,
            on_connect=self._on_connect,
            name=f"PBX {name}",
        )
        self.pending_calls = {}
        self.pending_live = []
        self._backlog = []  # taken from the queue, not processed yet (in order)
        self.stale_resyncs = []
        # screen pops of simultaneous calls in parallel transactions: only with
        # a sink that opens its own cursor per call (RegistrySink)
        self._pool = (
            concurrent.futures.ThreadPoolExecutor(pop_workers, f"pops {name}")
            if pop_workers and getattr(sink, "thread_safe", False)
            else None
        )
        self.finished_logged = set()
        self.prompt_sync_interval = prompt_sync_interval
        self.prompts_marker = None  # write_date of the newest prompt synced
        self._prompt_directory = None
        self._next_prompt_sync = 0.0  # at start
        self._prompt_error = None
        self.busy = False
        self._stop = threading.Event()
        self._thread = None
        self.stats = {
            "events": 0,
            "batches": 0,
            "calls_written": 0,
            "sink_errors": 0,
            "max_backlog": 0,
            "resyncs": 0,
            "set_aside": 0,
            "prompt_files_written": 0,
            "prompt_files_removed": 0,
        }

    # -- lifecycle ---------------------------------------------------------------
    def start(self, process=True):
        """Connect (watchdog thread); ``process=False`` leaves the processing to
        the caller's thread (``process_pending``), e.g. a test's cursor."""
        self._stop.clear()
        if process:
            self._thread = threading.Thread(
                target=self._run, name=f"connector {self.name}", daemon=True
            )
            self._thread.start()
        self.client.start()
        return self

    def stop(self, timeout=10.0):
        self.client.close()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        # what the loop did not get to
        self.process_pending(block=False)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    # -- resynchronisation ---------------------------------------------------------
    def _on_connect(self, client):
        """After every (re)login: what happened while we were away."""
        try:
            _response, channels = client.action_list("CoreShowChannels", timeout=10)
        except AmiError as exc:
            _logger.warning(
                "PBX %s: resync CoreShowChannels failed: %s", self.name, exc
            )
            return
        # the snapshot's moment: its Duration fields count up to it
        at = time.time()
        try:
            _response, entries = client.action_list("QueueStatus", timeout=10)
        except AmiError as exc:
            _logger.warning("PBX %s: resync QueueStatus failed: %s", self.name, exc)
            entries = []
        members = sum(1 for e in entries if e.get("Event") == "QueueMember")
        waiting = [e for e in entries if e.get("Event") == "QueueEntry"]
        for entry in waiting:
            self.queue.put(entry)
        self.queue.put((_RESYNC, channels, at))
        self.stats["resyncs"] += 1
        _logger.info(
            "PBX %s: resynchronised: %d live channels, %d queue members, %d waiting",
            self.name,
            len(channels),
            members,
            len(waiting),
        )

    # -- processing ------------------------------------------------------------------
    # -- prompt files --------------------------------------------------------------
    def sync_prompts(self):
        """Write the prompt files changed since the last sync (all of them the
        first time). Returns the sink's result, ``None`` when it failed or
        the sink has no prompt sync."""
        sync = getattr(self.sink, "sync_prompts", None)
        if sync is None:
            return None
        try:
            result = sync(self.pbx_id, self.prompts_marker)
        except Exception as exc:  # noqa: BLE001 - the folder or the database; retried
            message = str(exc) or type(exc).__name__
            if message != self._prompt_error:  # once, not every period
                _logger.warning(
                    "PBX %s: prompt files not synced (retrying every %ss): %s",
                    self.name,
                    self.prompt_sync_interval,
                    message,
                )
                self._prompt_error = message
            return None
        if self._prompt_error:
            _logger.info("PBX %s: prompt files synced again", self.name)
        self._prompt_error = None
        directory = result.get("directory")
        if self.prompts_marker and directory != self._prompt_directory:
            # the PBX's sounds folder changed: the new one gets every prompt
            self.prompts_marker = None
            self._prompt_directory = directory
            return self.sync_prompts()
        self._prompt_directory = directory
        self.prompts_marker = result.get("marker") or self.prompts_marker
        self.stats["prompt_files_written"] += len(result["written"])
        self.stats["prompt_files_removed"] += len(result["removed"])
        return result

    def _maybe_sync_prompts(self):
        if not self.prompt_sync_interval:
            return
        now = time.monotonic()
        if now >= self._next_prompt_sync:
            self._next_prompt_sync = now + self.prompt_sync_interval
            self.sync_prompts()

    def _run(self):
        delay = 0.5
        while not self._stop.is_set():
            self._maybe_sync_prompts()
            try:
                ok = self.process_pending(block=True, timeout=0.2)
            except Exception:  # the loop must survive anything; the batch is kept
                _logger.exception("PBX %s: connector loop error", self.name)
                ok = False
            if ok:
                delay = 0.5
            else:
                self._stop.wait(delay)
                delay = min(delay * 2, self.retry_max)

    def _take(self, block, timeout):
        batch, self._backlog = self._backlog, []
        if not batch:
            try:
                item = self.queue.get(block=block, timeout=timeout if block else None)
            except queue.Empty:
                return batch
            batch.append(item)
        backlog = self.queue.qsize()
        self.stats["max_backlog"] = max(self.stats["max_backlog"], backlog)
        while len(batch) < self.batch_max:
            try:
                batch.append(self.queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def process_pending(self, block=False, timeout=0.2):
        """Take one batch, correlate it, write it.  ``False`` when the sink failed."""
        batch = self._take(block, timeout)
        self.busy = True
        try:
            return self._process(batch)
        finally:
            self.busy = False

    def _process(self, batch):
        for index, item in enumerate(batch):
            if isinstance(item, tuple) and item and item[0] is _RESYNC:
                if not self._resync(*item[1:]):
                    # the database is needed first: this item and the ones
                    # after it wait, in order, for the next attempt
                    self._backlog = batch[index:] + self._backlog
                    if not self.pending_calls and not self.pending_live:
                        return False
                    return self.flush() and False
                continue
            self.stats["events"] += 1
            for listener in self.event_listeners:
                try:
                    listener(item)
                except Exception:  # one odd event must not stop the others
                    _logger.exception(
                        "PBX %s: event listener failed on %r", self.name, item
                    )
            try:
                calls, live = self.correlator.feed(item)
            except Exception:  # one odd event must not stop the others
                _logger.exception("PBX %s: event not understood: %r", self.name, item)
                continue
            for call in calls:
                self.pending_calls[call["linkedid"]] = call
            self.pending_live.extend(live)
            try:
                # written with the live events: the agent who dialled is told
                self.pending_live.extend(self.originates.feed(item))
            except Exception:  # one odd event must not stop the others
                _logger.exception(
                    "PBX %s: click-to-dial event not understood: %r", self.name, item
                )
        if not self.pending_calls and not self.pending_live:
            return self._close_stale()
        return self.flush() and self._close_stale()

    def _resync(self, channels, at):
        """Feed a ``CoreShowChannels`` snapshot taken at ``at`` (epoch).

        After a restart the correlator knows nothing of the calls live on the
        PBX: what the database stored of them is restored first, so that the
        snapshot (no start, answer or queue time) only adds what is new and
        the call ends as it would have without the restart.  ``False`` when
        the stored calls could not be read (retried).
        """
        live = {c.get("Linkedid") for c in channels if c.get("Linkedid")}
        unknown = sorted(lid for lid in live if lid not in self.correlator.calls)
        stored_calls = getattr(self.sink, "stored_calls", None)
        if unknown and stored_calls is not None:
            try:
                stored = self._retry_conflicts(stored_calls, self.pbx_id, unknown)
            except TRANSIENT_ERRORS as exc:
                self._log_db_error("resync postponed", exc)
                return False
            for data in stored:
                self.correlator.restore(data)
        for call in self.correlator.resync(channels, now=at):
            self.pending_calls[call["linkedid"]] = call
        self.stale_resyncs.append(live)
        return True

    def _close_stale(self):
        """Calls left open in the database (e.g. by a previous run) that the
        PBX no longer has: closed after the pending calls are written."""
        while self.stale_resyncs:
            live = self.stale_resyncs[0]
            close = getattr(self.sink, "close_stale", None)
            if close is None:
                self.stale_resyncs.pop(0)
                continue
            open_here = set(self.correlator.open_calls())
            try:
                closed = self._retry_conflicts(close, self.pbx_id, live | open_here)
            except TRANSIENT_ERRORS as exc:
                self._log_db_error("resync postponed", exc)
                return False
            self.stale_resyncs.pop(0)
            if closed:
                _logger.info(
                    "PBX %s: %s open calls closed: they ended while disconnected",
                    self.name,
                    closed if isinstance(closed, int) else len(closed),
                )
        return True

    def flush(self):
        """Write the pending calls and live events; ``False`` to retry later.

        Screen pops go first, in a small transaction of their own with just
        the calls they ring (an agent waits for them); the other calls follow.
        While a full batch or more waits in the queue, the pops go in one
        transaction (not one each, in parallel), then the other calls: fewer
        commits are what lets the connector catch up, and the pops still do
        not wait for the rest of the batch.
        """
        pops = {e["linkedid"] for e in self.pending_live if e["type"] in POP_TYPES}
        behind = self.queue.qsize() >= self.batch_max
        if behind and pops:
            self.stats["catch_up_batches"] = self.stats.get("catch_up_batches", 0) + 1
        if pops and self._pool is not None and len(pops) > 1 and not behind:
            if not self._pop_in_parallel(pops):
                return False
        elif pops:
            first = [
                self.pending_calls[lid] for lid in pops if lid in self.pending_calls
            ]
            if not self._write(first, self.pending_live):
                return False
            self.pending_live = []
        if self.pending_calls or self.pending_live:
            return self._write(list(self.pending_calls.values()), self.pending_live)
        return True

    def _pop_in_parallel(self, pops):
        """One transaction per ringing call, ``pop_workers`` at a time; the
        calls they carry are written before any later state of the same calls
        (the caller waits for all of them)."""
        # calls ringing the same agent go in the same transaction (the pop
        # writes the agent's user): connected components of calls and agents
        parent = {}

        def find(key):
            while parent.setdefault(key, key) != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for event in self.pending_live:
            if event["linkedid"] in pops and event.get("extension"):
                parent[find(("ext", event["extension"]))] = find(
                    ("call", event["linkedid"])
                )
        components = {}
        for linkedid in pops:
            components.setdefault(find(("call", linkedid)), []).append(linkedid)
        groups = []
        for linkedids in components.values():
            members = set(linkedids)
            calls = [
                self.pending_calls[lid]
                for lid in linkedids
                if lid in self.pending_calls
            ]
            events = [e for e in self.pending_live if e["linkedid"] in members]
            groups.append((calls, events))
        futures = [
            self._pool.submit(self.sink, self.pbx_id, calls, events)
            for calls, events in groups
        ]
        failed = False
        for (calls, events), future in zip(groups, futures, strict=True):
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - retried below with full handling
                # a conflict with a concurrent update is expected: the retry
                # below resolves it (a real failure is logged there)
                expected = isinstance(exc, CONFLICT_ERRORS)
                _logger.log(
                    logging.DEBUG if expected else logging.WARNING,
                    "PBX %s: parallel screen pop failed (%s)",
                    self.name,
                    _first_line(exc),
                )
                failed = True
                continue
            for call in calls:
                if self.pending_calls.get(call["linkedid"]) is call:
                    del self.pending_calls[call["linkedid"]]
            done = {id(e) for e in events}
            self.pending_live = [e for e in self.pending_live if id(e) not in done]
        self.stats["parallel_pops"] = self.stats.get("parallel_pops", 0) + len(groups)
        if failed:
            rest = {e["linkedid"] for e in self.pending_live if e["type"] in POP_TYPES}
            first = [
                self.pending_calls[lid] for lid in rest if lid in self.pending_calls
            ]
            if not self._write(first, self.pending_live):
                return False
            self.pending_live = []
        return True

    def _retry_conflicts(self, func, *args):
        """``func(*args)``, run again at once when a concurrent transaction
        updated the same rows first (up to ``CONFLICT_ATTEMPTS`` times)."""
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                return func(*args)
            except CONFLICT_ERRORS as exc:
                if attempt == CONFLICT_ATTEMPTS:
                    raise
                self.stats["conflicts"] = self.stats.get("conflicts", 0) + 1
                _logger.debug(
                    "PBX %s: concurrent update of the same records (%s); "
                    "retrying (attempt %d)",
                    self.name,
                    _first_line(exc),
                    attempt + 1,
                )
                time.sleep(0.01 * attempt)

    def _log_db_error(self, what, exc):
        if isinstance(exc, CONFLICT_ERRORS):
            _logger.warning(
                "PBX %s: %s: concurrent updates still conflicting after %d "
                "attempts (%s); retrying later",
                self.name,
                what,
                CONFLICT_ATTEMPTS,
                _first_line(exc),
            )
        else:
            _logger.error(
                "PBX %s: %s: database unavailable (%s); retrying",
                self.name,
                what,
                _first_line(exc),
            )

    def _write(self, calls, live):
        try:
            self._retry_conflicts(self.sink, self.pbx_id, calls, live)
        except TRANSIENT_ERRORS as exc:
            self.stats["sink_errors"] += 1
            self._log_db_error(f"{len(calls)} calls kept", exc)
            return False
        except Exception:
            self.stats["sink_errors"] += 1
            _logger.exception(
                "PBX %s: recording %d calls failed; retrying them one by one",
                self.name,
                len(calls),
            )
            written = self._isolate(calls, live)
            for call in calls:  # the ones set aside are logged in full
                self.pending_calls.pop(call["linkedid"], None)
            calls = written
        self.stats["batches"] += 1
        self.stats["calls_written"] += len(calls)
        for call in calls:
            if self.pending_calls.get(call["linkedid"]) is call:
                del self.pending_calls[call["linkedid"]]
        if live is self.pending_live:
            self.pending_live = []
        for call in calls:
            if call.get("ended_at") and call["linkedid"] not in self.finished_logged:
                self.finished_logged.add(call["linkedid"])
                self._log_call(call)
        if len(self.finished_logged) > 100000:
            self.finished_logged.clear()
        return True

    def _isolate(self, calls, live):
        """Write each call alone; the ones that still fail are logged in full."""
        written = []
        for call in calls:
            try:
                self.sink(self.pbx_id, [call], [])
            except Exception:
                self.stats["set_aside"] += 1
                _logger.exception(
                    "PBX %s: call set aside, not recordable: %r", self.name, call
                )
            else:
                written.append(call)
        if live:
            try:
                self.sink(self.pbx_id, [], live)
            except Exception:
                _logger.exception("PBX %s: screen pops lost: %r", self.name, live)
        return written

    def _log_call(self, call):
        self._log_call_summary()
        _logger.log(
            self.call_log_level,
            "PBX %s: call %s %s %s -> %s %s queue=%s agents=%s wait=%ss talk=%ss%s",
            self.name,
            call["linkedid"],
            call["direction"],
            call.get("caller_number") or "?",
            call.get("called_number") or "?",
            call["disposition"],
            call.get("queue") or "-",
            ",".join(call.get("agents") or []) or "-",
            call.get("wait_seconds", 0),
            call.get("talk_seconds", 0),
            f" ({call['hangup_cause']})" if call.get("hangup_cause") else "",
        )
        if self.on_call_finished:
            self.on_call_finished(call)

    def _log_call_summary(self):
        if self.call_log_level >= logging.INFO:
            return
        self._calls_since_summary += 1
        now = time.monotonic()
        if now - self._summary_at >= self.call_summary_interval:
            _logger.info(
                "PBX %s: %d calls in the last %d min",
                self.name,
                self._calls_since_summary,
                round((now - self._summary_at) / 60),
            )
            self._calls_since_summary = 0
            self._summary_at = now

    def drain(self, until=None, timeout=10.0):
        """Process in the calling thread until ``until()`` is true (or the
        queue is empty and nothing is pending when ``until`` is None)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process_pending(block=True, timeout=0.05)
            if until is not None:
                if until():
                    return True
            elif (
                self.queue.empty()
                and not self._backlog
                and not self.pending_calls
                and not self.pending_live
            ):
                return True
        return False

    def wait_idle(self, timeout=10.0):
        """Until the queue is empty and nothing is pending (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                self.queue.empty()
                and not self._backlog
                and not self.busy
                and not self.pending_calls
                and not self.pending_live
            ):
                return True
            time.sleep(0.01)
        return False
