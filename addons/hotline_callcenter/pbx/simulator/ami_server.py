# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An AMI server that answers like Asterisk 22.10.1 (see /work/shared/asterisk).

Framing, banner, Login/Logoff/Ping/Events, EventList responses and error
messages follow the captures ``login_ok``, ``login_bad_secret`` and
``list_actions``; Originate follows ``originate_click2dial_*``.

Configuration files (GetConfig, UpdateConfig, CreateConfig, Reload) follow
Asterisk's ``main/manager.c`` (``action_getconfig``, ``handle_updates``,
``action_updateconfig``, ``action_createconfig``, ``action_reload``,
``is_restricted_file``) and ``main/config.c`` (``ast_variable_update``,
``ast_variable_delete``: names and values compared without case), kept in
memory: :attr:`AmiSimulator.config_files`.
"""

import collections
import contextlib
import copy
import functools
import logging
import os
import posixpath
import random
import socket
import threading
import time
import uuid

from ..ami_protocol import AmiMessage, AmiParser, serialize_pairs
from .app_args import bridge_options
from .callers import DEFAULT_DIDS, CallerMix, IvrScript, IvrScriptMix
from .campaign import CampaignCallee, is_campaign_originate
from .dialplan import Dialplan
from .fax import FaxPeer, is_fax_originate, receive_events, tiff_page_count
from .scenarios import (
    SCENARIOS,
    SYSTEMNAME,
    new_channel_suffix,
    new_uniqueids,
    originate_scenario,
    render,
)
from .voicemail import leave_message

_logger = logging.getLogger(__name__)

BANNER = b"Asterisk Call Manager/11.0.0\r\n"
# include/asterisk/manager.h: struct message keeps at most this many header lines
AST_MAX_MANHEADERS = 128
# the message the caller leaves in queue_ringnoanswer_voicemail (msg0000.txt)
VOICEMAIL_SECONDS = 5
# extensions answering the random traffic unless the caller names its agents
DEFAULT_TRAFFIC_AGENTS = ("8001", "8002", "8003", "8004")
UNKNOWN = (
    "Invalid/unknown command: %s. Use Action: ListCommands to show available commands."
)
# ast_config_AST_CONFIG_DIR; is_restricted_file() refuses paths outside it
CONFIG_DIR = "/etc/asterisk"
# modules ast_module_reload() finds (loader.c matches names without ".so")
RELOADABLE_MODULES = {
    "app_queue",
    "app_voicemail",
    "app_confbridge",
    "chan_pjsip",
    "res_pjsip",
    "manager",
    "pbx_config",
    "res_musiconhold",
    "res_agi",
    "cdr",
    "logger",
}
NOT_RELOADABLE_MODULES = {"app_dial", "app_playback", "app_mixmonitor", "app_chanspy"}
# error texts of handle_updates() results, as action_updateconfig() sends them
UPDATE_ERRORS = {
    "UNKNOWN_ACTION": "Unknown action command",
    "UNKNOWN_CATEGORY": "Given category does not exist",
    "UNSPECIFIED_CATEGORY": "Category not specified",
    "UNSPECIFIED_ARGUMENT": "Problem with category, value, or line (if required)",
    "FAILURE_NEWCAT": "Create category did not complete successfully",
    "FAILURE_UPDATE": "Update did not complete successfully",
    "FAILURE_TEMPLATE": "Template category not found",
}
# header of an event (not part of the channel snapshot it carries)
_EVENT_HEAD = frozenset({"Event", "Privilege", "Timestamp", "SystemName", "ActionID"})
# what a channel's state string carries, in order (manager_channels.c
# ast_manager_build_channel_state_string_prefix); ChanVariable lines follow
CHANNEL_STATE_KEYS = (
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
)
# Originate straight into these applications: a supervisor leg (see
# AmiSimulator._supervisor_originate), not a click-to-dial
SUPERVISOR_APPS = {"chanspy", "confbridge"}
_STATE_DESC = {"0": "Down", "4": "Ring", "5": "Ringing", "6": "Up"}
_SNAPSHOT_SKIP = {"Event", "Privilege", "Timestamp", "SystemName", "ActionID"}
_TRUE = {"yes", "true", "y", "t", "1", "on"}  # ast_true()
_FALSE = {"no", "false", "n", "f", "0", "off"}  # ast_false()


class _UpdateFailed(Exception):
    """handle_updates() stopped: ``args[0]`` is a key of UPDATE_ERRORS."""


def _category(name, lines=(), template=False):
    return {"name": name, "template": template, "lines": [list(x) for x in lines]}


def _need(condition, error):
    if not condition:
        raise _UpdateFailed(error)


def _var_matches(item, var, match):
    """ast_variable_update()/ast_variable_delete(): strcasecmp on both."""
    return item[0].lower() == var.lower() and (
        not match or item[1].lower() == match.lower()
    )


def _upd_newcat(cats, step):
    options = step["options"]
    if "allowdups" not in options and step["found"]:
        if "ignoreerror" in options:
            return
        raise _UpdateFailed("FAILURE_NEWCAT")
    new = _category(step["cat"], template="template" in options)
    for tmpl in filter(None, options.get("inherit", "").split(",")):
        base = [
            c
            for c in cats
            if c["template"] and c["name"].lower() == tmpl.strip().lower()
        ]
        _need(base, "FAILURE_TEMPLATE")
        new["lines"] += copy.deepcopy(base[0]["lines"])
    if step["match"]:  # ast_category_insert(): before the category named so
        before = [i for i, c in enumerate(cats) if c["name"] == step["match"]]
        _need(before, "FAILURE_NEWCAT")
        cats.insert(before[0], new)
    else:
        cats.append(new)


def _upd_renamecat(cats, step):
    _need(step["value"], "UNSPECIFIED_ARGUMENT")
    _need(step["found"], "UNKNOWN_CATEGORY")
    for c in step["found"]:
        c["name"] = step["value"]


def _upd_delcat(cats, step):
    _need(step["found"] or "ignoreerror" in step["options"], "UNKNOWN_CATEGORY")
    cats[:] = [c for c in cats if not any(c is f for f in step["found"])]


def _upd_emptycat(cats, step):
    _need(step["found"], "UNKNOWN_CATEGORY")
    for c in step["found"]:
        c["lines"] = []


def _upd_update(cats, step):
    _need(step["var"], "UNSPECIFIED_ARGUMENT")
    _need(step["found"], "UNKNOWN_CATEGORY")
    updated = False
    for c in step["found"]:  # the first matching variable of each category
        for item in c["lines"]:
            if _var_matches(item, step["var"], step["match"]):
                item[1] = step["value"]
                updated = True
                break
    _need(updated, "FAILURE_UPDATE")


def _upd_delete(cats, step):
    line = step["line"]
    _need(step["var"] or line, "UNSPECIFIED_ARGUMENT")
    _need(step["found"], "UNKNOWN_CATEGORY")
    deleted = False
    for c in step["found"]:
        keep = []
        for n, item in enumerate(c["lines"]):
            if (line and line.isdigit() and n == int(line)) or (
                not line and _var_matches(item, step["var"], step["match"])
            ):
                deleted = True
            else:
                keep.append(item)
        c["lines"] = keep
    _need(deleted or "ignoreerror" in step["options"], "FAILURE_UPDATE")


def _upd_append(cats, step):
    _need(step["var"], "UNSPECIFIED_ARGUMENT")
    _need(step["found"], "UNKNOWN_CATEGORY")
    for c in step["found"]:
        c["lines"].append([step["var"], step["value"]])


def _upd_insert(cats, step):
    _need(step["var"] and step["line"], "UNSPECIFIED_ARGUMENT")
    _need(step["found"], "UNKNOWN_CATEGORY")
    pos = int(step["line"]) if step["line"].isdigit() else 0
    for c in step["found"]:
        c["lines"].insert(pos, [step["var"], step["value"]])


_UPDATE_ACTIONS = {
    "newcat": _upd_newcat,
    "renamecat": _upd_renamecat,
    "delcat": _upd_delcat,
    "emptycat": _upd_emptycat,
    "update": _upd_update,
    "delete": _upd_delete,
    "append": _upd_append,
    "insert": _upd_insert,
}


def default_config_files():
    """What the simulated /etc/asterisk holds at start: queues.conf with the
    simulator's two queues, including Odoo's file (which does not exist yet:
    Odoo creates it with CreateConfig, as on a fresh PBX)."""
    return {
        "queues.conf": {
            "categories": [
                _category("general", [("persistentmembers", "yes")]),
                _category("support", [("strategy", "ringall"), ("timeout", "15")]),
                _category("sales", [("strategy", "ringall"), ("timeout", "15")]),
            ],
            "includes": ["queues_hotline.conf"],
        },
    }


class _Session:
    def __init__(self, server, sock, addr):
        self.server = server
        self.sock = sock
        self.addr = addr
        self.logged_in = False
        self.events = True
        self.lock = threading.Lock()
        self.alive = True

    def send(self, pairs):
        self.send_bytes(serialize_pairs(pairs))

    def send_bytes(self, data):
        if not self.alive:
            return
        try:
            with self.lock:
                self.sock.sendall(data)
        except OSError:
            self.close()

    def close(self):
        if self.alive:
            self.alive = False
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()


class AmiSimulator:
    """An Asterisk 22 AMI server on loopback.

    ``AmiSimulator().start()``, ``.port``, ``.run_scenario(name, **params)``,
    ``.generate_traffic(rate)``, ``.stop()``.
    """

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        username="odoo",
        secret="secret",
        speed=1.0,
        auth_fail_delay=1.0,
        dialplan=None,
    ):
        self.host = host
        self.requested_port = port
        self.port = None
        self.username = username
        self.secret = secret
        self.speed = speed  # 0 = send the events of a scenario at once
        self.auth_fail_delay = auth_fail_delay
        self.sessions = []
        self.channels = {}  # live channels: name -> last channel pairs
        # what CoreShowChannels lists of a live channel: name -> {"state": its
        # last state string pairs, "app", "data", "bridge", "created" (epoch)}
        self.channel_snapshots = {}
        self.queues = {
            "support": {"Local/8001@agents": {"name": "Agent 8001", "paused": False}},
            "sales": {"Local/8002@agents": {"name": "Agent 8002", "paused": False}},
        }
        self.events_sent = 0
        self.calls_started = 0
        self._lock = threading.Lock()
        self._sock = None
        self._stop = threading.Event()
        self._threads = []
        self.actions_seen = collections.deque(maxlen=10000)
        self.hold_events = False
        # channels a Redirect left in a MusicOnHold() extension: name -> class
        self.music_on_hold = {}
        # a folder standing for Asterisk's voicemail spool: scenarios where the
        # caller leaves a message write it there as app_voicemail does
        self.voicemail_spool = None
        # /etc/asterisk: {filename: {"categories": [...], "includes": [...]}}
        self.config_files = default_config_files()
        # fault injection: files whose save fails ("Save of config failed"),
        # and how many UpdateConfig saves succeed before every save fails
        self.config_save_fails = set()
        self.config_saves_left = None
        self.queue_config = {}  # queue -> {option: value} after an app_queue reload
        self.reloads = []  # module names reloaded (None: everything), in order
        # features.conf [featuremap] atxfer (Asterisk's default is none; the
        # PBX of issue 10 had *2)
        self.featuremap = {"atxfer": "*2", "blindxfer": "#"}
        # Linkedid -> {"caller": channel that ran Queue()/Dial(), "options": letters}
        self.bridge_features = {}
        self.app_warnings = []  # what Asterisk would log about app arguments
        self.atxfers = []  # Atxfer actions run: channel, exten, consultation
        # supervisor legs: spying channel -> {"channels": [...], "spyee": name}
        self.spies = {}
        # ConfBridge rooms: name -> {"bridge": BridgeUniqueid, "members":
        # [channel, ...]} in the order they joined (app_confbridge.c)
        self.conferences = {}
        self._config_lock = threading.Lock()
        # the callees of outbound campaigns (scripted outcomes, mix, delays)
        self.campaign = CampaignCallee()
        self.campaign_originates = []  # (ActionID, Channel, Context, Exten)
        # res_fax: the far ends of outbound faxes, and a folder standing for
        # Asterisk's fax spool (fax_spool_dir as Asterisk names it)
        self.fax = FaxPeer()
        self.fax_spool = None
        self.fax_spool_dir = "/var/spool/asterisk/fax"
        # the contexts and extensions an Originate or a Redirect may go to: a
        # Dialplan, a path to an extensions.conf, or None (the capture PBX's)
        self.dialplan = (
            dialplan if isinstance(dialplan, Dialplan) else Dialplan.load(dialplan)
        )

    # -- lifecycle ---------------------------------------------------------------
    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.requested_port))
        sock.listen(64)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._stop.clear()
        self._spawn(self._accept_loop, "ami-sim accept")
        return self

    def stop(self):
        self._stop.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        for session in list(self.sessions):
            session.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def drop_connections(self):
        """Close every AMI session abruptly (a PBX restart / network cut)."""
        for session in list(self.sessions):
            session.close()

    def _spawn(self, target, name, *args):
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        return thread

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, addr = self._sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            session = _Session(self, conn, addr)
            with self._lock:
                self.sessions.append(session)
            self._spawn(self._serve, "ami-sim session", session)

    def _serve(self, session):
        parser = AmiParser(expect_banner=False, name="ami-sim")
        session.send_bytes(BANNER)
        try:
            while session.alive and not self._stop.is_set():
                try:
                    data = session.sock.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                for msg in parser.feed(data):
                    self._handle(session, msg)
        finally:
            session.close()
            with self._lock:
                if session in self.sessions:
                    self.sessions.remove(session)

    # -- events ------------------------------------------------------------------
    def broadcast(self, pairs):
        """Send one event to every logged-in session with events on."""
        data = serialize_pairs(pairs)
        self._track(pairs)
        with self._lock:
            targets = [s for s in self.sessions if s.logged_in and s.events]
            self.events_sent += 1
        for session in targets:
            session.send_bytes(data)

    def broadcast_many(self, events):
        data = b"".join(serialize_pairs(p) for p in events)
        for pairs in events:
            self._track(pairs)
        with self._lock:
            targets = [s for s in self.sessions if s.logged_in and s.events]
            self.events_sent += len(events)
        for session in targets:
            session.send_bytes(data)

    def broadcast_raw(self, data):
        """Send raw bytes to every logged-in session (fault injection)."""
        with self._lock:
            targets = [s for s in self.sessions if s.logged_in and s.events]
        for session in targets:
            session.send_bytes(data)

    def _track(self, pairs):
        name = pairs[0][1]
        if name == "Newchannel":
            fields = dict(pairs)
            self.channels[fields.get("Channel")] = pairs
        elif name == "Hangup":
            self.channels.pop(dict(pairs).get("Channel"), None)
            self.music_on_hold.pop(dict(pairs).get("Channel"), None)
        elif name in ("Newexten", "AGIExecStart"):
            self._track_bridge_options(dict(pairs))
        self._track_snapshot(name, pairs)

    def _track_bridge_options(self, fields):
        """Remember the t/T... options a call's Queue() or Dial() ran with:
        they decide which side may transfer (app_queue.c: t sets
        AST_FEATURE_REDIRECT for the callee, T for the caller). A dialplan
        app shows in Newexten; one run by AGI EXEC only in AGIExecStart
        (capture fastagi_ivr)."""
        if fields.get("Event") == "AGIExecStart":
            verb, _sp, rest = (fields.get("Command") or "").partition(" ")
            if verb.upper() != "EXEC":
                return
            app, _sp, data = rest.strip().partition(" ")
            data = data.strip().strip('"')
        else:
            app, data = fields.get("Application"), fields.get("AppData")
        parsed = bridge_options(app, data)
        if parsed is None:
            return
        options, warnings = parsed
        self.app_warnings += warnings
        self.bridge_features[fields.get("Linkedid")] = {
            "caller": fields.get("Channel"),
            "options": options,
        }

    def _track_snapshot(self, name, pairs):
        """Keep each live channel as Asterisk's channel snapshot has it: every
        event about a channel carries its current state string (``Dest``
        prefixed for the dialled one), Newexten its application, an
        OriginateResponse the application an originated channel runs (no
        Newexten for it: capture coreshowchannels_live_and_redirect_invalid_context),
        BridgeEnter/BridgeLeave its bridge."""
        fields = dict(pairs)
        snapshots = self.channel_snapshots
        channel = fields.get("Channel")
        if name == "Hangup":
            snapshots.pop(channel, None)
            return
        if name == "Newchannel" and channel:
            stamp = fields.get("Timestamp")
            snapshots[channel] = {
                "app": "",
                "data": "",
                "bridge": "",
                "created": float(stamp) if stamp else time.time(),
            }
        for prefix in ("", "Dest"):
            snap = snapshots.get(fields.get(f"{prefix}Channel"))
            if snap is not None and f"{prefix}ChannelState" in fields:
                variables = f"{prefix}ChanVariable"
                snap["state"] = [
                    (key, fields.get(prefix + key, "")) for key in CHANNEL_STATE_KEYS
                ] + [("ChanVariable", v) for k, v in pairs if k == variables]
        snap = snapshots.get(channel)
        if snap is None:
            return
        if name == "Newexten":
            snap["app"] = fields.get("Application", "")
            snap["data"] = fields.get("AppData", "")
        elif name == "OriginateResponse" and "Application" in fields:
            snap["app"] = fields["Application"]
            snap["data"] = fields.get("Data", "")
        elif name == "BridgeEnter":
            snap["bridge"] = fields.get("BridgeUniqueid", "")
        elif name == "BridgeLeave":
            snap["bridge"] = ""

    def _event(self, name, privilege, fields, action_id=None):
        pairs = [("Event", name), ("Privilege", f"{privilege},all")]
        pairs += [("Timestamp", f"{time.time():.6f}"), ("SystemName", SYSTEMNAME)]
        if action_id:
            pairs.append(("ActionID", action_id))
        pairs += list(fields)
        return pairs

    # -- scenarios -----------------------------------------------------------------
    def run_scenario(self, name, wait=False, action_id=None, speed=None, **params):
        """Replay a scenario (see ``scenarios.SCENARIOS``) in a thread.

        Params: ``caller``, ``did``, ``agent``, ``customer``.  Returns the
        thread (joined first when ``wait``).  The Linkedid of the call is the
        Uniqueid of the first Newchannel; ``thread.linkedid`` holds it.
        """
        if name not in SCENARIOS:
            raise ValueError(
                f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}"
            )
        events = render(name, action_id=action_id, **params)
        speed = self.speed if speed is None else speed
        hooks = self._voicemail_hooks(events) if self.voicemail_spool else {}
        thread = threading.Thread(
            target=self._play,
            args=(events, speed, hooks),
            name=f"ami-sim {name}",
            daemon=True,
        )
        thread.linkedid = next(
            (dict(p).get("Linkedid") for _t, p in events if dict(p).get("Linkedid")),
            None,
        )
        thread.event_count = len(events)
        with self._lock:
            self.calls_started += 1
        thread.start()
        if wait:
            thread.join()
        return thread

    def _voicemail_hooks(self, events):
        """{index of a VM_MESSAGEFILE VarSet: write the message, return the
        event naming it}: the message is left by the channel whose Newexten
        ran VoiceMail (its arguments, context, exten, priority, caller)."""
        started = {}
        hooks = {}
        for index, (_rel, pairs) in enumerate(events):
            fields = dict(pairs)
            if (
                fields.get("Event") == "Newexten"
                and fields.get("Application") == "VoiceMail"
            ):
                started[fields.get("Channel")] = fields
            elif (
                fields.get("Event") == "VarSet"
                and fields.get("Variable") == "VM_MESSAGEFILE"
                and fields.get("Channel") in started
            ):
                hooks[index] = functools.partial(
                    self._leave_voicemail, started[fields.get("Channel")]
                )
        return hooks

    def _leave_voicemail(self, newexten, pairs):
        path = leave_message(
            self.voicemail_spool,
            newexten.get("AppData") or "",
            channel=newexten.get("Channel"),
            caller_name=newexten.get("CallerIDName"),
            caller_number=newexten.get("CallerIDNum"),
            context=newexten.get("Context"),
            exten=newexten.get("Exten"),
            priority=newexten.get("Priority"),
            end_time=float(dict(pairs).get("Timestamp") or time.time()),
            duration=VOICEMAIL_SECONDS,
        )
        return [(k, path if k == "Value" else v) for k, v in pairs]

    def _play(self, events, speed, hooks=None):
        start = time.monotonic()
        batch = []
        for index, (rel, pairs) in enumerate(events):
            if hooks and index in hooks:
                pairs = hooks[index](pairs)
            if self._stop.is_set():
                return
            if speed:
                delay = start + rel / speed - time.monotonic()
                if delay > 0.0005:
                    if batch:
                        self.broadcast_many(batch)
                        batch = []
                    time.sleep(delay)
            batch.append(pairs)
        if batch:
            self.broadcast_many(batch)

    def generate_traffic(
        self,
        calls_per_second,
        duration=None,
        count=None,
        mix=None,
        speed=None,
        callers=None,
        dids=None,
        agents=None,
    ):
        """Random calls at ``calls_per_second`` (Poisson arrivals) in a thread.

        ``mix``: {scenario: weight}.  ``callers``: a :class:`CallerMix` (by
        default unknown numbers only); ``dids``: the numbers dialled;
        ``agents``: the extensions that answer (the connector passes those of
        Odoo's agents, so that every simulated agent is one Odoo knows).  Stops
        after ``duration`` s or ``count`` calls, or at ``stop()``.  Returns the
        thread; ``thread.calls`` lists the (scenario, linkedid) started,
        ``thread.callers`` the (caller, did) of each and ``thread.agents`` the
        extensions.
        """
        agents = list(agents or DEFAULT_TRAFFIC_AGENTS)
        mix = mix or {
            "inbound_answered": 6,
            "queue_abandoned": 1,
            "missed_voicemail": 1,
            "click2dial": 1,
            "blind_transfer": 1,
            "attended_transfer": 1,
        }
        names = list(mix)
        weights = [mix[n] for n in names]
        stop_at = time.monotonic() + duration if duration else None
        rng = random.Random()
        callers = callers or CallerMix(rng=rng)
        dids = list(dids or DEFAULT_DIDS)

        def loop():
            n = 0
            while not self._stop.is_set():
                if count is not None and n >= count:
                    return
                if stop_at and time.monotonic() >= stop_at:
                    return
                name = rng.choices(names, weights)[0]
                caller = callers.next()
                agent = rng.choice(agents)
                did = rng.choice(dids)
                thread = self.run_scenario(
                    name, caller=caller, agent=agent, did=did, speed=speed
                )
                gen.calls.append((name, thread.linkedid))
                gen.callers.append((caller, did))
                n += 1
                time.sleep(rng.expovariate(calls_per_second))

        gen = threading.Thread(target=loop, name="ami-sim traffic", daemon=True)
        gen.calls = []
        gen.callers = []
        gen.agents = agents
        gen.start()
        return gen

    def run_ivr_call(self, agi_host, agi_port, script):
        """One scripted IVR call (an :class:`IvrScript` or its dict) over
        FastAGI to the connector at ``agi_host:agi_port``, its channel's AMI
        events sent to the AMI sessions (the channel before the AGI, the rest
        after it). Returns the :class:`AgiCaller` once the call ended."""
        caller = IvrScript.coerce(script).agi_caller(agi_host, agi_port)
        sent = len(caller.ami_events)
        self.broadcast_many(list(caller.ami_events))
        with self._lock:
            self.calls_started += 1
        try:
            caller.run()
        finally:
            self.broadcast_many(caller.ami_events[sent:])
        return caller

    def generate_ivr_traffic(
        self, agi_host, agi_port, scripts, calls_per_second, duration=None, count=None
    ):
        """Scripted IVR callers (:class:`IvrScriptMix` of ``scripts``) at
        ``calls_per_second`` in a thread, like :meth:`generate_traffic`.
        Returns the thread; ``thread.calls`` lists the (script name, AgiCaller)
        of each call."""
        mix = IvrScriptMix(scripts)
        rng = random.Random()
        stop_at = time.monotonic() + duration if duration else None

        def loop():
            n = 0
            # the first call after a pause too: the connector's FastAGI server
            # may still be starting
            while not self._stop.wait(rng.expovariate(calls_per_second)):
                if count is not None and n >= count:
                    return
                if stop_at and time.monotonic() >= stop_at:
                    return
                script = mix.next()
                try:
                    caller = self.run_ivr_call(agi_host, agi_port, script)
                except OSError as exc:
                    _logger.warning("IVR call %s: %s", script.name, exc)
                    caller = None
                gen.calls.append((script.name, caller))
                n += 1

        gen = threading.Thread(target=loop, name="ami-sim ivr traffic", daemon=True)
        gen.calls = []
        gen.start()
        return gen

    # -- actions -------------------------------------------------------------------
    def _handle(self, session, msg):
        self.actions_seen.append(msg)
        if len(msg.pairs) > AST_MAX_MANHEADERS:
            # manager.c do_message(): lines past AST_MAX_MANHEADERS are dropped
            # up to the blank line (hdr_loss), the action is not run, and the
            # error carries the ActionID only if it was among the lines kept;
            # the session stays up (capture updateconfig_over_128_headers)
            kept = AmiMessage(msg.pairs[:AST_MAX_MANHEADERS])
            pairs = [("Response", "Error")]
            if kept.get("ActionID"):
                pairs.append(("ActionID", kept.get("ActionID")))
            pairs.append(("Message", "Too many lines in message or allocation failure"))
            session.send(pairs)
            return
        action = msg.get("Action") or ""
        action_id = msg.get("ActionID")
        head = [("Response", "Success")]
        if action_id is not None:
            head.append(("ActionID", action_id))

        def reply(*fields, response="Success"):
            pairs = [("Response", response)]
            if action_id is not None:
                pairs.append(("ActionID", action_id))
            session.send(pairs + list(fields))

        def error(message):
            reply(("Message", message), response="Error")

        lname = action.lower()
        if lname == "login":
            if (
                msg.get("Username") == self.username
                and msg.get("Secret") == self.secret
            ):
                session.logged_in = True
                session.events = (msg.get("Events") or "on").lower() not in (
                    "off",
                    "no",
                    "0",
                )
                reply(("Message", "Authentication accepted"))
                if session.events:  # manager.c sends it only with the system class on
                    session.send(
                        [
                            ("Event", "FullyBooted"),
                            ("Privilege", "system,all"),
                            ("Uptime", "83"),
                            ("LastReload", "83"),
                            ("Status", "Fully Booted"),
                        ]
                    )
            else:
                time.sleep(self.auth_fail_delay)
                error("Authentication failed")
                session.close()
            return
        if lname == "logoff":
            reply(("Message", "Thanks for all the fish."), response="Goodbye")
            session.close()
            return
        if not session.logged_in:
            error("Permission denied")
            return
        handler = getattr(self, f"_action_{lname}", None)
        if handler is None:
            error(UNKNOWN % action)
            return
        handler(session, msg, reply, error, action_id)

    def _action_ping(self, session, msg, reply, error, action_id):
        reply(("Ping", "Pong"), ("Timestamp", f"{time.time():.6f}"))

    def _action_events(self, session, msg, reply, error, action_id):
        mask = (msg.get("EventMask") or "on").lower()
        session.events = mask not in ("off", "no", "0", "false")
        reply(("Events", "On" if session.events else "Off"))

    def _action_originate(self, session, msg, reply, error, action_id):
        channel = msg.get("Channel")
        if not channel:
            error("Channel not specified")
            return
        exten = msg.get("Exten") or ""
        if (msg.get("Application") or "").lower() in SUPERVISOR_APPS:
            reply(("Message", "Originate successfully queued"))
            if not self._local_dialable(channel):
                self._local_originate_failed(msg, action_id)
                return
            self._supervisor_originate(msg, action_id)
            return
        context = msg.get("Context") or ""
        priority = (msg.get("Priority") or "").strip()
        # manager.c action_originate(): "Check early if the extension exists"
        # when Exten, Context and a priority are given, before anything rings
        checked = exten and context and priority.isdigit() and int(priority)
        if checked and not self.dialplan.exists(context, exten, int(priority)):
            error("Extension does not exist.")
            return
        if is_fax_originate(msg):
            self._fax_originate(msg, reply, error, action_id)
            return
        if is_campaign_originate(msg):
            self._campaign_originate(msg, reply, error, action_id)
            return
        scenario, agent = originate_scenario(channel, exten)
        async_ = (msg.get("Async") or "").lower() in ("true", "yes", "1")
        if not async_:
            # synchronous: answer only with the outcome
            events = render(
                scenario, customer=exten or None, agent=agent, action_id="sync"
            )
            res = [dict(p) for _t, p in events if p[0][1] == "OriginateResponse"]
            ok = res and res[0].get("Response") == "Success"
            if ok:
                reply(("Message", "Originate successfully queued"))
            else:
                error("Originate failed")
            self.run_scenario(scenario, customer=exten or None, agent=agent)
            return
        reply(("Message", "Originate successfully queued"))
        # OriginateResponse goes to every session (manager.c fast_originate:
        # ast_manager_event_multichan), not only to the one that originated
        self.run_scenario(
            scenario, customer=exten or None, agent=agent, action_id=action_id or ""
        )

    def _campaign_originate(self, msg, reply, error, action_id):
        """An outbound campaign's Originate (see ``campaign.py``): the callee
        answers, is busy, does not answer... as :attr:`campaign` decides."""
        if (msg.get("Async") or "").lower() not in ("true", "yes", "1"):
            error("Originate failed")  # the dialer only sends async ones
            return
        uniqueid = msg.get("ChannelId") or new_uniqueids(1)[0]
        events = self.campaign.events(
            msg,
            action_id or "",
            uniqueid,
            new_channel_suffix(),
            lambda name, privilege, fields, aid=None: (name, privilege, fields, aid),
        )
        with self._lock:
            self.campaign_originates.append(
                (action_id, msg.get("Channel"), msg.get("Context"), msg.get("Exten"))
            )
            self.calls_started += 1
        reply(("Message", "Originate successfully queued"))

        def play():
            start = time.monotonic()
            for rel, (name, privilege, fields, aid) in events:
                if self._stop.is_set():
                    return
                if self.speed:
                    delay = start + rel / self.speed - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                # stamped when sent, as Asterisk does
                self.broadcast(self._event(name, privilege, fields, aid))

        threading.Thread(target=play, name="ami-sim campaign", daemon=True).start()

    def _play_async(self, events, name):
        """Send ``[(seconds, pairs)]`` in a thread, stamped when sent."""

        def play():
            start = time.monotonic()
            for rel, (ev_name, privilege, fields, aid) in events:
                if self._stop.is_set():
                    return
                if self.speed:
                    delay = start + rel / self.speed - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                self.broadcast(self._event(ev_name, privilege, fields, aid))

        thread = threading.Thread(target=play, name=name, daemon=True)
        thread.start()
        return thread

    def _fax_originate(self, msg, reply, error, action_id):
        """An outbound fax's Originate into the SendFAX context (see
        ``fax.py``): the far end answers and takes the fax, is busy, does
        not answer, or answers without a fax machine."""
        if (msg.get("Async") or "").lower() not in ("true", "yes", "1"):
            error("Originate failed")  # the connector only sends async ones
            return
        uniqueid = msg.get("ChannelId") or new_uniqueids(1)[0]
        events = self.fax.events(
            msg,
            action_id or "",
            uniqueid,
            new_channel_suffix(),
            lambda name, privilege, fields, aid=None: (name, privilege, fields, aid),
            spool=self.fax_spool,
        )
        with self._lock:
            self.calls_started += 1
        reply(("Message", "Originate successfully queued"))
        self._play_async([(0.01 * i, ev) for i, ev in enumerate(events)], "ami-sim fax")

    def receive_fax(
        self, did, caller, tiff=None, error="", remote_id="", local_id="", wait=True
    ):
        """A fax arriving on ``did`` from ``caller``: ``tiff`` (bytes) is
        written into :attr:`fax_spool` ``in/<Uniqueid>.tif`` as ReceiveFAX
        does, then res_fax's events are sent. ``error``: a failed reception
        (FAXERROR), no file. Returns the Uniqueid."""
        uid = new_uniqueids(1)[0]
        name = f"{uid}.tif"
        file_name = f"{self.fax_spool_dir}/in/{name}"
        pages = 0
        if tiff and not error:
            pages = tiff_page_count(tiff)
            if self.fax_spool:
                folder = os.path.join(self.fax_spool, "in")
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, name), "wb") as handle:
                    handle.write(tiff)
        events = receive_events(
            uid,
            new_channel_suffix(),
            did,
            caller,
            file_name,
            pages,
            lambda name, privilege, fields, aid=None: (name, privilege, fields, aid),
            remote_id=remote_id,
            local_id=local_id,
            error=error,
        )
        with self._lock:
            self.calls_started += 1
        thread = self._play_async(
            [(0.01 * i, ev) for i, ev in enumerate(events)], "ami-sim fax in"
        )
        if wait:
            thread.join(10)
        return uid

    def _action_command(self, session, msg, reply, error, action_id):
        command = (msg.get("Command") or "").strip()
        if command == "core show channels":
            lines = [f"{name}  Up" for name in self.channels]
            lines += [
                f"{len(self.channels)} active channels",
                f"{self.calls_started} calls processed",
            ]
        elif command.startswith("core show version"):
            lines = ["Asterisk 22.10.1 built by the Hotline simulator"]
        else:
            unknown = (
                f"No such command '{command}' (type 'core show help {command}' "
                "for other possible commands)"
            )
            lines = [unknown]
        reply(
            ("Message", "Command output follows"), *[("Output", line) for line in lines]
        )

    # -- configuration files -----------------------------------------------------
    def _config_key(self, filename):
        """is_restricted_file(): ``(key, 0)``, ``(None, 1)`` outside
        /etc/asterisk, ``(key, -1)`` when realpath() fails (no such file)."""
        name = (filename or "").strip()
        path = name if name.startswith("/") else f"{CONFIG_DIR}/{name}"
        path = posixpath.normpath(path)
        if not path.startswith(CONFIG_DIR + "/"):
            return None, 1
        key = path[len(CONFIG_DIR) + 1 :]
        return key, (0 if key in self.config_files else -1)

    def config_categories(self, filename, with_includes=True):
        """Categories ast_config_load2() sees: the file's, then its #includes'."""
        entry = self.config_files.get(filename)
        if entry is None:
            return []
        cats = list(entry["categories"])
        if with_includes:
            for include in entry.get("includes", ()):
                cats += self.config_categories(include)
        return cats

    def config_text(self, filename):
        """The file as ast_config_text_file_save2() would write it (no header)."""
        entry = self.config_files[filename]
        out = [f"#include {inc}" for inc in entry.get("includes", ())]
        for cat in entry["categories"]:
            out.append(f"[{cat['name']}]" + ("(!)" if cat["template"] else ""))
            out += [f"{var} = {value}" for var, value in cat["lines"]]
            out.append("")
        return "\n".join(out)

    def _action_getconfig(self, session, msg, reply, error, action_id):
        # manager.c action_getconfig()
        filename = msg.get("Filename")
        if not filename:
            error("Filename not specified")
            return
        key, restricted = self._config_key(filename)
        if restricted == 1:
            error("File requires escalated privileges")
            return
        if restricted == -1:
            error("Config file not found")
            return
        wanted = msg.get("Category") or ""
        with self._config_lock:
            cats = copy.deepcopy(self.config_categories(key))
        pairs = [("Response", "Success")]
        if action_id is not None:
            pairs.append(("ActionID", action_id))
        count = 0
        for cat in cats:
            if wanted and cat["name"].lower() != wanted.lower():
                continue
            pairs.append((f"Category-{count:06d}", cat["name"]))
            if cat["template"]:
                pairs.append((f"IsTemplate-{count:06d}", "1"))
            for lineno, (var, value) in enumerate(cat["lines"]):
                pairs.append((f"Line-{count:06d}-{lineno:06d}", f"{var}={value}"))
            count += 1
        data = serialize_pairs(pairs)
        if wanted and not count:
            # astman_append(s, "No categories found\r\n"): a line with no colon
            data = data[:-2] + b"No categories found\r\n\r\n"
        session.send_bytes(data)

    def _action_createconfig(self, session, msg, reply, error, action_id):
        # manager.c action_createconfig(): the folder must be /etc/asterisk
        filename = (msg.get("Filename") or "").strip()
        if not filename:
            error("Filename not specified")
            return
        path = filename if filename.startswith("/") else f"{CONFIG_DIR}/{filename}"
        folder, _sep, base = posixpath.normpath(path).rpartition("/")
        if not base:
            error("Filename is invalid")
            return
        if folder != CONFIG_DIR:
            if not folder.startswith(CONFIG_DIR + "/"):
                error("File requires escalated privileges")
            else:  # realpath() of a folder the simulated PBX does not have
                error("No such file or directory")
            return
        with self._config_lock:
            if base in self.config_files:
                error("File exists")  # open(O_CREAT | O_EXCL): strerror(EEXIST)
                return
            self.config_files[base] = {"categories": [], "includes": []}
        reply(("Message", "New configuration file created successfully"))

    def _action_updateconfig(self, session, msg, reply, error, action_id):
        # manager.c action_updateconfig()
        sfn, dfn = msg.get("SrcFilename"), msg.get("DstFilename")
        if not sfn or not dfn:
            error("Filename not specified")
            return
        skey, srestricted = self._config_key(sfn)
        dkey, drestricted = self._config_key(dfn)
        if srestricted or drestricted:  # -1 (no such file) counts as restricted too
            error("File requires escalated privileges")
            return
        with self._config_lock:
            if skey not in self.config_files:
                error("Config file not found")
                return
            entry = copy.deepcopy(self.config_files[skey])
            try:
                self._handle_updates(msg, entry["categories"])
            except _UpdateFailed as exc:
                error(UPDATE_ERRORS[exc.args[0]])
                return
            if dkey in self.config_save_fails or self.config_saves_left == 0:
                error("Save of config failed")
                return
            if self.config_saves_left is not None:
                self.config_saves_left -= 1
            self.config_files[dkey] = entry
        reply()  # astman_send_ack(s, m, NULL): no Message
        reload = (msg.get("Reload") or "").strip()
        if reload:
            if reload.lower() in _TRUE:
                self._reload_module(None)
            elif reload.lower() not in _FALSE:
                self._reload_module(reload)

    @staticmethod
    def _handle_updates(msg, cats):
        """manager.c handle_updates() on ``cats`` (changed in place)."""
        for x in range(100000):
            action = msg.get(f"Action-{x:06d}")
            if not action:
                break
            cat = msg.get(f"Cat-{x:06d}")
            if not cat:
                raise _UpdateFailed("UNSPECIFIED_CATEGORY")
            # a leading ">" makes an object variable ("=>")
            value = (msg.get(f"Value-{x:06d}") or "").removeprefix(">")
            tokens = (msg.get(f"Options-{x:06d}") or "").split(",")
            step = {
                "cat": cat,
                "var": msg.get(f"Var-{x:06d}") or "",
                "value": value,
                "match": msg.get(f"Match-{x:06d}") or "",
                "line": msg.get(f"Line-{x:06d}") or "",
                "options": {
                    o.strip().lower(): v.strip()
                    for o, _e, v in (t.partition("=") for t in tokens)
                    if o.strip()
                },
                "found": [c for c in cats if c["name"].lower() == cat.lower()],
            }
            handler = _UPDATE_ACTIONS.get(action.lower())
            if handler is None:
                raise _UpdateFailed("UNKNOWN_ACTION")
            handler(cats, step)

    def _reload_module(self, module):
        """ast_module_reload(): ``None`` reloads everything. Returns the
        result name of enum ast_module_reload_result."""
        name = None
        if module:
            name = module.strip().lower().removesuffix(".so")
            if name in NOT_RELOADABLE_MODULES:
                return "NOT_IMPLEMENTED"
            if name not in RELOADABLE_MODULES:
                return "NOT_FOUND"
        self.reloads.append(name)
        if name in (None, "app_queue"):
            self._reload_queues()
        return "SUCCESS"

    def _reload_queues(self):
        """app_queue's reload: queues.conf (and its includes) define the
        queues; dynamic members stay, static ones (``member =>``) are read
        again, queues gone from the file go (the simulator has no callers
        waiting in them)."""
        with self._config_lock:
            cats = copy.deepcopy(self.config_categories("queues.conf"))
        config = {}
        for cat in cats:
            if cat["name"] == "general" or cat["template"]:
                continue
            config[cat["name"]] = cat["lines"]
        with self._lock:
            for queue in list(self.queues):
                if queue not in config:
                    del self.queues[queue]
            self.queue_config = {}
            for queue, lines in config.items():
                members = self.queues.setdefault(queue, {})
                for iface in [i for i, m in members.items() if m.get("static")]:
                    del members[iface]
                options = {}
                for var, value in lines:
                    if var.lower() == "member":
                        iface, _c, rest = value.partition(",")
                        penalty, _c, name = rest.partition(",")
                        members[iface.strip()] = {
                            "name": name.split(",")[0].strip() or iface.strip(),
                            "paused": False,
                            "static": True,
                            "penalty": penalty.strip() or "0",
                        }
                    else:
                        options[var.lower()] = value
                self.queue_config[queue] = options

    def _action_reload(self, session, msg, reply, error, action_id):
        # manager.c action_reload()
        result = self._reload_module(msg.get("Module") or None)
        if result == "SUCCESS":
            reply(("Message", "Module Reloaded"))
        elif result == "NOT_FOUND":
            error("No such module")
        else:
            error("Module does not support reload")

    def _list(self, session, reply, action_id, message, items, complete):
        reply(("EventList", "start"), ("Message", message))
        data = []
        for item in items:
            data.append(serialize_pairs(item))
        pairs = [("Event", complete)]
        if action_id is not None:
            pairs.append(("ActionID", action_id))
        pairs += [("EventList", "Complete"), ("ListItems", str(len(items)))]
        data.append(serialize_pairs(pairs))
        session.send_bytes(b"".join(data))

    def _action_coreshowchannels(self, session, msg, reply, error, action_id):
        """manager.c ``action_coreshowchannels``: one CoreShowChannel per live
        channel (its state string, then Application, ApplicationData,
        Duration since its creation and BridgeId), no Privilege, Timestamp
        or SystemName; no start, answer or queue time (capture
        coreshowchannels_live_and_redirect_invalid_context)."""
        items = []
        now = time.time()
        for name, pairs in list(self.channels.items()):
            snap = self.channel_snapshots.get(name) or {}
            if "state" not in snap:  # a channel a test put in self.channels
                fields = dict(pairs)
                snap = dict(
                    snap,
                    state=[(key, fields.get(key, "")) for key in CHANNEL_STATE_KEYS]
                    + [("ChanVariable", v) for k, v in pairs if k == "ChanVariable"],
                )
            seconds = max(int(now - snap.get("created", now)), 0)
            hours, minutes = seconds // 3600, seconds % 3600 // 60
            item = [("Event", "CoreShowChannel")]
            if action_id is not None:
                item.append(("ActionID", action_id))
            item += snap["state"]
            item += [
                ("Application", snap.get("app", "")),
                ("ApplicationData", snap.get("data", "")),
                ("Duration", f"{hours:02d}:{minutes:02d}:{seconds % 60:02d}"),
                ("BridgeId", snap.get("bridge", "")),
            ]
            items.append(item)
        self._list(
            session,
            reply,
            action_id,
            "Channels will follow",
            items,
            "CoreShowChannelsComplete",
        )

    def _action_queuestatus(self, session, msg, reply, error, action_id):
        wanted = msg.get("Queue")
        items = []
        for queue, members in list(self.queues.items()):
            if wanted and wanted != queue:
                continue
            options = self.queue_config.get(queue, {})
            items.append(
                [
                    ("Event", "QueueParams"),
                    ("Queue", queue),
                    ("Max", options.get("maxlen", "0")),
                    ("Strategy", options.get("strategy", "ringall")),
                    ("Calls", "0"),
                    ("Holdtime", "0"),
                    ("TalkTime", "0"),
                    ("Completed", "0"),
                    ("Abandoned", "0"),
                    ("ServiceLevel", options.get("servicelevel", "0")),
                    ("ServicelevelPerf", "0.0"),
                    ("ServicelevelPerf2", "0.0"),
                    ("Weight", options.get("weight", "0")),
                ]
                + ([("ActionID", action_id)] if action_id is not None else [])
            )
            for iface, member in members.items():
                items.append(
                    [
                        ("Event", "QueueMember"),
                        ("Queue", queue),
                        ("Name", member["name"]),
                        ("Location", iface),
                        ("StateInterface", iface),
                        (
                            "Membership",
                            "static" if member.get("static") else "dynamic",
                        ),
                        ("Penalty", member.get("penalty", "0")),
                        ("CallsTaken", "0"),
                        ("LastCall", "0"),
                        ("LastPause", "0"),
                        ("LoginTime", str(int(time.time()))),
                        ("InCall", "0"),
                        ("Status", "1"),
                        ("Paused", "1" if member["paused"] else "0"),
                        ("PausedReason", member.get("reason", "")),
                        ("Wrapuptime", "0"),
                    ]
                    + ([("ActionID", action_id)] if action_id is not None else [])
                )
        self._list(
            session,
            reply,
            action_id,
            "Queue status will follow",
            items,
            "QueueStatusComplete",
        )

    def _action_queueadd(self, session, msg, reply, error, action_id):
        queue, iface = msg.get("Queue"), msg.get("Interface")
        if not queue or not iface:
            error("'Queue' and 'Interface' parameters are required")
            return
        if queue not in self.queues:
            error("Unable to add interface to queue: No such queue")
            return
        if iface in self.queues[queue]:
            error("Unable to add interface: Already there")
            return
        name = msg.get("MemberName") or iface
        self.queues[queue][iface] = {
            "name": name,
            "paused": (msg.get("Paused") or "").lower() == "true",
        }
        reply(("Message", "Added interface to queue"))
        self.broadcast(
            self._event(
                "QueueMemberAdded",
                "agent",
                [("Queue", queue), ("MemberName", name), ("Interface", iface)],
            )
        )

    def _action_queueremove(self, session, msg, reply, error, action_id):
        queue, iface = msg.get("Queue"), msg.get("Interface")
        if not queue or not iface:
            error("Need 'Queue' and 'Interface' parameters.")
            return
        if iface not in self.queues.get(queue, {}):
            error("Unable to remove interface: Not there")
            return
        member = self.queues[queue].pop(iface)
        reply(("Message", "Removed interface from queue"))
        self.broadcast(
            self._event(
                "QueueMemberRemoved",
                "agent",
                [
                    ("Queue", queue),
                    ("MemberName", member["name"]),
                    ("Interface", iface),
                ],
            )
        )

    def _action_queuepause(self, session, msg, reply, error, action_id):
        iface, paused = msg.get("Interface"), msg.get("Paused")
        if not iface or paused is None:
            error("Need 'Interface' and 'Paused' parameters.")
            return
        paused = paused.lower() in ("true", "yes", "1")
        queue = msg.get("Queue")
        found = False
        for qname, members in self.queues.items():
            if queue and qname != queue:
                continue
            if iface in members:
                found = True
                members[iface]["paused"] = paused
                members[iface]["reason"] = msg.get("Reason") or ""
                self.broadcast(
                    self._event(
                        "QueueMemberPause",
                        "agent",
                        [
                            ("Queue", qname),
                            ("MemberName", members[iface]["name"]),
                            ("Interface", iface),
                            ("Paused", "1" if paused else "0"),
                            ("PausedReason", members[iface]["reason"]),
                        ],
                    )
                )
        if not found:
            error("Interface not found")
            return
        reply(
            (
                "Message",
                "Interface paused successfully"
                if paused
                else "Interface unpaused successfully",
            )
        )

    def _need_channel(self, msg, error, key="Channel"):
        channel = msg.get(key)
        if not channel:
            error(
                "No channel specified" if key == "Channel" else f"{key} not specified"
            )
            return None
        if channel not in self.channels:
            error("No such channel")
            return None
        return channel

    def _action_hangup(self, session, msg, reply, error, action_id):
        channel = self._need_channel(msg, error)
        if channel and self._spy_of(channel):
            reply(("Message", "Channel Hungup"))
            self._supervisor_hangup(self._spy_of(channel), msg.get("Cause") or "16")
            return
        if channel:
            leave = self._conf_leave_events(channel)
            pairs = self.channels.pop(channel)
            reply(("Message", "Channel Hungup"))
            fields = [(k, v) for k, v in pairs[4:]] + [
                ("Cause", msg.get("Cause") or "16"),
                ("Cause-txt", "Normal Clearing"),
            ]
            self.broadcast_many(leave + [self._event("Hangup", "call", fields)])

    # -- supervisor legs -------------------------------------------------------------
    @staticmethod
    def _snapshot(prefix, channel, state, uid, linkedid, context, exten, cid):
        """A channel snapshot's fields, in Asterisk's order (see the chanspy
        capture: every channel event carries them, ``prefix`` for the
        Spyer/Spyee/Dest ones)."""
        number, name = cid
        return [
            (f"{prefix}Channel", channel),
            (f"{prefix}ChannelState", state),
            (f"{prefix}ChannelStateDesc", _STATE_DESC[state]),
            (f"{prefix}CallerIDNum", number),
            (f"{prefix}CallerIDName", name),
            (f"{prefix}ConnectedLineNum", number),
            (f"{prefix}ConnectedLineName", name),
            (f"{prefix}Language", "en"),
            (f"{prefix}AccountCode", ""),
            (f"{prefix}Context", context),
            (f"{prefix}Exten", exten),
            (f"{prefix}Priority", "1"),
            (f"{prefix}Uniqueid", uid),
            (f"{prefix}Linkedid", linkedid),
            (f"{prefix}ChanVariable", "DID="),
            (f"{prefix}ChanVariable", "CRM_CALL_ID="),
        ]

    def _live_snapshot(self, prefix, channel):
        pairs = self.channels.get(channel) or []
        return [(prefix + k, v) for k, v in pairs if k not in _SNAPSHOT_SKIP]

    def _spy_of(self, channel):
        for spyer, spy in self.spies.items():
            if channel in spy["channels"]:
                return spyer
        return None

    def _supervisor_originate(self, msg, action_id):
        """Originate Channel=<supervisor's phone> Application=ChanSpy|ConfBridge.

        As in the chanspy capture (Originate of Local/9000@supervisor): the
        originated channel (the ``;1`` half of a Local channel, which runs the
        application; its ``;2`` half is the phone) gets Newexten AppDial2
        "(Outgoing Line)", is dialled and answers, OriginateResponse names the
        Application and Data (no Newexten for the application itself: same
        context/exten/priority, manager_channels.c), then app_chanspy.c
        channel_spy() publishes ChanSpyStart (Spyer*, Spyee* snapshots) when
        the spied channel exists; ConfBridge publishes ConfbridgeJoin
        (Conference, the channel, Admin).  The Hangup action ends it
        (ChanSpyStop, then the Hangups, as with SIP phones: see the capture's
        README for the Local channel limitation)."""
        requested = msg.get("Channel")
        app = msg.get("Application")
        data = msg.get("Data") or ""
        cid_text = msg.get("CallerID") or ""
        number = cid_text.rpartition("<")[2].rstrip(">") or "<unknown>"
        name = cid_text.partition("<")[0].strip().strip('"') or number
        cid = (number, name)
        suffix = new_channel_suffix()
        local = requested.startswith("Local/")
        if local:
            exten, _at, context = requested[len("Local/") :].partition("@")
            names = [f"{requested}-{suffix};1", f"{requested}-{suffix};2"]
        else:
            exten, context = "s", "default"
            names = [f"{requested}-{suffix}"]
        uids = new_uniqueids(len(names))
        linkedid = uids[0]
        channel = names[0]
        events = []
        for name_, uid in zip(names, uids, strict=True):
            state = "0" if name_ == channel else "4"
            events.append(
                self._event(
                    "Newchannel",
                    "call",
                    self._snapshot(
                        "",
                        name_,
                        state,
                        uid,
                        linkedid,
                        context,
                        exten,
                        ("<unknown>", "<unknown>"),
                    ),
                )
            )
        events.append(
            self._event(
                "Newexten",
                "dialplan",
                self._snapshot(
                    "", channel, "0", linkedid, linkedid, context, exten, cid
                )
                + [
                    ("Extension", exten),
                    ("Application", "AppDial2"),
                    ("AppData", "(Outgoing Line)"),
                ],
            )
        )
        dest = self._snapshot(
            "Dest", channel, "0", linkedid, linkedid, context, exten, cid
        )
        events.append(
            self._event("DialBegin", "call", dest + [("DialString", requested)])
        )
        for name_, uid in zip(names, uids, strict=True):
            events.append(
                self._event(
                    "Newstate",
                    "call",
                    self._snapshot("", name_, "6", uid, linkedid, context, exten, cid),
                )
            )
        up = self._snapshot(
            "Dest", channel, "6", linkedid, linkedid, context, exten, cid
        )
        events.append(self._event("DialEnd", "call", up + [("DialStatus", "ANSWER")]))
        response = [
            ("Response", "Success"),
            ("Channel", channel),
            ("Application", app),
            ("Data", data),
            ("Reason", "4"),
            ("Uniqueid", linkedid),
            ("CallerIDNum", number),
            ("CallerIDName", name),
        ]
        events.append(self._event("OriginateResponse", "call", response, action_id))
        spyer = self._snapshot(
            "Spyer", channel, "6", linkedid, linkedid, context, exten, cid
        )
        spyee = None
        if app.lower() == "chanspy":
            prefix = data.split(",", 1)[0]
            spyee = next((c for c in self.channels if c.startswith(prefix + "-")), None)
            if spyee is not None:
                events.append(
                    self._event(
                        "ChanSpyStart",
                        "call",
                        spyer + self._live_snapshot("Spyee", spyee),
                    )
                )
        else:
            me = self._snapshot(
                "", channel, "6", linkedid, linkedid, context, exten, cid
            )
            events += self._conf_join_events(data.split(",", 1)[0], channel, me)
        self.spies[channel] = {
            "channels": names,
            "uids": uids,
            "spyee": spyee,
            "app": app.lower(),
            "data": data,
            "snapshot": (context, exten, cid),
        }
        self.broadcast_many(events)

    def _supervisor_hangup(self, channel, cause):
        spy = self.spies.pop(channel)
        context, exten, cid = spy["snapshot"]
        linkedid = spy["uids"][0]
        events = []
        if spy["app"] == "chanspy" and spy["spyee"]:
            spyer = self._snapshot(
                "Spyer", channel, "6", linkedid, linkedid, context, exten, cid
            )
            events.append(
                self._event(
                    "ChanSpyStop",
                    "call",
                    spyer + self._live_snapshot("Spyee", spy["spyee"]),
                )
            )
        elif spy["app"] == "confbridge":
            me = self._snapshot(
                "", channel, "6", linkedid, linkedid, context, exten, cid
            )
            events += self._conf_leave_events(channel, me)
        for name_, uid in zip(spy["channels"], spy["uids"], strict=True):
            events.append(
                self._event(
                    "Hangup",
                    "call",
                    self._snapshot("", name_, "6", uid, linkedid, context, exten, cid)
                    + [("Cause", cause), ("Cause-txt", "Normal Clearing")],
                )
            )
        self.broadcast_many(events)

    def _action_redirect(self, session, msg, reply, error, action_id):
        # manager.c action_redirect(): the arguments are checked in this order
        if not msg.get("Channel"):
            error("Channel not specified")
            return
        context, exten = msg.get("Context"), msg.get("Exten")
        priority = (msg.get("Priority") or "").strip()
        if not context:
            error("Context not specified")
            return
        if not exten:
            error("Exten not specified")
            return
        if not priority:
            error("Priority not specified")
            return
        if not priority.isdigit() or int(priority) < 1:
            error("Priority is invalid")
            return
        extra = msg.get("ExtraChannel")
        extra_context = msg.get("ExtraContext") or context
        extra_exten = msg.get("ExtraExten") or exten
        extra_priority = (msg.get("ExtraPriority") or priority).strip()
        if extra and msg.get("ExtraContext"):
            if not msg.get("ExtraExten"):
                error("ExtraExten not specified")
                return
            if not msg.get("ExtraPriority"):
                error("ExtraPriority not specified")
                return
            if not extra_priority.isdigit() or int(extra_priority) < 1:
                error("ExtraPriority is invalid")
                return
        channel = self._need_channel(msg, error)
        if not channel:
            return
        if extra and extra not in self.channels:
            error(f"ExtraChannel does not exist: {extra}")
            return
        reply(
            ("Message", "Dual Redirect successful" if extra else "Redirect successful")
        )
        if not self.dialplan.exists(context, exten, int(priority)):
            self._hangup_invalid_extension(channel, context, exten, priority)
        else:
            self._redirect_music(channel, context, exten, priority)
            self._redirect_into_conference(channel, context, exten, priority)
        if extra and not self.dialplan.exists(
            extra_context, extra_exten, int(extra_priority)
        ):
            self._hangup_invalid_extension(
                extra, extra_context, extra_exten, extra_priority
            )
        elif extra:
            self._redirect_into_conference(
                extra, extra_context, extra_exten, extra_priority
            )

    # -- ConfBridge rooms ----------------------------------------------------------
    def _conference_room(self, context, exten, priority):
        """The room a channel sent to ``context``/``exten``/``priority`` enters
        when that step runs ConfBridge (``${EXTEN}`` expanded), else None."""
        steps = self.dialplan._find(context, exten) or []
        for prio, _label, app, data in steps:
            if prio == int(priority) and app.lower() == "confbridge":
                room = data.replace("${EXTEN}", exten).split(",", 1)[0]
                return room.strip() or None
        return None

    def _bridge_snapshot(self, room):
        """ast_manager_build_bridge_state_string() of a ConfBridge bridge
        (main/manager_bridges.c): app_confbridge.c join_conference_bridge()
        creates it with ast_bridge_base_new(MULTIMIX, ..., "ConfBridge",
        name): technology softmix, type confbridge... as Asterisk 20/22 list it."""
        conf = self.conferences[room]
        return [
            ("BridgeUniqueid", conf["bridge"]),
            ("BridgeType", "confbridge"),
            ("BridgeTechnology", "softmix"),
            ("BridgeCreator", "ConfBridge"),
            ("BridgeName", room),
            ("BridgeNumChannels", str(len(conf["members"]))),
            ("BridgeVideoSourceMode", "none"),
        ]

    def _conf_join_events(self, room, channel, snapshot):
        """app_confbridge.c join_conference_bridge(): the first user creates
        the conference (send_conference_start_event: ConfbridgeStart), then
        each user's join is published (send_join_event: ConfbridgeJoin).
        apps/confbridge/confbridge_manager.c confbridge_publish_manager_event()
        writes "Conference", the bridge snapshot, the channel snapshot, then
        get_admin_header()'s "Admin" (default_user: admin=no)."""
        events = []
        if room not in self.conferences:
            self.conferences[room] = {"bridge": str(uuid.uuid4()), "members": []}
            events.append(
                self._event(
                    "ConfbridgeStart",
                    "call",
                    [("Conference", room)] + self._bridge_snapshot(room),
                )
            )
        self.conferences[room]["members"].append(channel)
        events.append(
            self._event(
                "ConfbridgeJoin",
                "call",
                [("Conference", room)]
                + self._bridge_snapshot(room)
                + list(snapshot)
                + [("Admin", "No")],
            )
        )
        return events

    def _conf_leave_events(self, channel, snapshot=None):
        """leave_conference() publishes ConfbridgeLeave (send_leave_event);
        when the last user left, conf_ended() publishes ConfbridgeEnd
        (send_conf_end_event), before the channel's own Hangup."""
        room = next(
            (r for r, c in self.conferences.items() if channel in c["members"]), None
        )
        if room is None:
            return []
        if snapshot is None:
            snapshot = self._live_snapshot("", channel)
        conf = self.conferences[room]
        conf["members"].remove(channel)
        events = [
            self._event(
                "ConfbridgeLeave",
                "call",
                [("Conference", room)]
                + self._bridge_snapshot(room)
                + list(snapshot)
                + [("Admin", "No")],
            )
        ]
        if not conf["members"]:
            events.append(
                self._event(
                    "ConfbridgeEnd",
                    "call",
                    [("Conference", room)] + self._bridge_snapshot(room),
                )
            )
            del self.conferences[room]
        return events

    def _redirect_into_conference(self, channel, context, exten, priority):
        """A live channel Redirected to an extension that runs ConfBridge
        joins the room (the caller and the agent of a three-way call)."""
        room = self._conference_room(context, exten, priority)
        if room is None or channel not in self.channels:
            return
        # the channel's state string (CHANNEL_STATE_KEYS order), now in the
        # room's extension
        fields = dict(self._live_snapshot("", channel))
        fields.update(Context=context, Exten=exten, Priority=str(priority))
        snapshot = [(key, fields.get(key, "")) for key in CHANNEL_STATE_KEYS]
        events = self._conf_join_events(room, channel, snapshot)
        # CoreShowChannels now lists it in ConfBridge(room), in the room's bridge
        snap = self.channel_snapshots.get(channel)
        if snap is not None:
            snap.update(
                app="ConfBridge", data=room, bridge=self.conferences[room]["bridge"]
            )
        self.broadcast_many(events)

    def _local_dialable(self, channel):
        """core_local.c local_call(): a Local channel whose extension does not
        exist in its context cannot be called ("No such extension/context").
        Only the context is checked here: the capture dialplan has no [agents]
        extension for the supervisors' phones (9000) the tests originate."""
        if not channel.startswith("Local/"):
            return True
        _exten, _at, context = channel[len("Local/") :].partition("@")
        return self.dialplan.has_context(context.split("/", 1)[0])

    def _local_originate_failed(self, msg, action_id):
        """The async Originate of an undialable Local channel: "Originate
        successfully queued", then an OriginateResponse Failure, Reason 0
        (manager.c fast_originate(): the channel was never answered)."""
        cid_text = msg.get("CallerID") or ""
        number = cid_text.rpartition("<")[2].rstrip(">") or "<unknown>"
        name = cid_text.partition("<")[0].strip().strip('"') or number
        response = [
            ("Response", "Failure"),
            ("Channel", msg.get("Channel")),
            ("Application", msg.get("Application") or ""),
            ("Data", msg.get("Data") or ""),
            ("Reason", "0"),
            ("Uniqueid", "<null>"),
            ("CallerIDNum", number),
            ("CallerIDName", name),
        ]
        self.broadcast(self._event("OriginateResponse", "call", response, action_id))

    def _redirect_music(self, channel, context, exten, priority):
        """Music on hold of a redirected channel, as res_musiconhold.c
        publishes it (``ast_channel_publish_cached_blob`` of
        ``ast_channel_moh_start_type`` / ``_stop_type``, manager_channels.c:
        MusicOnHoldStart with the channel snapshot and ``Class``,
        MusicOnHoldStop with the snapshot): leaving a ``MusicOnHold()``
        extension stops it, entering one (the CTI hold's ``hold_context``,
        extension ``s``) runs the application (Newexten) and starts it. The
        snapshot shows where the channel now is."""
        pairs = self.channels.get(channel)
        if pairs is None:
            return
        events = []
        body = [(k, v) for k, v in pairs if k not in _EVENT_HEAD]
        if self.music_on_hold.pop(channel, None) is not None:
            events.append(self._event("MusicOnHoldStop", "call", body))
        where = {"Context": context, "Exten": exten, "Priority": str(priority)}
        moved = [(k, where.get(k, v)) for k, v in body]
        moved += [(k, v) for k, v in where.items() if k not in dict(body)]
        self.channels[channel] = pairs[: len(pairs) - len(body)] + moved
        steps = self.dialplan._find(context, exten) or []
        app, data = next(
            ((a, d) for p, _label, a, d in steps if p == int(priority)), ("", "")
        )
        if app.lower() == "musiconhold":
            music_class = (data or "").split(",")[0] or "default"
            events.append(
                self._event(
                    "Newexten",
                    "dialplan",
                    moved
                    + [("Extension", exten), ("Application", app)]
                    + [("AppData", data or "")],
                )
            )
            events.append(
                self._event(
                    "MusicOnHoldStart", "call", moved + [("Class", music_class)]
                )
            )
            self.music_on_hold[channel] = music_class
        if events:
            self.broadcast_many(events)

    def phone_hold(self, channel, hold=True, music_class=None):
        """The phone of ``channel`` puts its call on hold (its hold key: a SIP
        re-INVITE, AST_CONTROL_HOLD) or takes it off: ``Hold`` (with
        ``MusicClass`` when the phone suggests one) / ``Unhold`` with the
        channel snapshot (manager_channels.c channel_hold_cb /
        channel_unhold_cb; capture attended_transfer shows a Hold).
        ``False`` when the channel is not up."""
        pairs = self.channels.get(channel)
        if pairs is None:
            return False
        body = [(k, v) for k, v in pairs if k not in _EVENT_HEAD]
        if hold:
            extra = [("MusicClass", music_class)] if music_class else []
            self.broadcast(self._event("Hold", "call", body + extra))
        else:
            self.broadcast(self._event("Unhold", "call", body))
        return True

    def _hangup_invalid_extension(self, channel, context, exten, priority):
        """A channel redirected where the dialplan has nothing: Asterisk
        answered "Redirect successful", then hung it up ("sent to invalid
        extension"), as in the capture
        coreshowchannels_live_and_redirect_invalid_context: SoftHangupRequest
        (Cause 16) of the channel, HangupRequest (Cause 0) of the other half of
        a Local channel, then the Hangup of each (Cause 0 "Unknown"); the
        redirected one already shows its new Context/Exten/Priority."""
        pairs = self.channels.pop(channel, None)
        if pairs is None:
            return
        body = [(k, v) for k, v in pairs if k not in _EVENT_HEAD]
        where = {"Context": context, "Exten": exten, "Priority": str(priority)}
        moved = [(k, where.get(k, v)) for k, v in body]
        moved += [(k, v) for k, v in where.items() if k not in dict(body)]
        unknown = [("Cause", "0"), ("Cause-txt", "Unknown")]
        requests = [self._event("SoftHangupRequest", "call", body + [("Cause", "16")])]
        hangups = [self._event("Hangup", "call", moved + unknown)]
        other = None
        if channel.startswith("Local/") and channel[-2:] in (";1", ";2"):
            other = channel[:-1] + ("1" if channel.endswith("2") else "2")
        other_pairs = self.channels.pop(other, None) if other else None
        if other_pairs is not None:
            other_body = [(k, v) for k, v in other_pairs if k not in _EVENT_HEAD]
            requests.append(
                self._event("HangupRequest", "call", other_body + [("Cause", "0")])
            )
            hangups.append(self._event("Hangup", "call", other_body + unknown))
        events = requests + hangups
        self.broadcast_many(events)

    def _action_blindtransfer(self, session, msg, reply, error, action_id):
        channel = self._need_channel(msg, error)
        if channel:
            if not msg.get("Exten"):
                error("No extension specified")
                return
            reply(("Message", "Transfer succeeded"))
            self.broadcast(
                self._event(
                    "BlindTransfer",
                    "call",
                    [
                        ("Result", "Success"),
                        ("TransfererChannel", channel),
                        ("Extension", msg.get("Exten")),
                        ("Context", msg.get("Context") or ""),
                    ],
                )
            )

    def _action_atxfer(self, session, msg, reply, error, action_id):
        # manager.c action_atxfer(): checks, then the atxfer code and the
        # digits queued as DTMF on the channel, whatever the bridge allows
        channel, exten = msg.get("Channel"), msg.get("Exten")
        if not channel:
            error("No channel specified")
            return
        if not exten:
            error("No extension specified")
            return
        if channel not in self.channels:
            error("Channel specified does not exist")
            return
        code = self.featuremap.get("atxfer") or ""
        if not code:
            error("No attended transfer feature code found")
            return
        reply(("Message", "Atxfer successfully queued"))
        self._atxfer_dtmf(channel, code, exten, msg.get("Context") or "")

    def _atxfer_dtmf(self, channel, code, exten, context):
        """What the queued DTMF does. With the transfer right on the channel's
        side of the bridge, the atxfer hook eats the digits, holds the peer
        (Hold, MusicOnHoldStart: capture attended_transfer) and dials the
        consultation (not simulated further). Without it
        (bridge_channel.c bridge_handle_dtmf() finds no hook) the digits are
        written to the peer: DTMFEnd "Sent" on it (channel.c ast_write()), no
        consultation call; the agent hanging up then ends the caller's call."""
        pairs = self.channels[channel]
        fields = pairs[4:]
        linkedid = dict(pairs).get("Linkedid")
        bridge = self.bridge_features.get(linkedid) or {}
        side = "T" if bridge.get("caller") == channel else "t"
        allowed = side in bridge.get("options", ())
        peer_name = bridge.get("caller") if side == "t" else None
        if peer_name not in self.channels:
            peer_name = next(
                (
                    name
                    for name, other in self.channels.items()
                    if name != channel and dict(other).get("Linkedid") == linkedid
                ),
                None,
            )
        peer = self.channels[peer_name][4:] if peer_name else None

        def dtmf(on, digit, direction):
            extra = [("Digit", digit), ("DurationMs", "0"), ("Direction", direction)]
            return self._event("DTMFEnd", "dtmf", on + extra)

        events = []
        for n, digit in enumerate(code + exten):
            events.append(dtmf(fields, digit, "Received"))
            if not allowed and peer:
                events.append(dtmf(peer, digit, "Sent"))
            if allowed and n == len(code) - 1:
                events.append(self._event("Hold", "call", fields))
                if peer:
                    events.append(
                        self._event(
                            "MusicOnHoldStart", "call", peer + [("Class", "default")]
                        )
                    )
        self.broadcast_many(events)
        self.atxfers.append(
            {
                "channel": channel,
                "exten": exten,
                "context": context,
                "consultation": allowed,
            }
        )
