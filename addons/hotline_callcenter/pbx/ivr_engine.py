# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""IVR engine: runs one flow snapshot over a FastAGI session.

Plain Python, no ORM. The Odoo side (``cli/ivr_backend.py``) turns a
``hotline.ivr.flow`` into a *snapshot* (a dict) and gives the engine a *backend*
object for the facts only the database knows (business hours, caller lookup,
blacklist, first-contact agent, ratings). Tests give a fake session and a fake
backend.

Snapshot format::

    {
        "id": 1, "name": "Gas utility",
        "languages": ["zh_CN", "en_US"], "default_language": "zh_CN",
        "start": "welcome",
        "fallback": {"type": "queue", "queue": "complaints"}
                 or {"type": "voicemail", "mailbox": "100@default"},
        "nodes": {"welcome": {"type": "play", "prompt": {"zh_CN": "hl/welcome"},
                              "next": "menu"}, ...},
        "digits": {"zh_CN": {"0": "hotline/zh_CN/digit_0", ...}, ...},
    }

``digits`` (optional): the sound of each digit per language, used to read
digit strings (case numbers) in the caller's language; without it Asterisk's
``SAY DIGITS`` reads them in the channel's language, set to the caller's first.

How the call ended, when the IVR ended it, goes to the correlator in the
channel variable :data:`END_VARIABLE` (set before the hang-up, so it reaches
AMI as a ``VarSet`` event and in the ``ChanVariable`` lines of later events):
``refused_blacklist`` or ``ended_by_ivr``; a caller who hangs up in the IVR
leaves it unset (abandoned).

Node keys common to every type: ``type``, ``prompt`` ({lang: sound}), ``next``.
Per type:

* ``play``: plays ``prompt`` then ``next``.
* ``menu``: ``options`` {digit: node key}, ``timeout_ms``, ``retries_no_input``,
  ``retries_invalid``, ``no_input_prompt``, ``invalid_prompt``, ``on_fail``
  (node after the last retry; the flow's fallback when empty).
* ``collect``: ``min_digits``, ``max_digits``, ``terminator`` (``#``), ``timeout_ms``,
  ``variable``, the same retry keys as ``menu``; ``decimal_star``: ``*`` is
  accepted among the digits (a decimal point, e.g. a meter reading ``1234*5``;
  the service reading the variable checks it), the terminator must then be
  ``#``.
* ``language``: ``language`` then ``next`` (the caller's language switch).
* ``condition``: ``condition`` in :data:`CONDITIONS`, ``value`` (DID, language,
  calendar id), ``branches`` {outcome: node key}, ``next`` when no branch matches.
  ``blacklist``: ``warn_prompt`` is played before the ``warn`` branch,
  ``refuse_prompt`` before the ``refuse`` branch; a refused caller with no
  ``refuse`` branch is hung up on.
* ``lookup``: ``source`` ``caller`` or ``variable`` (+ ``variable``); branches
  ``found``/``not_found``.
* ``subflow``: ``flow_id``; the sub-flow's ``return`` node comes back to ``next``.
* ``return``: back to the calling flow (hang up when there is none).
* ``transfer``: ``target_type`` queue/agent/external/mobile, ``target``,
  ``check_blacklist`` (a warned caller hears ``warn_prompt`` and goes on, a
  refused one hears ``refuse_prompt`` and is hung up on),
  ``timeout`` (seconds, the maximum wait), ``vip_queue``, ``first_contact_days``
  (the agent who served the caller within that many days gets the call when
  logged in, free and out of the queue's wrap-up time, ``backend.wrapup_seconds``
  after their last call; else the queue with priority);
  ``next`` runs after the agent hung up with the caller still on the line (the
  survey), ``on_fail`` is the overflow (voicemail, mobile, backup queue).
* ``voicemail``: ``mailbox``.
* ``service``: a business query run by an add-on (case result, balance, ...):
  ``service`` names it, ``prompt`` is played first (e.g. "please wait"),
  ``backend.run_service(service, ctx)`` answers with a :class:`ServiceResult`
  (or a dict with the same keys, or an outcome string); its ``variables`` are
  added to ``ctx.variables``, its ``play`` items are played (``{"prompt":
  {lang: sound}}``, ``{"digits": "123"}`` read with SayDigits, ``{"number":
  12}`` with SayNumber, ``{"sounds": [sound, ...]}`` in one Playback, e.g.
  an amount from the speller's digit and unit prompts), then ``branches``
  {outcome: node key} picks the next node, ``next`` for any other outcome.
  A service that raises sends the call to the flow's fallback, like any
  failure.
* ``notices``: announcements for this caller (outage notices, ...):
  ``backend.notices(ctx)`` answers ``{"play": [items], "reference": ...}``
  (or the list of items); when there are some, ``prompt`` (an introduction)
  and the items are played (items as for ``service``), then ``next``.
  ``backend.notices_heard(ctx, outcome, reference, seconds)`` records that the
  caller heard them: ``served`` at the end of the node, ``hung_up`` when the
  caller hangs up during them or in the node right after (before it ends):
  the callers who only wanted the notice (deflection).
* ``survey``: post-call rating; ``options`` default 1/2/3/0, stored through the
  backend; ``next`` afterwards.
* ``questionnaire``: a keypad survey (an Odoo survey, hotline_survey's
  "Survey" node): ``survey`` (its id), ``questions`` in order, each
  ``{"id", "type": "simple_choice"|"scale", "prompt": {lang: sound},
  "answer_prompts": [{lang: sound}, ...], "keys": {digit: value},
  "only_if": [answer ids]}``, and the retry keys of ``menu`` (``timeout_ms``,
  ``retries_no_input``, ``retries_invalid``, ``no_input_prompt``,
  ``invalid_prompt``). ``prompt`` (an introduction) is played first, then
  ``token = backend.questionnaire_start(ctx, node)``. Per question: its
  ``prompt`` then its ``answer_prompts`` ("press 1 for 满意 ..."), a key
  pressed during them answers at once (barge-in), else one key is read after
  the last; a key of ``keys`` is stored at once with
  ``backend.questionnaire_answer(ctx, token, question id, value)`` (a hang-up
  later keeps it) and in ``ctx.variables["survey_q<id>"]`` (the digit); no
  input or invalid keys after the retries skip the question (stored with the
  value ``None``) and the survey goes on. ``only_if``: the question is asked
  only when one of these answers (of an earlier simple-choice question) was
  chosen (Odoo's conditional questions). At the end, when at least one
  question was answered, ``backend.questionnaire_done(ctx, token)`` and the
  ``thanks_prompt``; then ``next``. Outcomes: ``survey_done`` (every question
  asked was answered), ``survey_partial`` (some skipped), ``survey_unanswered``
  (none answered: the survey is not completed). A hang-up mid-survey ends the
  call as any hang-up: the answers given stay, the survey is not completed.
  A failure to store an answer is logged, the survey goes on.
* ``hangup``.
"""

import dataclasses
import logging
import re
import time

from . import acd
from .queues_conf import APP_OPTION_LETTERS, DEFAULT_APP_OPTIONS

try:  # engineer B's FastAGI module; the engine only needs the exception type
    from .fastagi import AgiHangup
except ImportError:  # pragma: no cover - before the connector lands

    class AgiHangup(Exception):
        """The caller hung up."""


_logger = logging.getLogger(__name__)

NODE_TYPES = (
    "play",
    "menu",
    "collect",
    "language",
    "condition",
    "lookup",
    "subflow",
    "return",
    "transfer",
    "voicemail",
    "survey",
    "questionnaire",
    "service",
    "notices",
    "fax_on_demand",
    "hangup",
)
CONDITIONS = (
    "business_hours",
    "vip",
    "category",
    "blacklist",
    "did",
    "language",
    "first_contact",
    "known_caller",
)
TERMINAL_TYPES = ("hangup", "voicemail", "return")
RATING_DIGITS = {
    "1": "satisfied",
    "2": "neutral",
    "3": "dissatisfied",
    "0": "complaint",
}
MAX_STEPS = 500
MAX_SUBFLOW_DEPTH = 5
SAY_DIGITS = frozenset("0123456789*#")
# a sound a service may play: hotline/zh_CN/say_5 (no Playback separators)
_SOUND_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]{0,199}$")
DIGIT_KEYS = frozenset("0123456789")
# a collect node whose ``*`` is a decimal point
DECIMAL_KEYS = DIGIT_KEYS | {"*"}
# channel variable telling the correlator why the IVR ended the call
END_VARIABLE = "HOTLINE_IVR_END"
END_REFUSED = "refused_blacklist"
END_BY_IVR = "ended_by_ivr"
END_REASONS = (END_REFUSED, END_BY_IVR)
# outcome of a notices node that played notices
NOTICES_PLAYED = "notices_played"
# keys that interrupt a keypad survey's question and answer prompts (barge-in);
# * and # are read by GET DATA after them (# alone: no input)
LEAD_ESCAPE_DIGITS = "0123456789"
# outcomes of a questionnaire (keypad survey) node
SURVEY_DONE = "survey_done"
SURVEY_PARTIAL = "survey_partial"
SURVEY_UNANSWERED = "survey_unanswered"
# nodes whose blacklist handling plays these prompts (validate_snapshot)
BLACKLIST_PROMPTS = ("warn_prompt", "refuse_prompt")


class FlowError(Exception):
    """The flow snapshot is broken (missing node, unknown type, too deep)."""


class GoFallback(Exception):
    """Retries exhausted and the node has no ``on_fail``: the flow's fallback."""


@dataclasses.dataclass
class ServiceResult:
    """What a business query (``service`` node) answers.

    ``outcome`` selects the branch; ``variables`` are kept on the call for the
    following nodes; ``play`` is said to the caller before the branch.
    """

    outcome: str
    variables: dict = dataclasses.field(default_factory=dict)
    play: list = dataclasses.field(default_factory=list)

    @classmethod
    def coerce(cls, value):
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, dict):
            return cls(
                str(value.get("outcome") or ""),
                dict(value.get("variables") or {}),
                list(value.get("play") or []),
            )
        raise FlowError(f"a service answered {value!r}, not a result")


class IvrBackend:
    """Facts from the database. The default answers mean "nothing known"."""

    def load_flow(self, flow_id):
        raise FlowError(f"no flow {flow_id}")

    def prefetch(self, ctx, calendars=()):
        """Facts the call will likely need (the caller's customer record, the
        business hours of ``calendars``), read while Asterisk answers."""

    def is_business_hours(self, calendar_id, ctx):
        return True

    def lookup_caller(self, number):
        """Return ``{"partner_id", "name", "is_vip", "category"}`` or None."""
        return

    def check_blacklist(self, number):
        """Return None or ``{"action": "warn_continue"|"refuse", "prompt": ...}``."""
        return

    def last_agent(self, number, days):
        """The agent who last served ``number`` within ``days``: ``acd.Agent``."""
        return

    def wrapup_seconds(self, queue):
        """The queue's wrap-up time: an agent is not rung again before it ends."""
        return 0

    def run_service(self, name, ctx):
        """Run the business query ``name`` with ``ctx.variables``.

        Returns a :class:`ServiceResult` (or a dict/outcome string).
        """
        raise FlowError(f"no IVR service {name!r}")

    def fax_on_demand(self, ctx, document, box, number):
        """Queue the fax of ``document`` from ``box`` to ``number``: the
        outcome ``queued`` or ``invalid_number``."""
        raise FlowError("fax on demand is not available")

    def notices(self, ctx):
        """Notices for this caller: ``{"play": [items], "reference": any}``."""
        return {}

    def notices_heard(self, ctx, outcome, reference, seconds):
        """The caller heard the notices (``served``) or hung up during them or
        right after (``hung_up``)."""

    def queue_agents(self, queue):
        """Members of a queue as ``acd.Agent`` (used for agent transfers)."""
        return []

    def store_rating(self, ctx, digit, rating):
        """Store the post-call rating."""

    def questionnaire_start(self, ctx, node):
        """A keypad survey (``questionnaire`` node) starts: the token that
        identifies its answers in the next calls."""
        raise FlowError(f"no keypad survey {node.get('survey')!r}")

    def questionnaire_answer(self, ctx, token, question_id, value):
        """Store one answer (``value`` from the question's ``keys``), or a
        skipped question (``value`` None), at once."""

    def questionnaire_done(self, ctx, token):
        """The keypad survey ended with at least one answer: completed."""

    def on_queue(self, ctx, queue):
        """The caller is about to join ``queue`` (agents see them waiting).

        Returns the queue's ``Queue()`` option letters (``queues_conf.
        app_options``; ``c`` is the engine's own), None for the defaults."""
        return

    def log_step(self, ctx, node_key, node, outcome):
        """Called after every node (tests and statistics)."""

    def finish(self, ctx):
        """The call leaves the IVR: writes still running must end now."""


class CallContext:
    """What the engine knows about one call."""

    def __init__(self, session, flow, backend):
        env = getattr(session, "env", {}) or {}
        params = getattr(session, "params", {}) or {}
        self.session = session
        self.backend = backend
        self.caller = IvrEngine.caller_of(session)
        self.did = (
            params.get("did") or env.get("agi_dnid") or env.get("agi_extension", "")
        )
        self.uniqueid = env.get("agi_uniqueid", "")
        self.linkedid = env.get("agi_linkedid", "") or self.uniqueid
        self.languages = list(flow.get("languages") or ["zh_CN"])
        self.language = flow.get("default_language") or self.languages[0]
        # Asterisk's language of the channel (SAY DIGITS/NUMBER use it)
        self.channel_language = env.get("agi_language", "") or ""
        self.refused = False  # refused by the blacklist
        self.end_reason = None  # value of END_VARIABLE once set
        self.variables = {}
        self.caller_info = None  # dict from backend.lookup_caller
        self._caller_looked_up = False
        self._blacklist = None
        self._blacklist_checked = False
        self.trace = []  # (flow id, node key, outcome)
        self.queue = None
        self.queue_options = None  # the Queue() options the caller got
        self.agent = None
        self.rating = None
        self.result = None  # final outcome: transferred/voicemail/hangup/...
        self.notices = None  # {"reference", "started"} once notices were played
        # the keypad survey: {"survey", "token", "answers": {id: value}, "skipped"}
        self.questionnaire = None

    # lazily fetched facts: each costs a database round trip in production
    def caller_facts(self):
        if not self._caller_looked_up:
            self._caller_looked_up = True
            self.caller_info = (
                self.backend.lookup_caller(self.caller) if self.caller else None
            )
        return self.caller_info

    def blacklist(self):
        if not self._blacklist_checked:
            self._blacklist_checked = True
            self._blacklist = (
                self.backend.check_blacklist(self.caller) if self.caller else None
            )
        return self._blacklist

    @property
    def is_vip(self):
        info = self.caller_facts()
        return bool(info and info.get("is_vip"))


class IvrEngine:
    """Run a flow over one AGI session. ``run()`` never raises, except hangup.

    ``channels``: the PBX's channel templates (``hotline.pbx.
    _hotline_ivr_channels``): ``agent`` (``{extension}``) dials an agent's
    phone, ``trunk`` (``{number}``) an outside number; a node's own
    ``dial_pattern`` wins. Without them, those of the shipped dialplan.
    """

    def __init__(self, flow, backend=None, clock=time.time, channels=None):
        self.flow = flow
        self.backend = backend or IvrBackend()
        self.clock = clock
        self.channels = {
            "agent": "PJSIP/{extension}",
            "trunk": "PJSIP/{number}@trunk",
            **(channels or {}),
        }

    # ------------------------------------------------------------------ run
    def run(self, session, answered=False, variables=None):
        """``answered``: the caller already answered the channel (and had
        the backend read ahead). ``variables``: known before the flow starts
        (an outbound campaign's contact: amount, months...)."""
        ctx = CallContext(session, self.flow, self.backend)
        ctx.variables.update(variables or {})
        try:
            if not answered:
                self.backend.prefetch(ctx, self.calendars())
                session.answer()
            self._run_flow(ctx, self.flow, depth=0)
            if ctx.end_reason is None and ctx.result not in ("voicemail", "answered"):
                # the flow ran out of nodes: the dialplan hangs up after the AGI
                self._end(ctx, END_REFUSED if ctx.refused else END_BY_IVR)
                ctx.result = ctx.result or "ended"
        except AgiHangup:
            ctx.result = ctx.result or "caller_hangup"
            if ctx.trace and ctx.trace[-1][2] == NOTICES_PLAYED:
                # hung up in the node after the notices, before it ended
                self._notices_heard(ctx, "hung_up")
        except GoFallback as exc:
            _logger.info("IVR caller %s: %s, to the fallback", ctx.caller, exc)
            ctx.trace.append((self.flow.get("id"), None, "fallback"))
            self._fallback(ctx)
        except Exception:
            _logger.exception(
                "IVR flow %s failed for caller %s: sending the call to the fallback",
                self.flow.get("name") or self.flow.get("id"),
                ctx.caller,
            )
            ctx.trace.append((self.flow.get("id"), None, "error"))
            self._fallback(ctx)
        finally:
            self.backend.finish(ctx)
        return ctx

    @staticmethod
    def caller_of(session):
        """The caller's number as :class:`CallContext` reads it."""
        caller = (getattr(session, "env", {}) or {}).get("agi_callerid", "") or ""
        return "" if caller in ("unknown", "anonymous") else caller

    def calendars(self):
        """Calendars of the flow's business-hours conditions."""
        return sorted(
            {
                node.get("value")
                for node in (self.flow.get("nodes") or {}).values()
                if node.get("condition") == "business_hours"
            },
            key=str,
        )

    def _fallback(self, ctx):
        fallback = self.flow.get("fallback") or {}
        try:
            if fallback.get("type") == "voicemail" and fallback.get("mailbox"):
                ctx.session.exec_("VoiceMail", f"{fallback['mailbox']},u")
                ctx.result = "fallback_voicemail"
            elif fallback.get("queue"):
                ctx.queue = fallback["queue"]
                try:
                    options = self.backend.on_queue(ctx, ctx.queue)
                except Exception:  # the fallback must work with the database down
                    _logger.exception(
                        "IVR fallback: options of queue %s unreadable, defaults used",
                        ctx.queue,
                    )
                    options = None
                self._queue(ctx, ctx.queue, options)
                ctx.result = "fallback_queue"
            else:
                _logger.error("IVR flow %s has no fallback", self.flow.get("id"))
                ctx.result = "fallback_missing"
        except AgiHangup:
            ctx.result = ctx.result or "caller_hangup"
        except GoFallback as exc:
            _logger.info("IVR caller %s: %s, to the fallback", ctx.caller, exc)
            ctx.trace.append((self.flow.get("id"), None, "fallback"))
            self._fallback(ctx)
        except Exception:
            _logger.exception("IVR fallback failed for caller %s", ctx.caller)
            ctx.result = "fallback_failed"

    def _run_flow(self, ctx, flow, depth):
        if depth > MAX_SUBFLOW_DEPTH:
            raise FlowError("sub-flows nested too deep")
        nodes = flow.get("nodes") or {}
        key = flow.get("start")
        steps = 0
        while key:
            steps += 1
            if steps > MAX_STEPS:
                raise FlowError(f"flow {flow.get('id')} runs in a loop")
            node = nodes.get(key)
            if node is None:
                raise FlowError(f"flow {flow.get('id')}: no node {key!r}")
            handler = getattr(self, "_node_" + node.get("type", ""), None)
            if handler is None:
                raise FlowError(f"node {key!r}: unknown type {node.get('type')!r}")
            outcome, next_key = handler(ctx, node, depth)
            ctx.trace.append((flow.get("id"), key, outcome))
            self.backend.log_step(ctx, key, node, outcome)
            if outcome == "return" and node.get("type") == "return":
                return "return"
            key = next_key
        return "end"

    # ------------------------------------------------------------ helpers
    def _prompt(self, ctx, prompt):
        """The sound for the caller's language (default language otherwise)."""
        if not prompt:
            return ""
        if isinstance(prompt, str):
            return prompt
        return (
            prompt.get(ctx.language)
            or prompt.get(self.flow.get("default_language") or "")
            or next(iter(prompt.values()), "")
        )

    def _channel_language(self, ctx):
        """Asterisk's channel language follows the caller's (its own sounds,
        SAY DIGITS/NUMBER): zh_CN -> zh."""
        wanted = ctx.language.split("_")[0]
        if ctx.channel_language != wanted:
            ctx.session.set_variable("CHANNEL(language)", wanted)
            ctx.channel_language = wanted

    def _end(self, ctx, reason):
        """Tell the correlator why the IVR ends the call (before the last prompt:
        a caller hanging up during it was still refused / sent off)."""
        if ctx.end_reason != reason:
            ctx.session.set_variable(END_VARIABLE, reason)
            ctx.end_reason = reason

    def _hangup(self, ctx, prompt=None):
        self._end(ctx, END_REFUSED if ctx.refused else END_BY_IVR)
        self._play(ctx, prompt)
        ctx.session.hangup()

    def _play(self, ctx, prompt, escape_digits=""):
        sound = self._prompt(ctx, prompt)
        if not sound:
            return ""
        return ctx.session.stream_file(sound, escape_digits) or ""

    def _fail_target(self, node):
        return node.get("on_fail") or None

    def _ask(self, ctx, node, max_digits, validate, lead=()):
        """Prompt, read digits, retry on no input/invalid input.

        ``lead``: prompts played before the node's ``prompt``, each time it is
        asked; a digit pressed during one of them is the answer (one-key
        questions: ``max_digits`` 1).

        Returns ``(outcome, digits)`` with outcome ``ok``, ``no_input`` or
        ``invalid`` (the last two after the last retry).
        """
        timeout_ms = int(node.get("timeout_ms") or 5000)
        retries_no_input = int(node.get("retries_no_input", 2))
        retries_invalid = int(node.get("retries_invalid", 2))
        no_input = invalid = 0
        prompt = node.get("prompt")
        while True:
            digits = ""
            for sound in lead:
                digits = self._play(ctx, sound, LEAD_ESCAPE_DIGITS)
                if digits:
                    break
            if not digits:
                digits, _timed_out = ctx.session.get_data(
                    self._prompt(ctx, prompt), timeout_ms, max_digits
                )
            digits = (digits or "").strip()
            terminator = node.get("terminator") or ""
            if terminator and digits.endswith(terminator):
                digits = digits[: -len(terminator)]
            if not digits:
                no_input += 1
                if no_input > retries_no_input:
                    return "no_input", ""
                self._play(ctx, node.get("no_input_prompt"))
                continue
            if not validate(digits):
                invalid += 1
                if invalid > retries_invalid:
                    return "invalid", digits
                self._play(ctx, node.get("invalid_prompt"))
                continue
            return "ok", digits

    # -------------------------------------------------------------- nodes
    def _node_play(self, ctx, node, depth):
        self._play(ctx, node.get("prompt"))
        return "played", node.get("next")

    def _node_menu(self, ctx, node, depth):
        options = node.get("options") or {}
        outcome, digit = self._ask(ctx, node, 1, lambda d: d in options)
        if outcome == "ok":
            return "option_" + digit, options[digit]
        return outcome, self._fail_target(node) or self._raise_fallback(node)

    def _node_collect(self, ctx, node, depth):
        min_digits = int(node.get("min_digits") or 1)
        max_digits = int(node.get("max_digits") or 20)
        allowed = DECIMAL_KEYS if node.get("decimal_star") else DIGIT_KEYS

        def valid(digits):
            return set(digits) <= allowed and min_digits <= len(digits) <= max_digits

        outcome, digits = self._ask(ctx, node, max_digits, valid)
        if outcome == "ok":
            ctx.variables[node.get("variable") or "digits"] = digits
            return "collected", node.get("next")
        return outcome, self._fail_target(node) or self._raise_fallback(node)

    def _raise_fallback(self, node):
        raise GoFallback(f"retries exhausted on node {node.get('name') or ''}")

    def _node_language(self, ctx, node, depth):
        language = node.get("language")
        if language in ctx.languages:
            ctx.language = language
            self._channel_language(ctx)
        return "language_" + (language or ""), node.get("next")

    def _node_condition(self, ctx, node, depth):
        outcome = self._evaluate(ctx, node)
        branches = node.get("branches") or {}
        if node.get("condition") == "blacklist" and outcome != "none":
            if outcome == "refuse":
                ctx.refused = True
                if not branches.get("refuse"):
                    # a refused caller goes nowhere else
                    self._hangup(ctx, node.get("refuse_prompt"))
                    ctx.result = "refused"
                    return "refuse", None
                self._end(ctx, END_REFUSED)
                self._play(ctx, node.get("refuse_prompt"))
            else:
                self._play(ctx, node.get("warn_prompt"))
        return outcome, branches.get(outcome) or node.get("next")

    def _evaluate(self, ctx, node):
        kind = node.get("condition")
        value = node.get("value")
        if kind == "business_hours":
            return "open" if self.backend.is_business_hours(value, ctx) else "closed"
        if kind == "vip":
            return "true" if ctx.is_vip else "false"
        if kind == "category":
            info = ctx.caller_facts() or {}
            return "true" if value and info.get("category") == value else "false"
        if kind == "known_caller":
            return "true" if ctx.caller_facts() else "false"
        if kind == "blacklist":
            entry = ctx.blacklist()
            if not entry:
                return "none"
            if entry.get("action") == "refuse":
                return "refuse"
            return "warn"
        if kind == "did":
            wanted = [v.strip() for v in (value or "").split(",") if v.strip()]
            return "true" if ctx.did in wanted else "false"
        if kind == "language":
            return "true" if ctx.language == value else "false"
        if kind == "first_contact":
            days = int(value or 7)
            agent = self.backend.last_agent(ctx.caller, days) if ctx.caller else None
            return "true" if agent else "false"
        raise FlowError(f"unknown condition {kind!r}")

    def _node_lookup(self, ctx, node, depth):
        if node.get("source") == "variable":
            number = ctx.variables.get(node.get("variable") or "digits", "")
            info = self.backend.lookup_caller(number) if number else None
            if info:
                ctx.caller_info = info
                ctx._caller_looked_up = True
        else:
            info = ctx.caller_facts()
        outcome = "found" if info else "not_found"
        branches = node.get("branches") or {}
        return outcome, branches.get(outcome) or node.get("next")

    def _node_subflow(self, ctx, node, depth):
        sub = self.backend.load_flow(node.get("flow_id"))
        result = self._run_flow(ctx, sub, depth + 1)
        if result == "return":
            return "subflow_returned", node.get("next")
        return "subflow_ended", None

    def _node_return(self, ctx, node, depth):
        if depth == 0:
            self._hangup(ctx)
            ctx.result = ctx.result or "hangup"
            return "hangup", None
        return "return", None

    def _node_voicemail(self, ctx, node, depth):
        self._play(ctx, node.get("prompt"))
        mailbox = node.get("mailbox") or (self.flow.get("fallback") or {}).get(
            "mailbox"
        )
        if not mailbox:
            raise FlowError("voicemail node without a mailbox")
        ctx.session.exec_("VoiceMail", f"{mailbox},u")
        ctx.result = "voicemail"
        return "voicemail", None

    def _node_hangup(self, ctx, node, depth):
        self._hangup(ctx, node.get("prompt"))
        ctx.result = ctx.result or "hangup"
        return "hangup", None

    def _node_survey(self, ctx, node, depth):
        options = node.get("options") or RATING_DIGITS
        outcome, digit = self._ask(ctx, node, 1, lambda d: d in options)
        if outcome != "ok":
            return "survey_" + outcome, node.get("next")
        ctx.rating = options[digit]
        self.backend.store_rating(ctx, digit, options[digit])
        self._play(ctx, node.get("thanks_prompt"))
        return "rated_" + options[digit], node.get("next")

    def _node_questionnaire(self, ctx, node, depth):
        questions = node.get("questions") or []
        if not questions:
            raise FlowError(f"survey node {node.get('name') or ''!r} has no question")
        self._play(ctx, node.get("prompt"))
        token = self.backend.questionnaire_start(ctx, node)
        state = ctx.questionnaire = {
            "survey": node.get("survey"),
            "token": token,
            "answers": {},
            "skipped": [],
        }
        chosen = set()
        for question in questions:
            only_if = question.get("only_if")
            if only_if and not chosen.intersection(only_if):
                continue
            keys = {str(k): v for k, v in (question.get("keys") or {}).items()}
            sounds = [question.get("prompt")] + list(
                question.get("answer_prompts") or []
            )
            sounds = [sound for sound in sounds if sound]
            asked = dict(node, prompt=sounds[-1] if sounds else None)
            outcome, digit = self._ask(
                ctx, asked, 1, lambda d, keys=keys: d in keys, lead=sounds[:-1]
            )
            qid = question.get("id")
            if outcome == "ok":
                value = keys[digit]
                state["answers"][qid] = value
                ctx.variables[f"survey_q{qid}"] = digit
                if question.get("type") == "simple_choice":
                    chosen.add(value)
            else:
                value = None
                state["skipped"].append(qid)
            self._store_answer(ctx, token, qid, value)
        if not state["answers"]:
            return SURVEY_UNANSWERED, node.get("next")
        self.backend.questionnaire_done(ctx, token)
        self._play(ctx, node.get("thanks_prompt"))
        return (SURVEY_PARTIAL if state["skipped"] else SURVEY_DONE), node.get("next")

    def _store_answer(self, ctx, token, question_id, value):
        """An answer that cannot be stored is logged; the survey goes on."""
        try:
            self.backend.questionnaire_answer(ctx, token, question_id, value)
        except AgiHangup:
            raise
        except Exception:
            _logger.exception(
                "IVR: keypad survey answer of %s to question %s not stored",
                ctx.caller,
                question_id,
            )

    def _node_service(self, ctx, node, depth):
        name = node.get("service")
        if not name:
            raise FlowError(f"service node {node.get('name') or ''!r} has no service")
        self._play(ctx, node.get("prompt"))
        result = ServiceResult.coerce(self.backend.run_service(name, ctx))
        for key, value in result.variables.items():
            ctx.variables[str(key)] = "" if value is None else str(value)
        for item in result.play:
            self._say(ctx, item)
        outcome = result.outcome or "done"
        branches = node.get("branches") or {}
        return outcome, branches.get(outcome) or node.get("next")

    def _node_fax_on_demand(self, ctx, node, depth):
        """Fax on demand (传真点播): the node's ``document`` is faxed from its
        ``box`` to the number the caller typed in an earlier ``collect`` node
        (``variable``). ``backend.fax_on_demand`` queues the fax and answers
        ``queued`` (the ``prompt`` is played, then ``next``),
        ``invalid_number`` (the ``invalid_prompt``, then ``on_fail``, else
        ``next``) or ``limit`` (too many faxes asked by this caller or to this
        number today: nothing sent, ``next``)."""
        number = ctx.variables.get(node.get("variable") or "digits", "")
        result = ServiceResult.coerce(
            self.backend.fax_on_demand(
                ctx, node.get("document"), node.get("box"), number
            )
        )
        outcome = result.outcome or "queued"
        if outcome == "queued":
            self._play(ctx, node.get("prompt"))
            return outcome, node.get("next")
        if outcome != "invalid_number":
            return outcome, node.get("next")
        self._play(ctx, node.get("invalid_prompt"))
        return outcome, node.get("on_fail") or node.get("next")

    def _node_notices(self, ctx, node, depth):
        found = self.backend.notices(ctx) or {}
        if isinstance(found, list | tuple):
            found = {"play": found}
        items = list(found.get("play") or [])
        if not items:
            return "no_notices", node.get("next")
        ctx.notices = {"reference": found.get("reference"), "started": self.clock()}
        try:
            self._play(ctx, node.get("prompt"))
            for item in items:
                self._say(ctx, item)
        except AgiHangup:
            self._notices_heard(ctx, "hung_up")
            raise
        self._notices_heard(ctx, "served")
        return NOTICES_PLAYED, node.get("next")

    def _notices_heard(self, ctx, outcome):
        """Tell the backend; a failure to record never breaks the call."""
        notices = ctx.notices or {}
        seconds = max(self.clock() - notices.get("started", self.clock()), 0.0)
        try:
            self.backend.notices_heard(ctx, outcome, notices.get("reference"), seconds)
        except Exception:
            _logger.exception("IVR: notices heard by %s not recorded", ctx.caller)

    def _say(self, ctx, item):
        """Play one item a service asked for: a prompt, digits, a number or
        a list of sounds."""
        if isinstance(item, str):
            item = {"prompt": item}
        if item.get("prompt"):
            self._play(ctx, item["prompt"])
        elif item.get("sounds") is not None:
            self._play_sounds(ctx, item["sounds"])
        elif item.get("digits") is not None:
            digits = "".join(c for c in str(item["digits"]) if c in SAY_DIGITS)
            if digits:
                self._say_digits(ctx, digits)
        elif item.get("number") is not None:
            self._channel_language(ctx)
            ctx.session.say_number(int(item["number"]))

    def _play_sounds(self, ctx, sounds):
        """Sound files in order, in one Playback (no gap between them: an
        amount said from its digit and unit prompts). A name Playback would
        split (``&``, ``,``) or that leaves the sounds folder is refused."""
        if isinstance(sounds, str):
            sounds = [sounds]
        names = [str(sound) for sound in sounds if sound]
        for name in names:
            if not _SOUND_RE.match(name) or ".." in name.split("/"):
                raise FlowError(f"a service asked to play {name!r}")
        if names:
            ctx.session.exec_("Playback", "&".join(names))

    def _say_digits(self, ctx, digits):
        """Digits in the caller's language: the flow's digit prompts in one
        Playback, else Asterisk's digits/N of the channel's language."""
        sounds = (self.flow.get("digits") or {}).get(ctx.language) or {}
        if all(sounds.get(d) for d in digits):
            ctx.session.exec_("Playback", "&".join(sounds[d] for d in digits))
            return
        self._channel_language(ctx)
        ctx.session.say_digits(digits)

    def _node_transfer(self, ctx, node, depth):
        self._play(ctx, node.get("prompt"))
        target_type = node.get("target_type") or "queue"
        session = ctx.session
        if target_type in ("external", "mobile"):
            number = node.get("target") or ctx.variables.get(node.get("variable") or "")
            if not number:
                raise FlowError("transfer without a number")
            dial = (node.get("dial_pattern") or self.channels["trunk"]).format(
                number=number
            )
            return self._dial(ctx, node, dial, "external")
        if target_type == "agent":
            agent = node.get("target")
            return self._dial(ctx, node, self._agent_channel(agent), "agent")
        # queue: decide first (VIP, first contact, blacklist)
        queue = node.get("target")
        blacklist = ctx.blacklist() if node.get("check_blacklist") else None
        last_agent = None
        wrapup = 0
        if (
            node.get("first_contact_days")
            and ctx.caller
            and not ctx.is_vip
            and not (blacklist and blacklist.get("action") == "refuse")
        ):
            last_agent = self.backend.last_agent(
                ctx.caller, int(node.get("first_contact_days"))
            )
            if last_agent is not None:
                # the agent must also be out of the queue's wrap-up time
                wrapup = int(self.backend.wrapup_seconds(queue) or 0)
        decision = acd.route_before_queue(
            queue=queue,
            is_vip=ctx.is_vip,
            vip_queue=node.get("vip_queue"),
            blacklist=blacklist,
            last_agent=last_agent,
            base_priority=int(node.get("priority") or 0),
            now=self.clock(),
            wrapup_seconds=wrapup,
        )
        if decision.action == "refuse":
            ctx.refused = True
            self._hangup(ctx, node.get("refuse_prompt") or decision.refuse_prompt)
            ctx.result = "refused"
            return "refused", None
        if blacklist:
            self._play(ctx, node.get("warn_prompt") or decision.warn_prompt)
        if decision.action == "agent":
            ctx.agent = decision.agent
            outcome, next_key = self._dial(
                ctx,
                node,
                self._agent_channel(decision.agent.extension),
                "first_contact",
            )
            if outcome == "first_contact_answered":
                return outcome, next_key
            # agent did not answer: queue with the first-contact priority
        ctx.queue = decision.queue
        options = self.backend.on_queue(ctx, decision.queue)
        if decision.priority:
            session.set_variable("QUEUE_PRIO", str(decision.priority))
        self._queue(ctx, decision.queue, options, int(node.get("timeout") or 0))
        status = (session.get_variable("QUEUESTATUS") or "").upper()
        if status in ("CONTINUE", ""):
            # the agent hung up, the caller is still here: survey or end
            ctx.result = "answered"
            return "queue_answered", node.get("next")
        ctx.result = "overflow"
        overflow = node.get("on_fail")
        if not overflow:
            raise FlowError(f"queue {decision.queue}: {status} and no overflow")
        return "queue_" + status.lower(), overflow

    def _agent_channel(self, extension):
        return self.channels["agent"].format(extension=extension)

    def _queue(self, ctx, queue, options, timeout=0):
        """``Queue(queue,c<options>[,,,timeout])``: ``c`` so the flow goes on
        (survey) after the agent hangs up; the queue's options, by default
        ``t`` (the agent may transfer: without it the agent's transfer code
        reaches the caller as tones and hanging up cuts the caller off)."""
        if options is None:
            options = DEFAULT_APP_OPTIONS
        if not set(options) <= APP_OPTION_LETTERS:
            _logger.error(
                "IVR: Queue() options %r of %s refused, defaults used", options, queue
            )
            options = DEFAULT_APP_OPTIONS
        args = f"{queue},c{options}"
        if timeout:
            args += f",,,{timeout}"
        ctx.queue_options = "c" + options
        ctx.session.exec_("Queue", args)

    def _dial(self, ctx, node, dial, label):
        ring = int(node.get("ring_timeout") or 30)
        ctx.session.exec_("Dial", f"{dial},{ring},g")
        status = (ctx.session.get_variable("DIALSTATUS") or "").upper()
        if status == "ANSWER":
            ctx.result = "answered"
            return label + "_answered", node.get("next")
        if label == "first_contact":
            return label + "_" + (status.lower() or "noanswer"), None
        ctx.result = "overflow"
        overflow = node.get("on_fail")
        if not overflow:
            raise FlowError(f"dial {dial}: {status} and no overflow")
        return label + "_" + (status.lower() or "noanswer"), overflow


def run_flow(flow, session, backend=None, channels=None):
    """Run ``flow`` over ``session``; returns the :class:`CallContext`."""
    return IvrEngine(flow, backend, channels=channels).run(session)


def node_successors(node):
    """Every node key a node may lead to, with the edge's label."""
    out = []
    for label in ("next", "on_fail"):
        if node.get(label):
            out.append((label, node[label]))
    if node.get("type") in ("menu",):
        for digit, target in (node.get("options") or {}).items():
            out.append(("option " + digit, target))
    for outcome, target in (node.get("branches") or {}).items():
        if target:
            out.append((outcome, target))
    return out


def node_can_end(node):
    """True when the call may leave the flow at this node."""
    kind = node.get("type")
    if kind in ("hangup", "voicemail", "return", "transfer", "subflow"):
        return True
    if kind in ("menu", "collect", "survey") and not node.get("on_fail"):
        return True  # last retry goes to the flow's fallback
    if kind in ("condition", "lookup", "service"):
        return False  # every outcome has a target (``next`` as the default)
    return not node.get("next")


def _edge_problems(nodes):
    problems = []
    for key, node in nodes.items():
        if node.get("type") == "service" and not node.get("service"):
            problems.append(("no_service", key, ""))
        if node.get("type") == "menu":
            options = node.get("options") or {}
            if not options:
                problems.append(("empty_menu", key, ""))
            problems += [
                ("missing_target", key, "option " + digit)
                for digit, target in options.items()
                if not target
            ]
        problems += [
            ("missing_target", key, label)
            for label, target in node_successors(node)
            if target not in nodes
        ]
    return problems


def _reachable(nodes, start):
    seen = {start}
    todo = [start]
    while todo:
        for _label, target in node_successors(nodes[todo.pop()]):
            if target in nodes and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _can_exit(nodes):
    """Nodes from which the call can leave the flow (backwards from the exits)."""
    preds = {key: set() for key in nodes}
    for key, node in nodes.items():
        for _label, target in node_successors(node):
            if target in preds:
                preds[target].add(key)
    can_exit = {key for key, node in nodes.items() if node_can_end(node)}
    # a condition without a default ends the flow on an unset outcome
    can_exit |= {
        key
        for key, node in nodes.items()
        if node.get("type") in ("condition", "lookup", "service")
        and not node.get("next")
    }
    todo = list(can_exit)
    while todo:
        for pred in preds[todo.pop()]:
            if pred not in can_exit:
                can_exit.add(pred)
                todo.append(pred)
    return can_exit


def _silent_blacklist(node):
    """The blacklist prompts a node needs and lacks (a warned or refused
    caller would hear nothing)."""
    kind = node.get("type")
    if (kind == "transfer" and node.get("check_blacklist")) or (
        kind == "condition" and node.get("condition") == "blacklist"
    ):
        return [field for field in BLACKLIST_PROMPTS if not node.get(field)]
    return []


def _prompt_problems(nodes, languages):
    problems = []
    for key, node in nodes.items():
        problems += [("silent_blacklist", key, f) for f in _silent_blacklist(node)]
        for field in (
            "prompt",
            "no_input_prompt",
            "invalid_prompt",
            "thanks_prompt",
        ) + BLACKLIST_PROMPTS:
            prompt = node.get(field)
            if isinstance(prompt, dict):
                problems += [
                    ("missing_prompt", key, lang)
                    for lang in languages
                    if not prompt.get(lang)
                ]
    return problems


def validate_snapshot(flow):
    """Problems of a flow graph: ``[(code, node key, detail), ...]``.

    Codes: ``no_start``, ``missing_target`` (an edge to a node that does not
    exist), ``empty_menu``, ``no_service`` (a service node naming no
    service), ``unreachable``, ``no_exit`` (a loop the caller can
    never leave), ``missing_prompt`` (detail: the language),
    ``silent_blacklist`` (a blacklist check without its warning or refusal
    prompt; detail: ``warn_prompt`` or ``refuse_prompt``).
    """
    nodes = flow.get("nodes") or {}
    if not nodes:
        return []
    start = flow.get("start")
    if start not in nodes:
        return [("no_start", start, "")]
    problems = _edge_problems(nodes)
    seen = _reachable(nodes, start)
    problems += [("unreachable", key, "") for key in nodes if key not in seen]
    can_exit = _can_exit(nodes)
    problems += [
        ("no_exit", key, "") for key in nodes if key in seen and key not in can_exit
    ]
    return problems + _prompt_problems(nodes, flow.get("languages") or [])
