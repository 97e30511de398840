# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Asterisk Manager Interface (AMI) framing: an incremental parser and a serializer.

The byte stream is ``Asterisk Call Manager/11.0.0\\r\\n`` (the banner, one line),
then messages made of ``Key: Value\\r\\n`` lines, each ended by an empty line.
Messages keep their field order and repeated keys (``ChanVariable``, ``Variable``,
``Output``).  Bad input never raises: invalid UTF-8 is decoded with replacement,
oversized frames are dropped, lines without a colon are kept with an empty key.
Each kind of bad input is logged once, then at most once per ``LOG_PERIOD`` as a
count of what was tolerated since (a hostile peer must not flood the log).
"""

import itertools
import logging
import threading
import time

_logger = logging.getLogger(__name__)

EOL = b"\r\n"
BANNER_PREFIX = b"Asterisk Call Manager/"
DEFAULT_MAX_FRAME = 1024 * 1024
# seconds between two warnings of the same kind of bad input
LOG_PERIOD = 60.0


class _LogLimiter:
    """First warning of each kind, then one summary per period with the count
    of the occurrences that were not logged."""

    __slots__ = ("_clock", "_last", "_period", "_suppressed")

    def __init__(self, period=LOG_PERIOD, clock=time.monotonic):
        self._period = period
        self._clock = clock
        self._last = {}
        self._suppressed = {}

    def warning(self, kind, msg, *args):
        now = self._clock()
        last = self._last.get(kind)
        if last is not None and now - last < self._period:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return
        self._last[kind] = now
        skipped = self._suppressed.pop(kind, 0)
        if skipped:
            msg += " (%d more not logged in the last %d s)"
            args += (skipped, int(self._period))
        _logger.warning(msg, *args)


class AmiMessage:
    """One AMI message: ordered (key, value) pairs, duplicates kept."""

    __slots__ = ("_index", "pairs", "raw_size")

    def __init__(self, pairs=None, raw_size=0):
        self.pairs = list(pairs or [])
        self._index = None
        self.raw_size = raw_size

    @classmethod
    def from_dict(cls, first=None, **fields):
        pairs = [first] if first else []
        for key, value in fields.items():
            if isinstance(value, list | tuple):
                pairs.extend((key, str(v)) for v in value)
            elif value is not None:
                pairs.append((key, str(value)))
        return cls(pairs)

    def _idx(self):
        if self._index is None:
            index = {}
            for key, value in self.pairs:
                index.setdefault(key.lower(), value)
            self._index = index
        return self._index

    def get(self, key, default=None):
        """First value of ``key`` (case-insensitive), ``default`` if absent."""
        return self._idx().get(key.lower(), default)

    def get_all(self, key):
        """Every value of ``key`` in order (repeated keys are kept)."""
        lkey = key.lower()
        return [v for k, v in self.pairs if k.lower() == lkey]

    def __contains__(self, key):
        return key.lower() in self._idx()

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)

    def __eq__(self, other):
        return isinstance(other, AmiMessage) and self.pairs == other.pairs

    def __repr__(self):
        head = self.pairs[0] if self.pairs else ("", "")
        return f"<AmiMessage {head[0]}: {head[1]} ({len(self.pairs)} fields)>"

    def chan_variables(self):
        """``ChanVariable: NAME=value`` lines as a dict (last one wins per name)."""
        result = {}
        for value in self.get_all("ChanVariable"):
            name, _sep, val = value.partition("=")
            result[name] = val
        return result

    def variables(self):
        """``Variable: NAME=value`` lines as a dict."""
        result = {}
        for value in self.get_all("Variable"):
            name, _sep, val = value.partition("=")
            result[name] = val
        return result

    @property
    def event(self):
        return self.get("Event")

    @property
    def response(self):
        return self.get("Response")

    @property
    def action_id(self):
        return self.get("ActionID")

    @property
    def is_event(self):
        return bool(self.pairs) and self.pairs[0][0].lower() == "event"

    @property
    def is_response(self):
        return bool(self.pairs) and self.pairs[0][0].lower() == "response"

    def as_dict(self):
        """Plain dict (first value per key); repeated keys are lists."""
        result = {}
        for key, value in self.pairs:
            if key in result:
                if not isinstance(result[key], list):
                    result[key] = [result[key]]
                result[key].append(value)
            else:
                result[key] = value
        return result

    def serialize(self):
        return serialize_pairs(self.pairs)


def _clean(value):
    """Values are one line: CR/LF inside would forge extra fields."""
    text = str(value)
    if "\r" in text or "\n" in text:
        text = text.replace("\r", " ").replace("\n", " ")
    return text


def serialize_pairs(pairs):
    out = []
    for key, value in pairs:
        out.append(f"{_clean(key)}: {_clean(value)}\r\n".encode())
    out.append(EOL)
    return b"".join(out)


_action_counter = itertools.count(1)
_counter_lock = threading.Lock()


def next_action_id(prefix="odoo"):
    with _counter_lock:
        return f"{prefix}-{next(_action_counter)}"


def serialize_action(name, action_id=None, **fields):
    """Bytes of ``Action: name`` with an ActionID (generated when not given).

    List values are sent as repeated keys (``Variable=["A=1", "B=2"]``).
    Returns ``(action_id, bytes)``.
    """
    if action_id is None:
        action_id = next_action_id(name.lower())
    pairs = [("Action", name), ("ActionID", action_id)]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value)
        elif isinstance(value, dict):
            pairs.extend((key, f"{k}={v}") for k, v in value.items())
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, value))
    return action_id, serialize_pairs(pairs)


class AmiParser:
    """Incremental AMI parser: ``feed(bytes)`` returns the complete messages.

    ``banner`` holds the banner line once seen.  Counters ``dropped_frames``,
    ``decode_errors`` and ``bad_lines`` tell what was tolerated.
    """

    def __init__(
        self,
        max_frame=DEFAULT_MAX_FRAME,
        expect_banner=True,
        name="ami",
        log_period=LOG_PERIOD,
        clock=time.monotonic,
    ):
        self.max_frame = max_frame
        self._log = _LogLimiter(log_period, clock)
        self.expect_banner = expect_banner
        self.name = name
        self.banner = None
        self._buf = bytearray()
        self._lines = []
        self._size = 0
        self._dropping = False
        self.dropped_frames = 0
        self.decode_errors = 0
        self.bad_lines = 0
        self.messages = 0

    def _decode(self, raw):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.decode_errors += 1
            self._log.warning(
                "decode",
                "%s: invalid UTF-8 in AMI line, decoded with replacement: %r",
                self.name,
                raw[:80],
            )
            return raw.decode("utf-8", errors="replace")

    def feed(self, data):
        self._buf += data
        out = []
        buf = self._buf
        start = 0
        while True:
            nl = buf.find(b"\n", start)
            if nl < 0:
                break
            line = bytes(buf[start:nl])
            start = nl + 1
            if line.endswith(b"\r"):
                line = line[:-1]
            self._line(line, out)
        if start:
            del buf[:start]
        # a frame that never ends must not eat memory: cap the pending bytes too
        if len(buf) + self._size > self.max_frame:
            self._drop(f"unterminated line of {len(buf)} bytes")
            del buf[:]
        return out

    def _drop(self, why):
        if not self._dropping:
            self.dropped_frames += 1
            self._log.warning(
                "drop",
                "%s: oversized AMI frame dropped (%s, limit %d bytes)",
                self.name,
                why,
                self.max_frame,
            )
        self._dropping = True
        self._lines = []
        self._size = 0

    def _line(self, line, out):
        if (
            self.expect_banner
            and self.banner is None
            and not self._lines
            and line.startswith(BANNER_PREFIX)
        ):
            self.banner = self._decode(line)
            return
        if not line:
            if self._dropping:
                self._dropping = False
                return
            if self._lines:
                msg = AmiMessage(self._lines, self._size)
                self._lines = []
                self._size = 0
                self.messages += 1
                out.append(msg)
            return
        if self._dropping:
            return
        self._size += len(line) + 2
        if self._size > self.max_frame:
            self._drop(f"more than {self._size} bytes")
            return
        text = self._decode(line)
        key, sep, value = text.partition(":")
        if not sep:
            self.bad_lines += 1
            self._log.warning(
                "colon",
                "%s: AMI line without colon kept as is: %r",
                self.name,
                text[:80],
            )
            self._lines.append(("", text))
            return
        value = value.removeprefix(" ")
        self._lines.append((key.strip(), value))

    def flush(self):
        """End of stream: return a pending message without its blank line."""
        out = []
        if self._buf:
            line = bytes(self._buf)
            self._buf = bytearray()
            self._line(line.rstrip(b"\r"), out)
        if self._lines and not self._dropping:
            out.append(AmiMessage(self._lines, self._size))
        self._lines = []
        self._size = 0
        self._dropping = False
        return out


def parse_all(data, **kwargs):
    """Parse a whole byte string (a capture) into messages."""
    parser = AmiParser(**kwargs)
    return parser.feed(data) + parser.flush()
