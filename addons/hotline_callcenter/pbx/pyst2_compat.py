# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pyst2 0.5.1 on Python 3: what works, what is broken, and the fixes.

pyst2 is the design's AMI/AGI library, but its last release (2019) has Python 3
defects, each reproduced against pyst2 itself in ``tests/test_pyst2_compat.py``:

1. ``asterisk.manager.ManagerMsg.parse`` calls ``dict.has_key`` on the first
   ``ChanVariable`` line: the Manager's message loop fails with
   ``AttributeError``, then hangs in its ``finally`` joining the reader thread,
   so nothing (events, action responses) is delivered any more and the error
   only surfaces when the socket closes.  **Replaced**:
   :class:`pbx.ami_client.AmiClient` (parser :mod:`pbx.ami_protocol`), whose
   reader is watched and restarted.
2. Repeated keys (``Output:``, ``Variable:``, ``ChanVariable:``) collapse to the
   last value in ``ManagerMsg.headers``.  **Replaced**: ``AmiMessage.get_all``
   and ``.chan_variables()`` keep every value in order.
3. ``asterisk.agi.AGI()`` installs a SIGHUP handler in ``__init__``:
   ``ValueError: signal only works in main thread`` in a threaded FastAGI
   server.  **Fixed** here: :class:`ThreadedAGI` skips it (FastAGI reports the
   hangup in-band with the ``HANGUP`` line, not by a signal).
4. ``AGI.send_command`` writes ``str`` to the stream: a socket file opened in
   binary mode raises ``TypeError``.  **Fixed**: :class:`ThreadedAGI` encodes.
5. ``AGI.get_result`` does not expect the unsolicited ``HANGUP`` line Asterisk
   queues after a caller hangup: it reads it as the response (code 0) and
   raises ``AGIUnknownError``, then every later response is off by one line.
   **Fixed**: :class:`ThreadedAGI` skips the line, reads the real response
   and raises ``AGIHangup``; ``511`` also raises ``AGIHangup``.
6. ``asterisk.fastagi`` imports ``SocketServer`` (Python 2 name): it does not
   import on Python 3.  **Replaced**: :class:`pbx.fastagi.FastAgiServer`.

What is used from pyst2 as is: its AGI command helpers and result parsing
(``re_code``/``re_kv``), its exception classes, through :class:`ThreadedAGI`.
The connector itself talks AMI with :class:`pbx.ami_client.AmiClient` and
FastAGI with :class:`pbx.fastagi.AgiSession`.
"""

import logging
import sys

from asterisk import agi as pyst2_agi

from .ami_protocol import AmiMessage, parse_all

_logger = logging.getLogger(__name__)

AGIHangup = pyst2_agi.AGIHangup


class ThreadedAGI(pyst2_agi.AGI):
    """``asterisk.agi.AGI`` usable on a FastAGI socket in any thread.

    ``stdin``/``stdout`` are the connection's binary files
    (``sock.makefile("rb")``/``("wb")``).
    """

    def __init__(self, stdin, stdout, stderr=None):  # pylint: disable=super-init-not-called
        # no signal.signal(SIGHUP, ...): defect 3
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr if stderr is not None else _NullWriter()
        self._got_sighup = False
        self.env = {}
        self._get_agi_env()

    def send_command(self, command, *args):
        command = " ".join([command.strip(), *map(str, args)]).strip()
        command = command.replace("\r", " ").replace("\n", " ")
        data = (command + "\n").encode("utf-8")  # defect 4: bytes
        self.stdout.write(data)
        self.stdout.flush()

    def _readline(self):
        line = self.stdin.readline()
        if not line:
            raise pyst2_agi.AGISIGPIPEHangup("FastAGI connection closed")
        if isinstance(line, bytes):
            line = line.decode("utf-8", errors="replace")
        return line

    def get_result(self, stdin=None):
        # defect 5: an unsolicited HANGUP line precedes the response
        saw_hangup = False
        while True:
            line = self._readline()
            if line.strip() == "HANGUP":
                saw_hangup = True
                self._got_sighup = True
                continue
            break
        if line.startswith("511"):
            self._got_sighup = True
            raise pyst2_agi.AGIResultHangup(line.strip())
        pushback = _Pushback(line, self.stdin)
        real_stdin, self.stdin = self.stdin, pushback
        try:
            result = super().get_result()
        finally:
            self.stdin = real_stdin
        if saw_hangup:
            raise pyst2_agi.AGISIGHUPHangup("Caller hung up (HANGUP line)")
        return result


class _Pushback:
    """A one-line pushback in front of a binary stream, for pyst2's readline()."""

    def __init__(self, first, stream):
        self.first = first
        self.stream = stream

    def readline(self):
        if self.first is not None:
            line, self.first = self.first, None
            return line
        line = self.stream.readline()
        return (
            line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
        )


class _NullWriter:
    """pyst2 writes its debug trace to ``stderr``: drop it."""

    write = staticmethod(len)
    flush = staticmethod(lambda: None)


def parse_manager_lines(lines):
    """What pyst2's ``ManagerMsg`` gets (a list of ``"Key: Value\\r\\n"``) parsed
    without its defects 1 and 2: an :class:`AmiMessage`."""
    (message,) = parse_all(
        "".join(lines).encode("utf-8") + b"\r\n", expect_banner=False
    )
    return message


def fastagi_importable():
    """``True`` if pyst2's own ``asterisk.fastagi`` imports (it does not on Py3)."""
    try:
        __import__("asterisk.fastagi")
    except ImportError:
        return False
    finally:
        sys.modules.pop("asterisk.fastagi", None)
    return True


__all__ = [
    "AGIHangup",
    "AmiMessage",
    "ThreadedAGI",
    "fastagi_importable",
    "parse_manager_lines",
]
