# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound webhooks: signature, retry policy and the HTTP call (no ORM).

A delivery is a POST of a JSON body (UTF-8, keys sorted, no spaces) with::

    Content-Type: application/json
    X-Hotline-Event: case.created
    X-Hotline-Delivery: 5d0c3f0e-...   (the delivery's id: receivers dedupe on it)
    X-Hotline-Timestamp: 1764752400    (Unix seconds of this try)
    X-Hotline-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

The receiver recomputes the HMAC over the timestamp, a dot and the raw body,
compares it in constant time (:func:`verify`) and refuses old timestamps
(replays). The same delivery keeps its id and body on every try; the timestamp
and signature are of the try.
"""

import hashlib
import hmac
import json
import random
import time
from collections import namedtuple

import requests

SIGNATURE_HEADER = "X-Hotline-Signature"
TIMESTAMP_HEADER = "X-Hotline-Timestamp"
EVENT_HEADER = "X-Hotline-Event"
DELIVERY_HEADER = "X-Hotline-Delivery"
USER_AGENT = "Hotline-Webhook/1.0"
SIGNATURE_PREFIX = "sha256="
# a receiver refuses a signature older (or newer) than this
DEFAULT_TOLERANCE = 300
# statuses worth another try besides 5xx (and timeouts / connection errors)
RETRY_STATUSES = frozenset({408, 425, 429})
# the answer's text kept on the delivery
RESPONSE_EXCERPT = 500

Result = namedtuple("Result", "ok status error elapsed_ms retry_after excerpt")


def encode_body(payload):
    """The bytes sent and signed: JSON, UTF-8, sorted keys, no spaces."""
    return json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def sign(secret, timestamp, body):
    """``sha256=<hex>`` of HMAC-SHA256 over ``b"<timestamp>." + body``."""
    if isinstance(body, str):
        body = body.encode()
    if not secret:
        raise ValueError("a webhook needs a secret to sign with")
    message = str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify(secret, signature, timestamp, body, now=None, tolerance=DEFAULT_TOLERANCE):
    """What a receiver does: True when ``signature`` is the secret's over
    ``timestamp`` and ``body`` and the timestamp is within ``tolerance`` s."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - stamp) > tolerance:
        return False
    if not signature or not signature.startswith(SIGNATURE_PREFIX):
        return False
    expected = sign(secret, stamp, body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def build_headers(secret, event, delivery_id, body, timestamp=None):
    """The request headers of one try."""
    stamp = int(time.time() if timestamp is None else timestamp)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(stamp),
        SIGNATURE_HEADER: sign(secret, stamp, body),
    }


def is_retryable(status):
    """Another try helps: no answer (timeout, connection error: ``None``),
    a server error (5xx), 408/425/429. Any other 4xx (and 3xx: redirects are
    not followed) will fail again: the delivery goes to the dead letters."""
    if status is None:
        return True
    return status >= 500 or status in RETRY_STATUSES


def backoff(tries, base=30, cap=3600, jitter=0.2, rand=random.random):
    """Seconds before the next try after ``tries`` failed ones: ``base`` doubled
    per try, capped at ``cap``, plus up to ``jitter`` of it at random (so that
    many deliveries failing together do not retry together), still capped."""
    if tries < 1:
        return 0
    delay = min(cap, base * 2 ** min(tries - 1, 32))
    return min(cap, delay + delay * jitter * rand())


def parse_retry_after(value, cap=3600):
    """Seconds of a ``Retry-After`` header in seconds form, capped, or None."""
    try:
        seconds = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return max(0, min(cap, seconds))


def post(url, body, headers, timeout=5.0):
    """POST ``body``: a :class:`Result` (never raises on network errors)."""
    start = time.monotonic()
    try:
        response = requests.post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        elapsed = int((time.monotonic() - start) * 1000)
        return Result(False, None, f"timeout after {timeout:g} s", elapsed, None, "")
    except requests.RequestException as error:
        elapsed = int((time.monotonic() - start) * 1000)
        name = type(error).__name__
        return Result(False, None, f"{name}: {error}"[:300], elapsed, None, "")
    elapsed = int((time.monotonic() - start) * 1000)
    ok = 200 <= response.status_code < 300
    excerpt = (response.text or "")[:RESPONSE_EXCERPT]
    return Result(
        ok,
        response.status_code,
        "" if ok else f"HTTP {response.status_code} {response.reason or ''}".strip(),
        elapsed,
        parse_retry_after(response.headers.get("Retry-After")),
        excerpt,
    )


def iso(value):
    """A naive UTC datetime (Odoo's) as ``2026-12-03T08:00:00Z``; a date as
    ``2026-12-03``; None stays None."""
    if not value:
        return None
    if hasattr(value, "hour"):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def redact(value, keys):
    """A copy of a JSON value with the objects under ``keys`` set to None
    (a reporter's or caller's identity that must not leave)."""
    if isinstance(value, dict):
        return {
            key: None if key in keys else redact(item, keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item, keys) for item in value]
    return value
