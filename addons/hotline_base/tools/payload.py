# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Validation of what outside systems post (customer API, SMS and fax gateways).

Each check raises ``ValueError`` with a message meant for the client, so the
controllers answer 400 instead of failing deep in the ORM or the database with
a 500 (and a traceback holding the body in the log).
"""

import json
import math
from datetime import datetime, timezone

MAX_DEPTH = 32
YEARS = (1970, 2999)


def check_values(payload, max_depth=MAX_DEPTH):
    """Refuse nesting deeper than ``max_depth``, NUL characters in strings and
    keys, and numbers that are not finite (``1e400`` is infinity)."""
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise ValueError(f"JSON nested deeper than {max_depth} levels.")
            if isinstance(value, dict):
                for key in value:
                    if "\x00" in key:
                        raise ValueError("Keys must not contain NUL characters.")
                items = value.values()
            else:
                items = value
            stack.extend((item, depth + 1) for item in items)
        elif isinstance(value, str):
            if "\x00" in value:
                raise ValueError("Strings must not contain NUL characters.")
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError("Numbers must be finite.")
    return payload


def load_json(raw, max_depth=MAX_DEPTH):
    """The JSON document ``raw`` (bytes), checked by :func:`check_values`."""
    try:
        payload = json.loads(raw or b"null")
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {max_depth} levels.") from None
    except ValueError as error:
        # the decoder's message names a position, never the body itself
        raise ValueError(f"Body is not JSON: {error}") from None
    return check_values(payload, max_depth)


def parse_datetime(value, key="received_at"):
    """Naive UTC datetime of an ISO 8601 string in a plausible year."""
    try:
        when = datetime.fromisoformat(str(value))
        if when.tzinfo:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise ValueError(f"{key} must be an ISO 8601 date and time.") from None
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise ValueError(f"{key} must be between {YEARS[0]} and {YEARS[1]}.")
    return when


def parse_count(value, key, maximum):
    """A whole number between 0 and ``maximum``."""
    try:
        number = -1 if isinstance(value, bool) else int(value)
    except (TypeError, ValueError, OverflowError):
        number = -1
    if not 0 <= number <= maximum:
        raise ValueError(f"{key} must be a number between 0 and {maximum}.")
    return number


def check_text(value, key, limit):
    """``value`` (a string) is at most ``limit`` characters, without NUL."""
    if "\x00" in value:
        raise ValueError(f"{key} must not contain NUL characters.")
    if len(value) > limit:
        raise ValueError(f"{key} is longer than {limit} characters.")
    return value
