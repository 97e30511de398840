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

The port is reachable by anything on the PBX's network and speaks before any
authentication, so every resource a client can make it hold is bounded: the
peer must be one of the configured PBX addresses (loopback by default), a line
is at most ``max_line`` bytes, the environment at most ``max_env_lines`` lines
and must be complete within ``header_timeout`` seconds, connections are capped
in total and per address, sessions run on a fixed worker pool, and each
refusal is logged once per peer, reason and ``log_period``.
"""

import contextlib
import ipaddress
import logging
import re
import socket
import socketserver
import threading
import time
from collections import defaultdict, namedtuple
from concurrent.futures import ThreadPoolExecutor
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


class AgiProtocolError(AgiError):
    """The peer broke a limit (line too long, too many environment lines)."""


MAX_LINE = 8192  # Asterisk's own AGI buffer is 2048 (res_agi.c AGI_BUF_LEN)
MAX_ENV_LINES = 256  # Asterisk sends ~25 agi_* lines plus agi_arg_N
MAX_USAGE_LINES = 64


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

    def __init__(
        self,
        rfile,
        wfile,
        address=None,
        timeout=None,
        max_line=MAX_LINE,
        max_env_lines=MAX_ENV_LINES,
    ):
        self.rfile = rfile
        self.wfile = wfile
        self.address = address
        self.max_line = max_line
        self.max_env_lines = max_env_lines
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
        # bounded read: a line without newline must not grow without end
        raw = self.rfile.readline(self.max_line + 1)
        if not raw:
            self.hung_up = True
            raise AgiHangup("FastAGI connection closed by Asterisk")
        if len(raw) > self.max_line:
            self.hung_up = True
            raise AgiProtocolError(f"line longer than {self.max_line} bytes")
        if not raw.endswith(b"\n"):
            # the connection ended in the middle of a line
            self.hung_up = True
            raise AgiHangup("FastAGI connection closed by Asterisk")
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        self.transcript.append(("in", line))
        return line

    def _read_env(self):
        for _n in range(self.max_env_lines + 1):
            line = self._readline()
            if not line:
                break
            key, sep, value = line.partition(":")
            if not sep:
                _logger.warning(
                    "FastAGI: environment line without colon: %r", line[:80]
                )
                continue
            self.env[key.strip()] = value.strip()
        else:
            self.hung_up = True
            raise AgiProtocolError(
                f"environment longer than {self.max_env_lines} lines"
            )

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
                if len(usage) > MAX_USAGE_LINES:
                    self.hung_up = True
                    raise AgiProtocolError(f"520 usage longer than {MAX_USAGE_LINES}")
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
        # the whole environment within header_timeout (not per read: a client
        # dripping one byte at a time must not hold the worker)
        server.watch(self.request)
        try:
            session = AgiSession(
                self.rfile,
                self.wfile,
                self.client_address,
                max_line=server.max_line,
                max_env_lines=server.max_env_lines,
            )
        except AgiHangup:
            if server.unwatch(self.request):
                server.refuse(self.client_address, "environment not sent in time")
            else:
                server.refuse(self.client_address, "closed before its environment")
            return
        except AgiProtocolError as exc:
            server.unwatch(self.request)
            server.refuse(self.client_address, str(exc))
            return
        except (TimeoutError, OSError) as exc:
            if server.unwatch(self.request):
                server.refuse(self.client_address, "environment not sent in time")
            else:
                server.refuse(self.client_address, f"no complete environment: {exc}")
            return
        if server.unwatch(self.request):
            server.refuse(self.client_address, "environment not sent in time")
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
        except AgiProtocolError as exc:
            server.refuse(self.client_address, str(exc))
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


def _loopback(address):
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def resolve_peers(hosts):
    """The IP addresses of ``hosts`` (names or addresses); unresolvable names
    are logged and skipped."""
    peers = set()
    for host in hosts:
        if not host:
            continue
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            _logger.error("FastAGI: cannot resolve allowed PBX host %r: %s", host, exc)
            continue
        peers.update(info[4][0] for info in infos)
    return peers


class _Server(socketserver.TCPServer):
    allow_reuse_address = True
    request_queue_size = 128  # the listen backlog (socketserver's default is 5)

    def __init__(self, address, handler, limits):
        self.__dict__.update(limits)
        self.active = 0
        self.per_peer = defaultdict(int)
        self.deadlines = {}
        self.late = set()
        self.refusals = 0
        self._lock = threading.Lock()
        self._logged = {}
        self._suppressed = defaultdict(int)
        self.pool = ThreadPoolExecutor(self.workers, thread_name_prefix="fastagi")
        super().__init__(address, handler)

    # -- refusals --------------------------------------------------------------
    def refuse(self, client_address, reason):
        """Count a refusal; log it once per peer, reason and ``log_period``."""
        peer = client_address[0] if client_address else "?"
        key = (peer, reason.split(":", 1)[0])
        now = time.monotonic()
        with self._lock:
            self.refusals += 1
            last = self._logged.get(key)
            if last is not None and now - last < self.log_period:
                self._suppressed[key] += 1
                return
            self._logged[key] = now
            suppressed = self._suppressed.pop(key, 0)
            if len(self._logged) > 4096:  # many peers: forget the oldest
                for old in sorted(self._logged, key=self._logged.get)[:2048]:
                    self._logged.pop(old, None)
        _logger.warning(
            "FastAGI: refused %s: %s%s",
            peer,
            reason,
            f" ({suppressed} more since the last report)" if suppressed else "",
        )

    def allowed(self, peer):
        if peer in self.allowed_peers:
            return True
        return self.allow_loopback and _loopback(peer)

    # -- header deadline (checked by the serve loop, no thread per client) -----
    def watch(self, sock):
        with self._lock:
            self.deadlines[sock] = time.monotonic() + self.header_timeout

    def unwatch(self, sock):
        """Stop watching ``sock``; True when its deadline had passed."""
        with self._lock:
            self.deadlines.pop(sock, None)
            if sock in self.late:
                self.late.discard(sock)
                return True
        return False

    def service_actions(self):
        now = time.monotonic()
        with self._lock:
            late = [sock for sock, end in self.deadlines.items() if end <= now]
            for sock in late:
                del self.deadlines[sock]
                self.late.add(sock)
        for sock in late:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # -- admission and the worker pool -----------------------------------------
    def verify_request(self, request, client_address):
        peer = client_address[0]
        if not self.allowed(peer):
            self.refuse(client_address, "not a configured PBX address")
            return False
        with self._lock:
            if self.active >= self.max_connections:
                reason = f"too many connections ({self.max_connections})"
            elif self.per_peer[peer] >= self.max_per_peer:
                reason = f"too many connections from it ({self.max_per_peer})"
            else:
                self.active += 1
                self.per_peer[peer] += 1
                return True
        self.refuse(client_address, reason)
        return False

    def process_request(self, request, client_address):
        self.pool.submit(self._work, request, client_address)

    def _work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - as socketserver's own worker thread
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            peer = client_address[0]
            with self._lock:
                self.active -= 1
                self.per_peer[peer] -= 1
                if self.per_peer[peer] <= 0:
                    del self.per_peer[peer]

    def server_close(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
        return super().server_close()


class FastAgiServer:
    """``FastAgiServer(host, port, handler).start()``; ``.port``; ``.stop()``.

    ``allowed_peers``: the PBX hosts (names or addresses) that may connect;
    loopback is accepted too unless ``allow_loopback=False``.
    """

    def __init__(
        self,
        host,
        port,
        handler,
        allowed_peers=(),
        allow_loopback=True,
        max_connections=128,
        max_per_peer=128,
        workers=64,
        max_line=MAX_LINE,
        max_env_lines=MAX_ENV_LINES,
        header_timeout=10.0,
        log_period=60.0,
    ):
        self.host = host
        self.requested_port = port
        self.handler = handler
        self.allowed_peers = tuple(allowed_peers or ())
        self.limits = {
            "allow_loopback": allow_loopback,
            "max_connections": max_connections,
            "max_per_peer": max_per_peer,
            "workers": workers,
            "max_line": max_line,
            "max_env_lines": max_env_lines,
            "header_timeout": header_timeout,
            "log_period": log_period,
        }
        self._server = None
        self._thread = None

    def start(self):
        limits = dict(self.limits, allowed_peers=resolve_peers(self.allowed_peers))
        server = _Server((self.host, self.requested_port), _Handler, limits)
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

    @property
    def refusals(self):
        return self._server.refusals if self._server else 0

    @property
    def connections(self):
        return self._server.active if self._server else 0

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
    "AgiProtocolError",
    "AgiResponse",
    "AgiSession",
    "FastAgiServer",
    "default_handler",
]
