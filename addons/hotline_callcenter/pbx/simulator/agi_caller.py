# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Asterisk's side of FastAGI: a simulated call running ``AGI(agi://...)``.

Answers as Asterisk 22.10.1 did in the ``fastagi_ivr``, ``fastagi_ivr_hangup``
and ``fastagi_ivr_hangup_nosighup`` captures: the environment block, then one
response per command, ``HANGUP`` queued after a caller hangup when
``AGISIGHUP`` is on, ``511`` for channel commands on a dead channel.

With a ``dialplan`` (a :class:`~.dialplan.Dialplan` or the path of an
extensions.conf), the channel goes on in it when the script closes, as
res_agi returns to the dialplan with ``AGISTATUS`` set: ``after_agi`` lists the
applications it then runs (``GotoIf`` evaluated on the channel's variables).

``ami_events`` holds what the same call shows on AMI, as in the ``fastagi_ivr``
capture (``timeline.jsonl``): ``Newchannel`` when the call comes in, one
``VarSet`` (Privilege ``dialplan,all``) per ``SET VARIABLE``, the
``Hangup`` (cause 16) when the AGI hangs up, the caller hangs up or the
script ends (the dialplan's ``Hangup()`` then); every event carries a
``ChanVariable`` line per name of ``manager.conf``'s ``channelvars``.
"""

import re
import socket
import threading
import time

from .app_args import bridge_options, split_app_args
from .dialplan import Dialplan

ENV_ORDER = (
    "agi_network", "agi_network_script", "agi_request", "agi_channel", "agi_language",
    "agi_type", "agi_uniqueid", "agi_version", "agi_callerid", "agi_calleridname",
    "agi_callingpres", "agi_callingani2", "agi_callington", "agi_callingtns",
    "agi_dnid", "agi_rdnis", "agi_context", "agi_extension", "agi_priority",
    "agi_enhanced", "agi_accountcode", "agi_threadid",
)  # fmt: skip
DEAD = "511 Command Not Permitted on a dead channel or intercept routine"
USAGE = {
    "SAY NUMBER": "Say a given number, returning early if any of the given DTMF digits "
    "are received on the channel.",
    "SAY DIGITS": "Say a given digit string, returning early if any of the given DTMF "
    "digits are received on the channel.",
    "STREAM FILE": "Send the given file, allowing playback to be interrupted by the "
    "given digits, if any.",
    "GET DATA": "Prompt for DTMF on a channel.",
}
# commands that still work on a dead channel (res_agi "dead" flag)
DEAD_OK = (
    "VERBOSE",
    "GET VARIABLE",
    "GET FULL VARIABLE",
    "SET VARIABLE",
    "HANGUP",
    "NOOP",
)
# docker/asterisk/manager.conf
CHANNELVARS = ("DID", "CRM_CALL_ID", "HOTLINE_IVR_END")
_counter = iter(range(1, 10**9))
_lock = threading.Lock()


def _split_args(rest):
    """AGI argument splitting: blanks separate, double quotes group."""
    out = []
    for match in re.finditer(r'"((?:[^"\\]|\\.)*)"|(\S+)', rest):
        quoted = match.group(1)
        if quoted is not None:
            out.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            out.append(match.group(2))
    return out


class AgiCaller:
    """One simulated call connecting to a FastAGI server.

    :param dtmf: digits the caller presses, consumed by STREAM FILE (one, when it
        is an escape digit), GET DATA, SAY *.
    :param hangup_after: the caller hangs up during the N-th command (1-based).
    :param hangup_at: the caller hangs up during the first command naming this
        (e.g. a sound file: the caller leaves while it plays).
    :param hangup_when_done: once every digit of ``dtmf`` is pressed, the
        caller hangs up during the first command waiting for keys (GET DATA,
        a prompt or number with escape digits): a scripted caller who got
        what they called for.
    :param sighup: AGISIGHUP (``HANGUP`` line) on or off.
    """

    def __init__(
        self, host, port, script="ivr?flow=main", caller="13800138000",
        did="4008123458", args=None, dtmf="", hangup_after=None, sighup=True,
        variables=None, timeout=10.0, dialplan=None, context="from-pstn",
        channelvars=CHANNELVARS, hangup_at=None, hangup_when_done=False,
    ):  # fmt: skip
        self.host = host
        self.port = port
        self.script = script
        self.caller = caller
        self.did = did
        self.args = [caller, did] if args is None else list(args)
        self.dtmf = list(dtmf)
        self.hangup_after = hangup_after
        self.hangup_at = hangup_at
        self.hangup_when_done = hangup_when_done
        self.sighup = sighup
        self.timeout = timeout
        with _lock:
            n = next(_counter)
        self.uniqueid = f"odoo-test-pbx-{int(time.time())}.{n}"
        self.channel = f"PJSIP/trunk-{n:08x}"
        self.variables = {"DID": did, "CALLERID(num)": caller}
        self.variables.update(variables or {})
        self.commands = []
        self.transcript = []
        self.executed = []
        self.queue_entries = []  # Queue() runs: {"queue", "options"}
        self.warnings = []  # what Asterisk would log (e.g. unknown options)
        self.answered = False
        self.dead = False
        self.closed_by = None
        self.context = context
        self.dialplan = (
            Dialplan.load(dialplan)
            if dialplan is not None and not isinstance(dialplan, Dialplan)
            else dialplan
        )
        self.after_agi = []
        self.channelvars = tuple(channelvars)
        self.ami_events = []
        self._ami_event("Newchannel", state="4")

    def env_lines(self):
        values = {
            "agi_network": "yes",
            "agi_network_script": self.script,
            "agi_request": f"agi://{self.host}:{self.port}/{self.script}",
            "agi_channel": self.channel,
            "agi_language": "en",
            "agi_type": "PJSIP",
            "agi_uniqueid": self.uniqueid,
            "agi_version": "22.10.1",
            "agi_callerid": self.caller,
            "agi_calleridname": self.caller,
            "agi_callingpres": "0",
            "agi_callingani2": "0",
            "agi_callington": "0",
            "agi_callingtns": "0",
            "agi_dnid": "unknown",
            "agi_rdnis": "unknown",
            "agi_context": "from-pstn",
            "agi_extension": self.did,
            "agi_priority": "4",
            "agi_enhanced": "0.0",
            "agi_accountcode": "",
            "agi_threadid": "140373050685120",
        }
        lines = [f"{key}: {values[key]}" for key in ENV_ORDER]
        lines += [f"agi_arg_{i}: {arg}" for i, arg in enumerate(self.args, 1)]
        return lines

    def run(self):
        """Connect, send the environment, answer until the server closes."""
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        rfile = sock.makefile("rb")
        try:
            self._send(sock, "\n".join(self.env_lines()) + "\n\n")
            pending_hangup = False
            while True:
                raw = rfile.readline()
                if not raw:
                    self.closed_by = "server"
                    break
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                self.transcript.append(("out", line))
                self.commands.append(line)
                hang_now = self._hangs_up_now(line)
                reply = self.respond(line, hang_now)
                if hang_now:
                    self.dead = True
                    self._ami_hangup()
                    pending_hangup = self.sighup
                elif pending_hangup:
                    self._send(sock, "HANGUP\n")
                    pending_hangup = False
                self._send(sock, reply + "\n")
        except (TimeoutError, OSError):
            self.closed_by = self.closed_by or "timeout"
        finally:
            rfile.close()
            sock.close()
        # res_agi.c: AGISTATUS is SUCCESS when the script ended, HANGUP when
        # the caller did (the channel does not go on in the dialplan then)
        self.variables["AGISTATUS"] = "HANGUP" if self.dead else "SUCCESS"
        if self.dialplan is not None and not self.dead:
            self.after_agi = self._continue_dialplan()
        self._ami_hangup()  # the dialplan's Hangup() after the AGI
        return self

    def _hangs_up_now(self, line):
        if self.hangup_after is not None and len(self.commands) == self.hangup_after:
            return True
        if self.dead:
            return False
        if self.hangup_at and self.hangup_at in line:
            return True
        if not self.hangup_when_done or self.dtmf:
            return False
        upper = line.upper()
        if upper.startswith("GET DATA"):
            return True
        for verb in ("STREAM FILE", "SAY NUMBER", "SAY DIGITS"):
            if upper.startswith(verb):
                args = _split_args(line[len(verb) :])
                return len(args) > 1 and bool(args[1])
        return False

    def _continue_dialplan(self):
        steps = self.dialplan._find(self.context, self.did) or []
        agi = next((p for p, _label, app, _data in steps if app.upper() == "AGI"), None)
        if agi is None:
            return []
        return self.dialplan.run_after(self.context, self.did, agi, self.variables)

    def _ami_event(self, name, state="6", **fields):
        """One AMI event of this call's channel (see the module doc)."""
        pairs = [
            ("Event", name),
            ("Privilege", "dialplan,all" if name == "VarSet" else "call,all"),
            ("Timestamp", f"{time.time():.6f}"),
            ("SystemName", "odoo-test-pbx"),
            ("Channel", self.channel),
            ("ChannelState", state),
            ("ChannelStateDesc", "Up" if state == "6" else "Ring"),
            ("CallerIDNum", self.caller),
            ("CallerIDName", self.caller),
            ("Language", "en"),
            ("AccountCode", ""),
            ("Context", "from-pstn"),
            ("Exten", self.did),
            ("Priority", "4"),
            ("Uniqueid", self.uniqueid),
            ("Linkedid", self.uniqueid),
        ]
        pairs += [
            ("ChanVariable", f"{var}={self.variables.get(var, '')}")
            for var in self.channelvars
        ]
        pairs += list(fields.items())
        self.ami_events.append(pairs)

    def _ami_hangup(self):
        if not any(pairs[0] == ("Event", "Hangup") for pairs in self.ami_events):
            self._ami_event("Hangup", Cause="16", **{"Cause-txt": "Normal Clearing"})

    def start(self):
        thread = threading.Thread(target=self.run, name="agi-caller", daemon=True)
        thread.start()
        return thread

    def _send(self, sock, text):
        for part in text.split("\n")[:-1]:
            self.transcript.append(("in", part))
        sock.sendall(text.encode())

    def _dtmf(self, allowed):
        if self.dtmf and self.dtmf[0] in allowed:
            return self.dtmf.pop(0)
        return None

    def respond(self, line, hang_now=False):
        """The response line(s) Asterisk gives to one command."""
        upper = line.upper()
        if self.dead and not upper.startswith(DEAD_OK):
            return DEAD
        for verb, method in self._VERBS:
            if upper.startswith(verb):
                return getattr(self, method)(_split_args(line[len(verb) :]), hang_now)
        return "510 Invalid or unknown command"

    _VERBS = (
        ("ANSWER", "_answer"),
        ("VERBOSE", "_ok1"),
        ("NOOP", "_ok0"),
        ("CHANNEL STATUS", "_channel_status"),
        ("GET FULL VARIABLE", "_get_full_variable"),
        ("GET VARIABLE", "_get_variable"),
        ("SET VARIABLE", "_set_variable"),
        ("HANGUP", "_hangup"),
        ("EXEC", "_exec"),
        ("GET DATA", "_get_data"),
        ("STREAM FILE", "_stream_file"),
        ("SAY NUMBER", "_say"),
        ("SAY DIGITS", "_say"),
    )

    def _answer(self, args, hang_now):
        self.answered = True
        return "200 result=0"

    def _ok1(self, args, hang_now):
        return "200 result=1"

    def _ok0(self, args, hang_now):
        return "200 result=0"

    def _channel_status(self, args, hang_now):
        return "200 result=6" if self.answered else "200 result=4"

    def _get_full_variable(self, args, hang_now):
        expr = args[0] if args else ""
        value = re.sub(
            r"\$\{([^}]+)\}", lambda m: self.variables.get(m.group(1), ""), expr
        )
        return f"200 result=1 ({value})"

    def _get_variable(self, args, hang_now):
        name = args[0] if args else ""
        if self.dead and name == "AGISIGHUP":
            return "200 result=0" if self.sighup else "200 result=1 (no)"
        if name in self.variables:
            return f"200 result=1 ({self.variables[name]})"
        return "200 result=0"

    def _set_variable(self, args, hang_now):
        if len(args) < 2:
            return self._usage("SET VARIABLE")
        self.variables[args[0]] = args[1]
        self._ami_event("VarSet", Variable=args[0], Value=args[1])
        return "200 result=1"

    def _hangup(self, args, hang_now):
        self.dead = True
        self._ami_hangup()
        return "200 result=1"

    def _exec(self, args, hang_now):
        if not args:
            return "200 result=-2"
        self.executed.append((args[0], args[1] if len(args) > 1 else ""))
        if args[0].lower() == "queue":
            data = args[1] if len(args) > 1 else ""
            queue = split_app_args(data)[0].strip()
            if not queue:
                # app_queue.c queue_exec(): "Queue requires an argument"
                self.warnings.append("Queue requires an argument")
                return "200 result=-1"
            options, warnings = bridge_options("Queue", data)
            self.warnings += warnings  # unknown letters are ignored, as Asterisk does
            self.queue_entries.append({"queue": queue, "options": options})
        return "200 result=-1" if args[0].lower() == "dial" else "200 result=0"

    def _get_data(self, args, hang_now):
        if not args:
            return self._usage("GET DATA")
        if hang_now:
            return "200 result=-1"
        max_digits = int(args[2]) if len(args) > 2 and args[2].isdigit() else 255
        digits = ""
        terminated = False
        while self.dtmf and len(digits) < max_digits:
            digit = self.dtmf.pop(0)
            if digit == "#":
                terminated = True
                break
            digits += digit
        if len(digits) < max_digits and not terminated:
            return f"200 result={digits} (timeout)"
        return f"200 result={digits}"

    def _stream_file(self, args, hang_now):
        if len(args) < 2:
            return self._usage("STREAM FILE")
        if hang_now:
            return "200 result=-1 endpos=28000"
        digit = self._dtmf(args[1])
        return (
            f"200 result={ord(digit)} endpos=11360"
            if digit
            else "200 result=0 endpos=11234"
        )

    def _say(self, args, hang_now):
        if len(args) < 2:
            return self._usage("SAY NUMBER")
        if hang_now:
            return "200 result=-1"
        digit = self._dtmf(args[1])
        return f"200 result={ord(digit)}" if digit else "200 result=0"

    @staticmethod
    def _usage(verb):
        text = USAGE.get(verb, "Usage of this command.")
        head = "520-Invalid command syntax.  Proper usage follows:"
        return f"{head}\n{text}\n520 End of proper usage."
