# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Odoo side of the IVR: FastAGI handler for the connector.

``make_agi_handler(registry, pbx_id)`` returns ``handler(session)`` for
``pbx.fastagi.FastAgiServer``. Each database question (which flow for this DID,
business hours, caller lookup, blacklist, first-contact agent, queue wrap-up
time, rating, business queries, keypad survey answers) opens its own short
cursor and closes it at once: no cursor stays open while the caller listens to
a prompt, so 100 calls in menus hold no connection.

Writes the caller does not wait for (the call marked queued before
``Queue()``, the post-call rating) run behind the call, in a thread of their
own, while Asterisk already executes the next command: the next database use
of the same call, and the end of the call, wait for them (one writer of the
call's row at a time, nothing lost).

Flow snapshots are cached per process and checked against the flow's version
(latest ``write_date`` of the flow, its nodes, options and prompts) at the start
of each call: a change saved in Odoo applies to the next call. When the
database cannot be reached the last snapshot of the DID is used, and when there
is none the call leaves the AGI with ``HOTLINE_AGI_ERROR`` set so the dialplan
sends it to its own fallback: the caller is never dropped.
"""

import contextlib
import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..pbx import acd
from ..pbx.ivr_engine import DEFAULT_APP_OPTIONS, IvrBackend, IvrEngine

_logger = logging.getLogger(__name__)
# seconds a PBX's channel templates are used before they are read again
CHANNELS_TTL = 10.0
NOT_READ = object()  # a fact the prefetch did not read
WRITE_ATTEMPTS = 3


CALENDAR_VERSION_SQL = """
    SELECT GREATEST(
               c.write_date,
               (SELECT max(write_date) FROM resource_calendar_attendance
                 WHERE calendar_id = c.id),
               (SELECT max(write_date) FROM resource_calendar_leaves
                 WHERE calendar_id = c.id OR calendar_id IS NULL)
           ),
           (SELECT count(*) FROM resource_calendar_attendance WHERE calendar_id = c.id),
           (SELECT count(*) FROM resource_calendar_leaves
             WHERE calendar_id = c.id OR calendar_id IS NULL)
      FROM resource_calendar c
     WHERE c.id = %(calendar_id)s
"""


class FlowCache:
    """Snapshots by DID and by flow id, checked against the flow version."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_did = {}
        self.by_flow = {}
        self.hours = {}
        self.builds = 0
        # the PBX's channel templates, read again every CHANNELS_TTL seconds
        self.channels = None
        self.channels_read_at = None
        # queue code -> Queue() options, read with the channel templates
        self.queue_options = {}

    def read_channels(self, env, pbx_id):
        """The PBX's channel templates and the queues' Queue() options; a
        query at most every CHANNELS_TTL seconds (they rarely change, the AGI
        step is a hot path)."""
        now = time.monotonic()
        if self.channels is None or now - self.channels_read_at >= CHANNELS_TTL:
            self.channels = _channels_of(env, pbx_id)
            self.queue_options = {
                queue.code: queue._hotline_app_options()
                for queue in env["hotline.queue"].search([], order="id desc")
            }
            self.channels_read_at = now
        return self.channels

    def snapshot(self, flow, version=None):
        version = version or flow._hotline_version()
        with self.lock:
            cached = self.by_flow.get(flow.id)
        if cached and cached[0] == version:
            return cached[1]
        snapshot = flow._hotline_snapshot()
        with self.lock:
            self.by_flow[flow.id] = (version, snapshot)
            self.builds += 1
        return snapshot


class OdooIvrBackend(IvrBackend):
    """Facts for one call, each read in a short cursor of its own."""

    def __init__(self, registry, pbx_id, cache, flow_id=None):
        self.registry = registry
        self.pbx_id = pbx_id
        self.cache = cache
        self.flow_id = flow_id
        self._pending = None  # the write running behind the call
        self._prefetching = None  # the reads running ahead of the call
        self._facts = {}  # what they read: ("caller", number) / ("hours", id)

    @contextlib.contextmanager
    def env(self):
        # one cursor per call at a time: the pool is sized for one per call
        self._join_reads()
        self.wait()
        with self._env_now() as env:
            yield env

    @contextlib.contextmanager
    def _env_now(self):
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _behind(self, method, *args):
        """Run ``method(env, *args)`` in its own transaction and thread: the
        profiled queue step spent ~20-70 ms in the write, the waiting-list
        notification and the commit, all before Asterisk got ``Queue``."""
        self.wait()

        def run():
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    with self._env_now() as env:
                        method(env, *args)
                    return
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as exc:
                    # the connector's ingest of the same call's events (e.g.
                    # QueueCallerJoin) may update the row at the same moment
                    _logger.info(
                        "IVR: %s met a concurrent update (%s), attempt %s",
                        method.__name__,
                        type(exc).__name__,
                        attempt,
                    )
                    time.sleep(0.05 * attempt)
                except Exception:
                    _logger.exception("IVR: %s failed", method.__name__)
                    return
            _logger.error(
                "IVR: %s gave up after %s concurrent updates",
                method.__name__,
                WRITE_ATTEMPTS,
            )

        thread = threading.Thread(target=run, name="ivr-write", daemon=True)
        self._pending = thread
        thread.start()

    def wait(self):
        """Wait for the write running behind the call, if any."""
        thread, self._pending = self._pending, None
        if thread is not None:
            thread.join()

    def finish(self, ctx):
        self._join_reads()
        self.wait()

    # -- flows -------------------------------------------------------------------
    def load_flow(self, flow_id):
        with self.env() as env:
            flow = env["hotline.ivr.flow"].browse(int(flow_id)).exists()
            if not flow:
                raise LookupError(f"no IVR flow {flow_id}")
            return self.cache.snapshot(flow)

    # -- facts -------------------------------------------------------------------
    def prefetch(self, ctx, calendars=()):
        """Read the caller's customer record and the flow's business hours in
        a thread of their own while Asterisk answers the call: the first
        prompt then waits for no database (profiled: these reads were the
        slow tail of the first steps under load)."""
        self._prefetching = threading.Thread(
            target=self.read_ahead,
            args=(ctx.caller, calendars),
            name="ivr-read",
            daemon=True,
        )
        self._prefetching.start()

    def read_ahead(self, number, calendars):
        """The reads of :meth:`prefetch`, in the current thread."""
        try:
            with self._env_now() as env:
                if number:
                    self._facts[("caller", number)] = self._lookup_caller(env, number)
                for calendar_id in calendars:
                    self._facts[("hours", calendar_id)] = self._business_hours(
                        env, calendar_id
                    )
        except Exception:
            # read again, where the answer is needed, and fail there
            _logger.debug("IVR: prefetch failed", exc_info=True)

    def _join_reads(self):
        thread, self._prefetching = self._prefetching, None
        if thread is not None:
            thread.join()

    def _prefetched(self, key):
        self._join_reads()
        return self._facts.pop(key, None) if key in self._facts else NOT_READ

    def is_business_hours(self, calendar_id, ctx):
        is_open = self._prefetched(("hours", calendar_id))
        if is_open is not NOT_READ:
            return is_open
        with self.env() as env:
            return self._business_hours(env, calendar_id)

    def _business_hours(self, env, calendar_id):
        now = datetime.now(UTC)
        if not calendar_id and self.flow_id:
            calendar_id = env["hotline.ivr.flow"].browse(self.flow_id).calendar_id.id
        if not calendar_id:
            return True  # no calendar: always open
        # one query tells whether the calendar changed; the answer is kept
        # for the rest of the minute
        env.cr.execute(CALENDAR_VERSION_SQL, {"calendar_id": calendar_id})
        key = (calendar_id, now.replace(second=0, microsecond=0), env.cr.fetchone())
        with self.cache.lock:
            if key in self.cache.hours:
                return self.cache.hours[key]
        calendar = env["resource.calendar"].browse(calendar_id).exists()
        is_open = calendar_is_open(calendar, now) if calendar else True
        with self.cache.lock:
            if len(self.cache.hours) > 1000:
                self.cache.hours.clear()
            self.cache.hours[key] = is_open
        return is_open

    def lookup_caller(self, number):
        info = self._prefetched(("caller", number))
        if info is not NOT_READ:
            return info
        with self.env() as env:
            return self._lookup_caller(env, number)

    def _lookup_caller(self, env, number):
        partners = env["res.partner"].hotline_identify_caller(number)
        if not partners:
            return None
        partner = partners[0]
        return {
            "partner_id": partner.id,
            "name": partner.name,
            "count": len(partners),
            "is_vip": partner.hotline_is_vip,
            "category": partner.hotline_category_id.display_name or "",
        }

    def check_blacklist(self, number):
        with self.env() as env:
            entry = env["hotline.blacklist"].hotline_check_number(number)
            if not entry:
                return None
            # the node that checks the blacklist names the prompts to play
            return {"action": entry.get("action")}

    def last_agent(self, number, days):
        """First contact (首问负责制): who served ``number`` within ``days``."""
        with self.env() as env:
            since = fields.Datetime.now() - timedelta(days=days)
            call = env["hotline.call"].search(
                [
                    ("caller_number", "=", number),
                    ("user_id", "!=", False),
                    ("answered_at", ">=", since),
                ],
                order="answered_at desc",
                limit=1,
            )
            user = call.user_id
            if not user or not user.hotline_extension:
                return None
            state = user.hotline_agent_state
            busy = env["hotline.call"].search_count(
                [
                    ("user_id", "=", user.id),
                    ("answered_at", "!=", False),
                    ("ended_at", "=", False),
                ],
                limit=1,
            )
            last = env["hotline.call"].search(
                [("user_id", "=", user.id), ("ended_at", "!=", False)],
                order="ended_at desc",
                limit=1,
            )
            return acd.Agent(
                user_id=user.id,
                extension=user.hotline_extension,
                name=user.name,
                logged_in=state != "logged_out",
                # a wrap-up until Ready pauses the agent in their queues
                paused=state == "paused" or bool(user.hotline_wrapup_paused),
                in_call=bool(busy),
                last_call_end=last.ended_at.replace(tzinfo=UTC).timestamp()
                if last
                else 0.0,
            )

    def wrapup_seconds(self, queue):
        """The queue's wrap-up time (Asterisk's ``wrapuptime``), 0 when unknown."""
        if not queue:
            return 0
        with self.env() as env:
            record = env["hotline.queue"].search([("code", "=", queue)], limit=1)
            return record.wrapup_time or 0

    def _request(self, ctx):
        """What the add-ons' IVR hooks get about the call."""
        return {
            "caller": ctx.caller,
            "did": ctx.did,
            "language": ctx.language,
            "linkedid": ctx.linkedid,
            "flow_id": self.flow_id,
            "variables": dict(ctx.variables),
        }

    def run_service(self, name, ctx):
        """A business query registered by an add-on (see ``hotline.ivr.flow``)."""
        request = self._request(ctx)
        try:
            with self.env() as env:
                return env["hotline.ivr.flow"]._hotline_run_service(name, request)
        except Exception as exc:
            # the service's transaction is rolled back: the failure is told in
            # a cursor of its own, then the engine sends the call to the fallback
            self._service_failed(name, request, exc)
            raise

    def fax_on_demand(self, ctx, document, box, number):
        """Fax on demand: ``hotline.fax._hotline_fax_on_demand`` queues the
        fax (the connector's fax agent sends it)."""
        request = self._request(ctx)
        with self.env() as env:
            return env["hotline.fax"]._hotline_fax_on_demand(
                request, document, box, number
            )

    def _service_failed(self, name, request, exc):
        try:
            with self._env_now() as env:
                env["hotline.ivr.flow"]._hotline_ivr_service_failed(name, request, exc)
        except Exception:
            _logger.exception("IVR: the failure of service %s was not recorded", name)

    def notices(self, ctx):
        """The notices for this caller, from the add-ons (``hotline.ivr.flow.
        _hotline_ivr_notices``)."""
        request = self._request(ctx)
        with self.env() as env:
            return env["hotline.ivr.flow"]._hotline_ivr_notices(request)

    def notices_heard(self, ctx, outcome, reference, seconds):
        """Recorded behind the call: the caller does not wait for it (a
        ``hung_up`` after ``served`` waits for the first write)."""
        self._behind(
            self._notices_heard, self._request(ctx), outcome, reference, seconds
        )

    def _notices_heard(self, env, request, outcome, reference, seconds):
        env["hotline.ivr.flow"]._hotline_ivr_notices_heard(
            request, outcome, reference, seconds
        )

    def _call(self, env, ctx):
        domain = [("linkedid", "=", ctx.linkedid)] if ctx.linkedid else []
        if not domain:
            return env["hotline.call"]
        if self.pbx_id:
            domain.append(("pbx_id", "=", self.pbx_id))
        return env["hotline.call"].search(domain, limit=1)

    def store_rating(self, ctx, digit, rating):
        self._behind(self._store_rating, ctx, digit, rating)

    def _store_rating(self, env, ctx, digit, rating):
        call = self._call(env, ctx)
        if not call:
            _logger.warning(
                "IVR rating %s for %s: no call with Linkedid %s",
                rating,
                ctx.caller,
                ctx.linkedid,
            )
            return
        call._hotline_store_rating(digit)

    # -- keypad surveys (hotline.ivr.flow._hotline_questionnaire_*) -------------
    def questionnaire_start(self, ctx, node):
        """The survey's answer record, created at once (its token back)."""
        request = self._request(ctx)
        with self.env() as env:
            request["call_id"] = self._call(env, ctx).id or False
            return env["hotline.ivr.flow"]._hotline_questionnaire_start(
                request, node.get("survey")
            )

    def questionnaire_answer(self, ctx, token, question_id, value):
        """Written at once: a hang-up after it keeps the answer."""
        request = self._request(ctx)
        with self.env() as env:
            env["hotline.ivr.flow"]._hotline_questionnaire_answer(
                request, token, question_id, value
            )

    def questionnaire_done(self, ctx, token):
        request = self._request(ctx)
        with self.env() as env:
            env["hotline.ivr.flow"]._hotline_questionnaire_done(request, token)

    def on_queue(self, ctx, queue):
        """Mark the call queued before Queue() (behind the call: the waiting
        list shows it) and return the queue's Queue() options, kept on the call
        (the CTI panel's attended transfer needs "t"): read with the flow, at
        most CHANNELS_TTL seconds old. None (defaults) for a queue Odoo does
        not know."""
        options = self.cache.queue_options.get(queue)
        stored = "c" + (DEFAULT_APP_OPTIONS if options is None else options)
        self._behind(self._on_queue, ctx, queue, fields.Datetime.now(), stored)
        return options

    def _on_queue(self, env, ctx, queue, now, options):
        call = self._call(env, ctx)
        record = env["hotline.queue"].search([("code", "=", queue)], limit=1)
        if call and record:
            vals = {
                "queue_id": record.id,
                "ivr_flow_id": self.flow_id,
                "queue_options": options,
            }
            if not call.queued_at:
                vals["queued_at"] = now
            call.write(vals)


def calendar_is_open(calendar, when):
    """Whether ``when`` (aware UTC) falls in the calendar's working time.

    Public holidays and closures are the calendar's leaves without a resource
    (``resource.calendar.leaves``, type Absence): ``_work_intervals_batch``
    removes them. Adjusted working days (调休, a weekend worked in exchange for
    a holiday) are entries of type *Other* on the calendar without a resource:
    their period counts as working time.
    """
    naive = when.astimezone(UTC).replace(tzinfo=None)
    adjusted = calendar.env["resource.calendar.leaves"].search_count(
        [
            ("calendar_id", "=", calendar.id),
            ("resource_id", "=", False),
            ("time_type", "=", "other"),
            ("date_from", "<=", naive),
            ("date_to", ">", naive),
        ],
        limit=1,
    )
    if adjusted:
        return True
    start = when - timedelta(seconds=1)
    end = when + timedelta(seconds=1)
    intervals = calendar._work_intervals_batch(start, end)[False]
    return any(s <= when < e for s, e, _meta in intervals)


def campaign_flow_result(ctx, variables):
    """What a campaign's callee did in the flow: ``(result, keys)``.

    ``hung_up_early`` when they hung up before the flow ended,
    ``pressed_key`` when the flow collected something from them (a menu
    choice, digits: the variables the flow added, in ``keys``),
    ``heard_all`` otherwise."""
    added = {
        k: v
        for k, v in ctx.variables.items()
        if k not in variables and v not in ("", None)
    }
    # menu choices: the trace's "option_<digit>" outcomes
    options = [
        outcome[len("option_") :]
        for _flow, _node, outcome in ctx.trace
        if str(outcome).startswith("option_")
    ]
    keys = ",".join(options + [f"{k}={v}" for k, v in sorted(added.items())])
    if ctx.result == "caller_hangup":
        return "hung_up_early", keys
    if added or options:
        return "pressed_key", keys
    return "heard_all", keys


def _did_of(session):
    params = getattr(session, "params", {}) or {}
    env = getattr(session, "env", {}) or {}
    dnid = env.get("agi_dnid", "")
    return (
        params.get("did")
        or env.get("agi_extension", "")
        or (dnid if dnid != "unknown" else "")
    )


def _channels_of(env, pbx_id):
    """The PBX's channel templates for the IVR (its defaults without a PBX)."""
    Pbx = env["hotline.pbx"]
    pbx = Pbx.browse(pbx_id).exists() if pbx_id else Pbx
    if pbx:
        return pbx._hotline_ivr_channels()
    defaults = Pbx.default_get(["agent_channel_template", "trunk_channel_template"])
    return {
        "agent": defaults["agent_channel_template"],
        "trunk": defaults["trunk_channel_template"],
    }


def make_agi_handler(registry, pbx_id, cache=None):
    """``handler(session)`` running the DID's IVR flow (see module docstring)."""
    cache = cache or FlowCache()

    def load(did):
        """``(flow id, snapshot)`` of the number; the last known one when the
        database fails."""
        flow_id = snapshot = None
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                found = env["hotline.ivr.flow"]._hotline_flow_for_number(did)
                if found:
                    flow_id, version = found
                    flow = env["hotline.ivr.flow"].browse(flow_id)
                    snapshot = cache.snapshot(flow, version)
                    cache.read_channels(env, pbx_id)
            with cache.lock:
                cache.by_did[did] = (flow_id, snapshot)
        except Exception:
            _logger.exception("IVR: cannot load the flow of %s", did)
            with cache.lock:
                flow_id, snapshot = cache.by_did.get(did, (None, None))
        return flow_id, snapshot

    def prepare(did, session, out):
        flow_id, snapshot = load(did)
        backend = None
        if snapshot is not None:
            backend = OdooIvrBackend(registry, pbx_id, cache, flow_id)
            engine = IvrEngine(snapshot, backend)
            backend.read_ahead(engine.caller_of(session), engine.calendars())
        out.extend((flow_id, snapshot, backend))

    def campaign(session):
        """An outbound campaign's answered callee (dialplan context of
        ``hotline.pbx.campaign_context``, ``agi://.../campaign?flow=&attempt=``):
        the campaign's flow with the contact's variables, then what the
        callee did is written on the attempt."""
        params = getattr(session, "params", {}) or {}
        attempt_id = int(params.get("attempt") or 0)
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                flow = env["hotline.ivr.flow"].browse(int(params.get("flow") or 0))
                flow = flow.exists()
                snapshot = cache.snapshot(flow) if flow else None
                cache.read_channels(env, pbx_id)
                variables = env["hotline.campaign.contact"].hotline_flow_variables(
                    attempt_id
                )
        except Exception:
            _logger.exception("IVR: cannot load campaign attempt %s", attempt_id)
            snapshot = None
        if snapshot is None:
            session.set_variable("HOTLINE_AGI_ERROR", "NoFlow")
            return None
        backend = OdooIvrBackend(registry, pbx_id, cache, flow.id)
        ctx = IvrEngine(snapshot, backend, channels=cache.channels).run(
            session, variables=variables
        )
        flow_result, digits = campaign_flow_result(ctx, variables)
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["hotline.campaign.attempt"].hotline_flow_result(
                    attempt_id, flow_result, digits
                )
        except Exception:
            _logger.exception("IVR: flow result of attempt %s not written", attempt_id)
        return ctx

    def handler(session):
        if getattr(session, "script", "") == "campaign":
            return campaign(session)
        did = _did_of(session)
        with cache.lock:
            known = cache.by_did.get(did, (None, None))[1] is not None
        answered = False
        loaded = []
        if known:
            # the number had a flow on its last call: Asterisk answers while
            # the flow's version is checked and the caller looked up (profiled:
            # these reads were the slow tail of the first step under load)
            loader = threading.Thread(
                target=prepare, args=(did, session, loaded), name="ivr-load"
            )
            loader.start()
            try:
                session.answer()
            finally:
                loader.join()
            answered = True
        else:
            prepare(did, session, loaded)
        _flow_id, snapshot, backend = loaded
        if snapshot is None:
            # the shipped dialplan tests this variable after AGI() and sends the
            # caller to its fallback (queue, then voicemail)
            _logger.warning("IVR: no flow for the number %s, back to the dialplan", did)
            session.set_variable("HOTLINE_AGI_ERROR", "NoFlow")
            return None
        return IvrEngine(snapshot, backend, channels=cache.channels).run(
            session, answered=answered
        )

    handler.cache = cache
    return handler
