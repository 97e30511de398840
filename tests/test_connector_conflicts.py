"""The connector's database retries: a concurrent update of the same row is
retried at once and quietly, an outage is an ERROR; a resync that cannot read
the stored calls waits, with the events after it, for the next attempt; a batch
waits for an agent's pick-up holding its call instead of conflicting with it
(on a throw-away PostgreSQL database)."""

import logging
import os
import threading
import time
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ

import odoo.sql_db

import odoo.addons

ADDONS = Path(__file__).resolve().parents[1] / "addons"
if str(ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(ADDONS))

from odoo.addons.hotline_callcenter.cli.connector import (
    _RESYNC,
    CONFLICT_ATTEMPTS,
    PbxWorker,
    RegistrySink,
)
from odoo.addons.hotline_callcenter.pbx.ami_protocol import AmiMessage
from odoo.addons.hotline_callcenter.pbx.simulator.scenarios import render

LOGGER = "odoo.addons.hotline_callcenter.cli.connector"


def conflict():
    return psycopg2.errors.SerializationFailure(
        "could not serialize access due to concurrent update"
    )


class FlakySink:
    """Records writes; raises the queued errors first (one per call)."""

    def __init__(self, errors=(), stored_errors=(), stored=()):
        self.errors = list(errors)
        self.stored_errors = list(stored_errors)
        self.stored = list(stored)
        self.calls = {}
        self.attempts = 0
        self.stored_asked = []

    def __call__(self, pbx_id, calls, live):
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        for call in calls:
            self.calls[call["linkedid"]] = call

    def stored_calls(self, pbx_id, linkedids):
        self.stored_asked.append(list(linkedids))
        if self.stored_errors:
            raise self.stored_errors.pop(0)
        return [c for c in self.stored if c["linkedid"] in linkedids]


def worker_for(sink):
    worker = PbxWorker(1, "test", "127.0.0.1", 1, "odoo", "secret", sink,
                       prompt_sync_interval=0)  # fmt: skip
    worker.retry_max = 0.05
    return worker


def answered_call():
    return [AmiMessage(p) for _t, p in render("inbound_answered", agent="8101")]


def run(worker, until, timeout=5.0):
    """The worker's own loop (backoff included) until ``until()``."""
    worker._stop.clear()
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline and not until():
        if not worker.process_pending(block=True, timeout=0.05):
            time.sleep(delay)
    return until()


def test_concurrent_update_is_retried_at_once_without_warning(caplog):
    sink = FlakySink(errors=[conflict(), conflict()])
    worker = worker_for(sink)
    events = answered_call()
    linkedid = events[0].get("Linkedid")
    for event in events:
        worker.queue.put(event)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert worker.process_pending() is True  # one pass: retried inside
    assert sink.calls[linkedid]["disposition"] == "answered"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "concurrent update of the same records" in caplog.text
    assert worker.stats["conflicts"] == 2
    assert worker.stats["sink_errors"] == 0


def test_conflict_that_outlives_its_retries_is_a_warning_then_resolves(caplog):
    sink = FlakySink(errors=[conflict() for _ in range(CONFLICT_ATTEMPTS)])
    worker = worker_for(sink)
    events = answered_call()
    for event in events:
        worker.queue.put(event)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert run(worker, lambda: bool(sink.calls))
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelno for r in problems] == [logging.WARNING]
    assert "still conflicting" in problems[0].getMessage()
    assert "database unavailable" not in caplog.text


def test_database_outage_is_an_error_and_nothing_is_lost(caplog):
    sink = FlakySink(errors=[psycopg2.OperationalError("server closed the connection")])
    worker = worker_for(sink)
    events = answered_call()
    linkedid = events[0].get("Linkedid")
    for event in events:
        worker.queue.put(event)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert run(worker, lambda: linkedid in sink.calls)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "database unavailable" in errors[0]
    assert sink.calls[linkedid]["ended_at"]


def test_resync_waits_for_the_stored_calls_and_keeps_event_order(caplog):
    """After a restart the stored call is read back before the snapshot is
    applied; when the read fails, the snapshot and the events queued after
    it wait for the next attempt, in order."""
    events = answered_call()
    linkedid = events[0].get("Linkedid")
    cut = max(i for i, e in enumerate(events) if e.get("Event") == "BridgeEnter") + 1
    reference = worker_for(FlakySink())
    for event in events[:cut]:
        reference.queue.put(event)
    reference.process_pending()
    stored = reference.sink.calls[linkedid]
    # what CoreShowChannels lists of that call (no times, no queue)
    channels = [
        AmiMessage(
            [
                ("Event", "CoreShowChannel"),
                ("Channel", e.get("Channel")),
                ("ChannelState", "6"),
                ("Context", e.get("Context")),
                ("Exten", e.get("Exten")),
                ("CallerIDNum", e.get("CallerIDNum")),
                ("Uniqueid", e.get("Uniqueid")),
                ("Linkedid", linkedid),
                ("Application", ""),
                ("ApplicationData", ""),
                ("Duration", "00:00:04"),
                ("BridgeId", ""),
            ]
        )
        for e in events[:cut]
        if e.get("Event") == "Newchannel"
    ]
    sink = FlakySink(
        stored_errors=[psycopg2.OperationalError("connection refused")],
        stored=[stored],
    )
    worker = worker_for(sink)
    worker.queue.put((_RESYNC, channels, time.time()))
    for event in events[cut:]:
        worker.queue.put(event)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert run(worker, lambda: sink.calls.get(linkedid, {}).get("ended_at"))
    assert sink.stored_asked == [[linkedid], [linkedid]]
    call = sink.calls[linkedid]
    for key in ("started_at", "queued_at", "answered_at", "queue", "recording_file"):
        assert call[key] == stored[key], key
    assert call["agents"] == ["8101"]
    assert call["disposition"] == "answered"
    assert call["hangup_cause"] == "16 Normal Clearing"
    assert "resync postponed: database unavailable" in caplog.text


@pytest.fixture
def scratch_db():
    """A throw-away database with the part of ``hotline_call`` at stake."""
    name = f"hl_conflict_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cr.execute(f'CREATE DATABASE "{name}"')
    conn = psycopg2.connect(dbname=name)
    with conn, conn.cursor() as cr:
        cr.execute(
            "CREATE TABLE hotline_call (id serial PRIMARY KEY, pbx_id int,"
            " linkedid varchar, user_id int, ended_at timestamp)"
        )
        cr.execute("INSERT INTO hotline_call (pbx_id, linkedid) VALUES (1, 'L1')")
    conn.close()
    yield name
    odoo.sql_db.close_db(name)
    with admin.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def pick_up(dbname):
    """An agent's pick-up (``hotline_waiting_pickup``): the call's row locked
    while the AMI Redirect runs, then its agent written."""
    conn = psycopg2.connect(dbname=dbname)
    conn.set_isolation_level(ISOLATION_LEVEL_REPEATABLE_READ)
    cr = conn.cursor()
    cr.execute("SELECT id FROM hotline_call WHERE linkedid = 'L1' FOR UPDATE NOWAIT")
    return conn, cr


def record_end(dbname, wait):
    """The connector's batch that records the call's end, in a thread."""
    outcome = {}

    def run():
        cr = odoo.sql_db.db_connect(dbname).cursor()
        try:
            if wait:
                RegistrySink.wait_for_writers(cr, 1, ["L1"])
            cr.execute("SELECT id, user_id FROM hotline_call WHERE linkedid = 'L1'")
            cr.execute("UPDATE hotline_call SET ended_at = now() WHERE id = 1")
            cr.commit()
            outcome["ok"] = True
        except psycopg2.Error as exc:
            outcome["error"] = exc
        finally:
            cr.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize("wait", [False, True])
def test_waiting_for_the_pick_up_avoids_the_concurrent_update(scratch_db, wait):
    conn, cr = pick_up(scratch_db)
    thread, outcome = record_end(scratch_db, wait)
    time.sleep(0.3)
    assert thread.is_alive()  # the batch waits for the pick-up's row
    cr.execute("UPDATE hotline_call SET user_id = 7 WHERE linkedid = 'L1'")
    conn.commit()
    conn.close()
    thread.join(5)
    if not wait:  # what the connector met: a serialization failure
        assert isinstance(outcome["error"], psycopg2.errors.SerializationFailure)
        return
    assert outcome == {"ok": True}
    check = psycopg2.connect(dbname=scratch_db)
    with check.cursor() as ccr:
        ccr.execute("SELECT user_id, ended_at IS NOT NULL FROM hotline_call")
        assert ccr.fetchall() == [(7, True)]
    check.close()
