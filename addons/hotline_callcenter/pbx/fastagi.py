# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A threaded FastAGI server (Asterisk's ``AGI(agi://host:port/script?k=v,...)``).

Protocol as captured from Asterisk 22.10.1 (``fastagi_ivr*`` captures): LF line
ends; first the ``agi_*: value`` environment ended by an empty line; then one
command line per request answered by ``200 result=<n>[ (<data>)][ endpos=<n>]``,
``510 Invalid or unknown command``, a multi-line ``520-...``/``520 End of proper
usage.``, or ``511 Command Not Permitted on a dead channel or intercept
routine``.  When the caller hangs up Asterisk queues an unsolicited ``HANGUP``
line that arrives before the next response.

The handler contract: ``handler(session)`` runs in a worker thread per call;
an :class:`AgiHangup` ends it quietly; any other exception is logged with the
channel and Uniqueid, the channel variable ``HOTLINE_AGI_ERROR`` is set to the
error's class so the dialplan after ``AGI()`` can route the call to a fallback
(the call is never dropped silently).
"""

import contextlib
import logging
import re
import socketserver
import threading
from collections import namedtuple
from urllib.parse import parse_qsl

_logger = logging.getLogger(__name__)

AgiResponse = namedtuple("AgiResponse", "code result data endpos", defaults=(None,))

_RESPONSE_RE = re.compile(
    r"^(?P<code>\d{3})(?:[ -](?:result=(?P<result>\S*))?)?"
    r"(?: \((?P<data>.*?)\))?(?: endpos=(?P<endpos>-?\d+))?\s*$"
)
DEAD_CHANNEL = "511"


class AgiError(Exception):
    """Base class of FastAGI failures."""


class AgiHangup(AgiError):
    """The caller hung up (``HANGUP`` line, ``511`` or a closed socket)."""


class AgiCommandError(AgiError):
    """Asterisk refused a command (``510`` unknown, ``520`` bad syntax)."""

    def __init__(self, command, response, usage=None):
        super().__init__(f"{command!r}: {response.code} {response.data or ''}".strip())
        self.command = command
        self.response = response
        self.usage = usage


def quote(value):
    """An AGI argument in double quotes, one line, quotes escaped."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def parse_response(line):
    """``AgiResponse`` of one response line (``code`` 0 when unparsable)."""
    match = _RESPONSE_RE.match(line)
    if not match:
        if line[:3].isdigit():
            return AgiResponse(int(line[:3]), None, line[4:])
        return AgiResponse(0, None, line)
    endpos = match.group("endpos")
    return AgiResponse(
        int(match.group("code")),
        match.group("result"),
        match.group("data"),
        int(endpos) if endpos is not None else None,
    )


class AgiSession:
    """One FastAGI connection: the channel's environment and its commands."""

    def __init__(self, rfile, wfile, address=None, timeout=None):
        self.rfile = rfile
        self.wfile = wfile
        self.address = address
        self.hung_up = False
        self.transcript = []
        self.env = {}
        self._read_env()
        request = self.env.get("agi_network_script", "")
        script, _sep, query = request.partition("?")
        self.script = script.strip("/")
        self.params = dict(parse_qsl(query, keep_blank_values=True))
        self.args = []
        n = 1
        while f"agi_arg_{n}" in self.env:
            self.args.append(self.env[f"agi_arg_{n}"])
            n += 1

    # -- I/O ----------------------------------------------------------------------
    def _readline(self):
        raw = self.rfile.readline()
        if not raw:
            self.hung_up = True
            raise AgiHangup("FastAGI connection closed by Asterisk")
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        self.transcript.append(("in", line))
        return line

    def _read_env(self):
        while True:
            line = self._readline()
            if not line:
                break
            key, sep, value = line.partition(":")
            if not sep:
                _logger.warning("FastAGI: environment line without colon: %r", line)
                continue
            self.env[key.strip()] = value.strip()

    @property
    def channel(self):
        return self.env.get("agi_channel")

    @property
    def uniqueid(self):
        return self.env.get("agi_uniqueid")

    @property
    def caller_number(self):
        return self.env.get("agi_callerid")

    @property
    def extension(self):
        return self.env.get("agi_extension")

    def command(self, line):
        """Send one command line, return its :class:`AgiResponse`.

        Raises :class:`AgiHangup` on the ``HANGUP`` line (after reading the
        command's own response) and on ``511``.
        """
        line = line.replace("\r", " ").replace("\n", " ").strip()
        self.transcript.append(("out", line))
        try:
            self.wfile.write(line.encode("utf-8") + b"\n")
            self.wfile.flush()
        except OSError as exc:
            self.hung_up = True
            raise AgiHangup(f"FastAGI socket closed: {exc}") from exc
        got_hangup = False
        text = self._readline()
        while text == "HANGUP":
            got_hangup = True
            self.hung_up = True
            text = self._readline()
        response = parse_response(text)
        if response.code == 520:
            usage = [text]
            while not text.startswith("520 "):
                text = self._readline()
                usage.append(text)
            raise AgiCommandError(line, response, "\n".join(usage))
        if response.code == 511:
            self.hung_up = True
            raise AgiHangup(f"{line}: {text}")
        if got_hangup:
            raise AgiHangup(f"caller hung up (HANGUP before the answer to {line!r})")
        if response.code != 200:
            raise AgiCommandError(line, response)
        return response

    # -- helpers --------------------------------------------------------------------
    @staticmethod
    def _int(response):
        try:
            return int(response.result or 0)
        except ValueError:
            return 0

    def _digit(self, response, line):
        value = self._int(response)
        if value < 0:
            self.hung_up = True
            raise AgiHangup(f"{line}: result=-1 (caller hung up)")
        return chr(value) if value > 0 else ""

    def answer(self):
        return self._int(self.command("ANSWER"))

    def hangup(self, channel=""):
        return self._int(self.command(f"HANGUP {channel}".strip()))

    def verbose(self, message, level=1):
        return self._int(self.command(f"VERBOSE {quote(message)} {int(level)}"))

    def stream_file(self, name, escape_digits=""):
        """Play ``name``; returns the DTMF digit that interrupted it, or ``""``."""
        line = f"STREAM FILE {name} {quote(escape_digits)}"
        return self._digit(self.command(line), line)

    def get_data(self, name, timeout_ms=5000, max_digits=255):
        """Play ``name`` and collect digits: ``(digits, timed_out)``."""
        line = f"GET DATA {name} {int(timeout_ms)} {int(max_digits)}"
        response = self.command(line)
        if response.result == "-1":
            self.hung_up = True
            raise AgiHangup(f"{line}: result=-1 (caller hung up)")
        return response.result or "", response.data == "timeout"

    def say_digits(self, digits, escape_digits=""):
        line = f"SAY DIGITS {digits} {quote(escape_digits)}"
        return self._digit(self.command(line), line)

    def say_number(self, number, escape_digits=""):
        line = f"SAY NUMBER {number} {quote(escape_digits)}"
        return self._digit(self.command(line), line)

    def set_variable(self, name, value):
        return self._int(self.command(f"SET VARIABLE {name} {quote(value)}"))

    def get_variable(self, name):
        """Value of a channel variable, ``None`` when unset."""
        response = self.command(f"GET VARIABLE {name}")
        return response.data if response.result == "1" else None

    def get_full_variable(self, expression):
        response = self.command(f"GET FULL VARIABLE {quote(expression)}")
        return response.data if response.result == "1" else None

    def exec_(self, app, options=""):
        """Run a dialplan application; returns its result (``-1`` e.g. after Dial)."""
        return self._int(self.command(f"EXEC {app} {quote(options)}"))

    def channel_status(self):
        return self._int(self.command("CHANNEL STATUS"))


class _Handler(socketserver.StreamRequestHandler):
    timeout = 600  # a silent Asterisk for 10 minutes: give up the thread

    def handle(self):
        server = self.server
        try:
            session = AgiSession(self.rfile, self.wfile, self.client_address)
        except AgiHangup:
            _logger.warning(
                "FastAGI: %s closed before sending its environment", self.client_address
            )
            return
        except (TimeoutError, OSError) as exc:
            _logger.warning(
                "FastAGI: no environment from %s: %s", self.client_address, exc
            )
            return
        server.sessions += 1
        try:
            server.agi_handler(session)
        except AgiHangup as exc:
            _logger.info(
                "FastAGI %s (%s): caller hung up: %s",
                session.script,
                session.uniqueid,
                exc,
            )
        except Exception as exc:
            server.errors += 1
            _logger.exception(
                "FastAGI script %r failed on %s (%s): the call continues in the "
                "dialplan with HOTLINE_AGI_ERROR set",
                session.script,
                session.channel,
                session.uniqueid,
            )
            if not session.hung_up:
                with contextlib.suppress(AgiError, OSError):
                    session.set_variable("HOTLINE_AGI_ERROR", type(exc).__name__)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FastAgiServer:
    """``FastAgiServer(host, port, handler).start()``; ``.port``; ``.stop()``."""

    def __init__(self, host, port, handler):
        self.host = host
        self.requested_port = port
        self.handler = handler
        self._server = None
        self._thread = None

    def start(self):
        server = _Server((self.host, self.requested_port), _Handler)
        server.agi_handler = self.handler
        server.sessions = 0
        server.errors = 0
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            name="fastagi",
            kwargs={"poll_interval": 0.2},
            daemon=True,
        )
        self._thread.start()
        _logger.info("FastAGI server listening on %s:%s", self.host, self.port)
        return self

    @property
    def port(self):
        return self._server.server_address[1] if self._server else None

    @property
    def sessions(self):
        return self._server.sessions if self._server else 0

    @property
    def errors(self):
        return self._server.errors if self._server else 0

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def default_handler(session):
    """Without an IVR: answer and put the caller in queue ``support``."""
    session.answer()
    session.exec_("Queue", "support")


__all__ = [
    "AgiCommandError",
    "AgiError",
    "AgiHangup",
    "AgiResponse",
    "AgiSession",
    "FastAgiServer",
    "default_handler",
]
