# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector's moving parts, usable without the command line.

``PbxWorker``: one PBX.  Its AMI reader thread only parses and enqueues; a
processing thread takes what is queued (one batch), runs the correlator and
hands the changed calls and the live events to a *sink* in one transaction.
With a pop pool (the service: ``pop_workers``), the rings pop at once in
transactions of their own and the calls go to a writer thread (in order,
after the pops submitted before them): a ring never waits for a batch being
written.
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

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tools import SQL

from ..models.bus_bus import NOTIFIER_KEY
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
    # a screen pop created the call it rings (not recorded yet) while the
    # writer was recording it: the retry finds it and updates it
    psycopg2.errors.UniqueViolation,
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


def _notify_query(payload):
    """bus.bus's NOTIFY (its function may be replaced by the environment)."""
    from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION

    return SQL("SELECT %s('imbus', %s)", SQL.identifier(ODOO_NOTIFY_FUNCTION), payload)


class BusNotifier:
    """The bus's NOTIFY after a commit, through one long-lived connection.

    Odoo sends it on a connection to the ``postgres`` database that it opens
    and closes at every commit (a PostgreSQL backend started for each screen
    pop: milliseconds of the pop and CPU of the machine). The listener
    (``bus.bus``'s dispatcher) is on that database: the NOTIFY cannot go in
    the pop's own transaction. A broken connection is opened again once;
    failing that, Odoo's way."""

    def __init__(self, dbname="postgres"):
        self.dbname = dbname
        self._cnx = None
        self._lock = threading.Lock()

    def _connect(self):
        _db, info = sql_db.connection_info_for(self.dbname)
        cnx = psycopg2.connect(**info)
        cnx.autocommit = True
        return cnx

    def _send(self, queries):
        if self._cnx is None or self._cnx.closed:
            self._cnx = self._connect()
        with self._cnx.cursor() as cr:
            for query in queries:
                cr.execute(query.code, query.params)

    def _notify(self, queries):
        with self._lock:
            for attempt in (1, 2):
                try:
                    return self._send(queries)
                except psycopg2.Error as exc:
                    self.close()
                    if attempt == 2:
                        _logger.warning(
                            "bus notification through the connector's connection "
                            "failed (%s): sent the usual way",
                            _first_line(exc),
                        )
        with sql_db.db_connect(self.dbname).cursor() as cr:
            for query in queries:
                cr.execute(query)

    def __call__(self, payloads):
        if not payloads:
            return
        self._notify([_notify_query(payload) for payload in payloads])

    def notify_cron(self, dbname):
        """Wake the cron workers up (``ir.cron._notifydb``) on the same
        connection: the wallboard's cron is triggered by the calls' changes."""
        from odoo.addons.base.models.ir_cron import ODOO_NOTIFY_FUNCTION

        self._notify(
            [
                SQL(
                    "SELECT %s('cron_trigger', %s)",
                    SQL.identifier(ODOO_NOTIFY_FUNCTION),
                    dbname,
                )
            ]
        )

    def close(self):
        if self._cnx is not None:
            try:
                self._cnx.close()
            except psycopg2.Error as exc:
                _logger.debug("notify connection closed badly: %s", exc)
            self._cnx = None


class RegistrySink:
    """One short transaction per batch on the database of ``registry``."""

    thread_safe = True  # every call opens its own cursor
    signaling_interval = 1.0  # seconds between registry/cache signaling checks

    def __init__(self, registry, notifier=None):
        self.registry = registry
        self._checked = 0.0
        self._lock = threading.Lock()
        # the bus notifications of its transactions (one connection for all)
        self.notifier = notifier or BusNotifier()

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
            # (after the rollback above: it clears the post-commit data)
            cr.postcommit.data[NOTIFIER_KEY] = self.notifier
            if not calls:
                # a screen pop (its call is recorded by the writer's
                # transaction): its commit does not wait for the disk; a
                # crash of PostgreSQL in the next moment may lose the ring's
                # card and status, never a call
                cr.execute("SET LOCAL synchronous_commit TO OFF")
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
        # with a pop pool, the calls and the other live events are written in
        # order by a thread of their own: the processing thread goes on
        # reading events and popping the next rings meanwhile
        self._writer = (
            concurrent.futures.ThreadPoolExecutor(1, f"writer {name}")
            if self._pool is not None
            else None
        )
        self._inflight = 0  # pops and writes submitted, not finished
        self._inflight_lock = threading.Lock()
        self._last_write = None  # the writer's last job (a future)
        # what the writer records next, in one transaction: the latest dict
        # of each call, the live events, the pops to wait for first
        self._write_lock = threading.Lock()
        self._to_write = ({}, [], [])
        self._write_scheduled = False
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
        if self._writer is not None:
            self._writer.shutdown(wait=True)

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
        if self.stale_resyncs:
            self._wait_writes()
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
        With a pop pool (``_flush_async``), they go in parallel and nothing
        waits for them.
        """
        if self._writer is not None:
            return self._flush_async()
        pops = {e["linkedid"] for e in self.pending_live if e["type"] in POP_TYPES}
        if pops:
            first = [
                self.pending_calls[lid] for lid in pops if lid in self.pending_calls
            ]
            if not self._write(first, self.pending_live):
                return False
            self.pending_live = []
        if self.pending_calls or self.pending_live:
            return self._write(list(self.pending_calls.values()), self.pending_live)
        return True

    # -- with a pop pool: pops and writes in threads of their own -----------------
    def _flush_async(self):
        """The rings pop at once in the pop pool, without waiting for anything
        (their calls' dicts stay with the writer: a pop that finds its call
        not recorded yet creates it); the calls and the other live events go
        to the writer, whose job waits for the pops submitted before it (the
        answer after a ring is recorded after the ring's pop) and is retried
        until it succeeds.  The processing thread goes straight back to the
        events: a ring never waits for a batch being written.  While a full
        batch or more waits in the queue, a batch's pops go in one
        transaction (fewer commits let the connector catch up)."""
        pops = [e for e in self.pending_live if e["type"] in POP_TYPES]
        others = [e for e in self.pending_live if e["type"] not in POP_TYPES]
        calls = list(self.pending_calls.values())
        self.pending_calls = {}
        self.pending_live = []
        futures = []
        if pops:
            if self.queue.qsize() >= self.batch_max:
                self.stats["catch_up_batches"] = (
                    self.stats.get("catch_up_batches", 0) + 1
                )
                groups = [pops]
            else:
                groups = self._pop_groups(pops)
            futures = [self._submit(self._pool, self._pop, events) for events in groups]
        if calls or others:
            self._queue_write(calls, others, futures)
        return True

    def _queue_write(self, calls, live, after):
        """For the writer: added to what it records next (one transaction for
        all that arrived while it was busy: the connector keeps up with a
        burst by writing bigger batches, not more of them)."""
        with self._write_lock:
            pending_calls, pending_live, pending_after = self._to_write
            for call in calls:
                pending_calls[call["linkedid"]] = call
            pending_live.extend(live)
            pending_after.extend(after)
            self.stats["max_write_backlog"] = max(
                self.stats.get("max_write_backlog", 0), len(pending_calls)
            )
            if self._write_scheduled:
                return
            self._write_scheduled = True
        self._last_write = self._submit(self._writer, self._write_pending)

    def _write_pending(self):
        with self._write_lock:
            calls, live, after = self._to_write
            self._to_write = ({}, [], [])
            self._write_scheduled = False
        self._write_job(list(calls.values()), live, after)

    def _submit(self, executor, func, *args):
        with self._inflight_lock:
            self._inflight += 1

        def job():
            try:
                return func(*args)
            finally:
                with self._inflight_lock:
                    self._inflight -= 1

        return executor.submit(job)

    def _pop(self, events):
        """One pop transaction; a conflict is retried at once, a database
        outage hands the pop to the writer (retried in order, not lost)."""
        try:
            self._retry_conflicts(self.sink, self.pbx_id, [], events)
        except TRANSIENT_ERRORS as exc:
            self._log_db_error("screen pop postponed", exc)
            self._queue_write([], events, [])
            return
        except Exception:
            _logger.exception("PBX %s: screen pop failed: %r", self.name, events)
            return
        self.stats["parallel_pops"] = self.stats.get("parallel_pops", 0) + 1

    def _write_job(self, calls, live, after):
        concurrent.futures.wait(after)
        delay = 0.5
        while not self._write(calls, live):
            if self._stop.is_set():
                _logger.error(
                    "PBX %s: stopping: %d calls not recorded", self.name, len(calls)
                )
                return
            self._stop.wait(delay)
            delay = min(delay * 2, self.retry_max)

    def _wait_writes(self):
        """Until the writer has done what it was given (before a resync
        closes the calls the database keeps open)."""
        last = self._last_write
        if last is not None:
            concurrent.futures.wait([last])

    def _pop_groups(self, events):
        """The pop events in groups: calls ringing the same agent go in the
        same transaction (the pop writes the agent's user): connected
        components of calls and agents."""
        parent = {}

        def find(key):
            while parent.setdefault(key, key) != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for event in events:
            if event.get("extension"):
                parent[find(("ext", event["extension"]))] = find(
                    ("call", event["linkedid"])
                )
        groups = {}
        for event in events:
            groups.setdefault(find(("call", event["linkedid"])), []).append(event)
        return list(groups.values())

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
                and not self._inflight
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
                and not self._inflight
            ):
                return True
            time.sleep(0.01)
        return False
