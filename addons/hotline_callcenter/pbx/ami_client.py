# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A threaded AMI client: actions with ActionID correlation, event lists, events,
a watchdog that detects a dead reader and reconnects with exponential backoff.

It replaces pyst2's ``asterisk.manager.Manager`` (see ``pyst2_compat`` for why).

Usage::

    with AmiClient("127.0.0.1", 5038, "odoo", "secret", on_event=print) as ami:
        ami.action("Ping")
        response, channels = ami.action_list("CoreShowChannels")
"""

import contextlib
import logging
import socket
import threading
import time

from .ami_protocol import AmiParser, next_action_id, serialize_action

_logger = logging.getLogger(__name__)


class AmiError(Exception):
    """Base class of every AMI failure."""


class AmiConnectionRefused(AmiError):
    """Nothing listens on the AMI address (or the host is unreachable)."""


class AmiTimeout(AmiError):
    """No answer in time (TCP connect, banner or an action's Response)."""


class AmiAuthError(AmiError):
    """Asterisk refused the login (``Authentication failed``)."""


class AmiConnectionLost(AmiError):
    """The AMI connection closed while an action waited for its answer."""


class AmiActionError(AmiError):
    """Asterisk answered ``Response: Error``; ``message`` is its ``Message:``."""

    def __init__(self, message, response=None, action=None):
        super().__init__(message)
        self.message = message
        self.response = response
        self.action = action


class _Pending:
    __slots__ = (
        "action",
        "done",
        "error",
        "events",
        "is_list",
        "list_done",
        "response",
    )

    def __init__(self, action, is_list=False):
        self.action = action
        self.done = threading.Event()
        self.list_done = threading.Event()
        self.response = None
        self.events = []
        self.is_list = is_list
        self.error = None


class AmiClient:
    """One AMI session.

    :param on_event: ``callable(AmiMessage)`` called (in the reader thread) for
        every event, list items included; exceptions it raises are logged.
    :param on_connect: ``callable(client)`` called after every successful
        (re)login, e.g. to resynchronise.
    :param on_disconnect: ``callable(client, reason)``.
    """

    def __init__(
        self,
        host,
        port,
        username,
        secret,
        timeout=5.0,
        events=True,
        on_event=None,
        on_connect=None,
        on_disconnect=None,
        name=None,
        backoff_initial=0.5,
        backoff_max=30.0,
        keepalive=20.0,
    ):
        self.host = host
        self.port = int(port)
        self.username = username
        self.secret = secret
        self.timeout = timeout
        self.events = events
        self.on_event = on_event
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect
        self.name = name or f"ami {host}:{port}"
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.keepalive = keepalive
        self.banner = None
        self.parser = None
        self._sock = None
        self._send_lock = threading.Lock()
        self._pending = {}
        self._pending_lock = threading.Lock()
        self._reader = None
        self._watchdog = None
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._logged_in = False
        self._last_rx = time.monotonic()
        self.reconnects = 0
        self.reader_restarts = 0
        self.events_received = 0

    # -- context manager ---------------------------------------------------------
    def __enter__(self):
        self.connect()
        self.login()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def connected(self):
        return self._connected.is_set() and self._logged_in

    # -- connection ----------------------------------------------------------------
    def connect(self):
        """Open the TCP session and read the banner; starts the reader thread."""
        addr = f"{self.host}:{self.port}"
        try:
            sock = socket.create_connection(
                (self.host, self.port), timeout=self.timeout
            )
        except TimeoutError as exc:
            raise AmiTimeout(
                f"Timed out after {self.timeout:g} s connecting to {addr}"
            ) from exc
        except ConnectionRefusedError as exc:
            raise AmiConnectionRefused(f"Connection refused by {addr}") from exc
        except OSError as exc:
            raise AmiConnectionRefused(
                f"Cannot reach {addr}: {exc.strerror or exc}"
            ) from exc
        parser = AmiParser(name=self.name)
        early = []
        deadline = time.monotonic() + self.timeout
        try:
            while parser.banner is None:
                if time.monotonic() > deadline:
                    raise AmiTimeout(
                        f"No AMI banner from {addr} after {self.timeout:g} s"
                    )
                try:
                    data = sock.recv(65536)
                except TimeoutError as exc:
                    raise AmiTimeout(
                        f"No AMI banner from {addr} after {self.timeout:g} s"
                    ) from exc
                if not data:
                    raise AmiConnectionRefused(
                        f"{addr} closed the connection before the banner"
                    )
                early.extend(parser.feed(data))
                if early and parser.banner is None:
                    raise AmiError(f"{addr} is not an Asterisk Manager Interface")
        except BaseException:
            sock.close()
            raise
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self.parser = parser
        self.banner = parser.banner
        self._connected.set()
        self._last_rx = time.monotonic()
        self._reader = threading.Thread(
            target=self._read_loop,
            args=(sock, parser, early),
            name=f"{self.name} reader",
            daemon=True,
        )
        self._reader.start()
        return self.banner

    def login(self):
        """Log in; raises :class:`AmiAuthError` on bad credentials."""
        try:
            self.action(
                "Login",
                Username=self.username,
                Secret=self.secret,
                Events="on" if self.events else "off",
            )
        except AmiActionError as exc:
            self._close_socket()
            if "auth" in exc.message.lower():
                raise AmiAuthError(
                    f"Login refused for user '{self.username}': bad credentials "
                    f"({exc.message})"
                ) from exc
            raise
        except AmiConnectionLost as exc:
            raise AmiAuthError(
                f"Login refused for user '{self.username}': "
                "connection closed by the PBX"
            ) from exc
        self._logged_in = True
        return True

    def close(self):
        """Log off (best effort) and stop every thread."""
        self._stop.set()
        if self._connected.is_set() and self._logged_in:
            with contextlib.suppress(AmiError):
                self.action("Logoff", timeout=1.0)
        self._close_socket()
        for thread in (self._reader, self._watchdog):
            if thread and thread is not threading.current_thread():
                thread.join(timeout=2)

    def _close_socket(self):
        sock, self._sock = self._sock, None
        self._connected.clear()
        self._logged_in = False
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    # -- reading -------------------------------------------------------------------
    def _read_loop(self, sock, parser, early):
        reason = "connection closed by the PBX"
        try:
            for msg in early:
                self._dispatch(msg)
            while not self._stop.is_set():
                try:
                    data = sock.recv(262144)
                except OSError as exc:
                    reason = f"socket error: {exc}"
                    break
                if not data:
                    break
                self._last_rx = time.monotonic()
                for msg in parser.feed(data):
                    self._dispatch(msg)
        except Exception as exc:  # the watchdog must hear about any death
            reason = f"reader crashed: {exc!r}"
            _logger.exception("%s: reader thread crashed", self.name)
        finally:
            current = sock is self._sock or self._sock is None
            was_logged_in = self._logged_in
            if current:
                self._connected.clear()
                self._logged_in = False
                self._fail_pending(reason)
            if current and was_logged_in and not self._stop.is_set():
                _logger.warning("%s: AMI connection lost (%s)", self.name, reason)
                if self.on_disconnect:
                    try:
                        self.on_disconnect(self, reason)
                    except Exception:
                        _logger.exception("%s: on_disconnect failed", self.name)

    def _fail_pending(self, reason):
        with self._pending_lock:
            pending = list(self._pending.values())
            self._pending.clear()
        for item in pending:
            item.error = AmiConnectionLost(f"{item.action}: {reason}")
            item.done.set()
            item.list_done.set()

    def _dispatch(self, msg):
        action_id = msg.get("ActionID")
        if msg.is_response:
            with self._pending_lock:
                item = self._pending.get(action_id) if action_id else None
                if item is None and not action_id and self._pending:
                    # an action sent without ActionID is answered without one
                    item = next(iter(self._pending.values()))
                if item is not None and not item.is_list:
                    self._pending.pop(action_id, None)
            if item is None:
                _logger.debug("%s: unexpected response %r", self.name, msg)
                return
            item.response = msg
            item.done.set()
            if msg.get("Response") == "Error" or (
                item.is_list
                and "EventList" not in msg
                and msg.get("Response") != "Success"
            ):
                item.list_done.set()
            elif item.is_list and "EventList" not in msg:
                # a list action answered without a list (e.g. nothing to show)
                item.list_done.set()
            return
        if msg.is_event:
            if action_id:
                with self._pending_lock:
                    item = self._pending.get(action_id)
                if item is not None and item.is_list:
                    if (msg.get("EventList") or "").lower() == "complete":
                        with self._pending_lock:
                            self._pending.pop(action_id, None)
                        item.events.append(msg)
                        item.list_done.set()
                    else:
                        item.events.append(msg)
                    return
            self.events_received += 1
            if self.on_event is not None:
                try:
                    self.on_event(msg)
                except Exception:
                    _logger.exception("%s: event callback failed on %r", self.name, msg)
            return
        _logger.warning(
            "%s: AMI message that is neither response nor event: %r", self.name, msg
        )

    # -- actions -------------------------------------------------------------------
    def _send(self, name, fields, is_list, action_id=None):
        if not self._connected.is_set() or self._sock is None:
            raise AmiConnectionLost(f"{name}: not connected to {self.host}:{self.port}")
        action_id = action_id or next_action_id(name.lower())
        action_id, data = serialize_action(name, action_id, **fields)
        item = _Pending(name, is_list)
        with self._pending_lock:
            self._pending[action_id] = item
        try:
            with self._send_lock:
                self._sock.sendall(data)
        except (OSError, AttributeError) as exc:
            with self._pending_lock:
                self._pending.pop(action_id, None)
            raise AmiConnectionLost(f"{name}: {exc}") from exc
        return action_id, item

    def action(self, name, timeout=None, raise_on_error=True, action_id=None, **fields):
        """Send an action and wait for its Response (``AmiMessage``).

        ``action_id``: the ActionID to send (generated when not given), e.g.
        one that the events answering the action later will carry."""
        timeout = self.timeout if timeout is None else timeout
        action_id, item = self._send(name, fields, False, action_id)
        if not item.done.wait(timeout):
            with self._pending_lock:
                self._pending.pop(action_id, None)
            raise AmiTimeout(f"{name}: no response from the PBX after {timeout:g} s")
        if item.error:
            raise item.error
        response = item.response
        if raise_on_error and response.get("Response") == "Error":
            raise AmiActionError(response.get("Message") or "Error", response, name)
        return response

    def action_list(self, name, timeout=None, **fields):
        """Send a list action; returns ``(response, [item events])``."""
        timeout = self.timeout if timeout is None else timeout
        action_id, item = self._send(name, fields, True)
        if not item.list_done.wait(timeout):
            with self._pending_lock:
                self._pending.pop(action_id, None)
            raise AmiTimeout(f"{name}: event list not complete after {timeout:g} s")
        if item.error:
            raise item.error
        response = item.response
        if response is not None and response.get("Response") == "Error":
            raise AmiActionError(response.get("Message") or "Error", response, name)
        events = [
            e for e in item.events if (e.get("EventList") or "").lower() != "complete"
        ]
        return response, events

    # -- supervision ---------------------------------------------------------------
    def start(self):
        """Connect, log in and keep the session up (watchdog thread).

        Never raises for connection problems: they are logged and retried with
        exponential backoff.  ``wait_connected()`` tells when it is up.
        """
        self._stop.clear()
        self._watchdog = threading.Thread(
            target=self._watch, name=f"{self.name} watchdog", daemon=True
        )
        self._watchdog.start()
        return self

    def wait_connected(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            if self.connected:
                return True
            time.sleep(0.01)
        return self.connected

    def _watch(self):
        delay = self.backoff_initial
        first = True
        while not self._stop.is_set():
            reader = self._reader
            if self.connected and reader is not None and reader.is_alive():
                if self.keepalive and time.monotonic() - self._last_rx > self.keepalive:
                    try:
                        self.action("Ping")
                    except AmiError as exc:
                        _logger.warning(
                            "%s: keepalive Ping failed (%s), reconnecting",
                            self.name,
                            exc,
                        )
                        self._close_socket()
                self._stop.wait(0.2)
                continue
            if reader is not None and not reader.is_alive() and self._sock is not None:
                self.reader_restarts += 1
                _logger.warning("%s: reader thread is dead, reconnecting", self.name)
            self._close_socket()
            try:
                self.connect()
                self.login()
            except AmiError as exc:
                self._close_socket()
                _logger.warning(
                    "%s: cannot connect (%s); retrying in %.1f s", self.name, exc, delay
                )
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            delay = self.backoff_initial
            if not first:
                self.reconnects += 1
                _logger.info("%s: reconnected (%s)", self.name, self.banner)
            else:
                _logger.info("%s: connected (%s)", self.name, self.banner)
            first = False
            if self.on_connect:
                try:
                    self.on_connect(self)
                except Exception:
                    _logger.exception("%s: on_connect failed", self.name)


def test_connection(host, port, username, secret, timeout=5.0):
    """Try a login; ``(True, "...")`` or ``(False, "<one-line reason>")``."""
    client = AmiClient(host, port, username, secret, timeout=timeout, events=False)
    try:
        banner = client.connect()
        client.login()
        client.action("Ping")
    except AmiError as exc:
        return False, str(exc)
    finally:
        client.close()
    return True, f"Connected to {banner} at {host}:{port} as {username}"


test_connection.__test__ = False  # not a pytest test despite the name
