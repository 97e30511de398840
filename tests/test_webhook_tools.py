"""Outbound webhook signing, verification, retry policy and HTTP call
(hotline_base/tools/webhook.py) against a local receiver
(hotline_base/tests/webhook_fake.py): no Odoo, no database."""

import hashlib
import hmac
import importlib.util
import json
from pathlib import Path

import pytest
from hotline_base_fakes import webhook_fake as fake_mod

ROOT = Path(__file__).resolve().parents[1] / "addons" / "hotline_base"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wh = _load("hotline_webhook_tools", ROOT / "tools" / "webhook.py")

SECRET = "s3cr3t-key"
BODY = wh.encode_body({"event": "case.created", "data": {"number": "HL-1", "名": "王"}})


@pytest.fixture(scope="module")
def receiver():
    srv = fake_mod.FakeWebhookReceiver().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _reset(receiver):
    receiver.reset()


def test_body_is_canonical_utf8_json():
    assert (
        BODY == '{"data":{"number":"HL-1","名":"王"},"event":"case.created"}'.encode()
    )
    assert wh.encode_body({"b": 1, "a": 2}) == wh.encode_body({"a": 2, "b": 1})


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(
        SECRET.encode(), b"1764752400." + BODY, hashlib.sha256
    ).hexdigest()
    assert wh.sign(SECRET, 1764752400, BODY) == "sha256=" + expected
    assert wh.sign(SECRET, "1764752400", BODY.decode()) == "sha256=" + expected


def test_sign_refuses_an_empty_secret():
    with pytest.raises(ValueError):
        wh.sign("", 1, BODY)


def test_verify_accepts_the_right_signature_only():
    sig = wh.sign(SECRET, 1000, BODY)
    assert wh.verify(SECRET, sig, "1000", BODY, now=1010)
    assert not wh.verify("other", sig, "1000", BODY, now=1010)
    assert not wh.verify(SECRET, sig, "1001", BODY, now=1010)
    assert not wh.verify(SECRET, sig, "1000", BODY + b" ", now=1010)
    assert not wh.verify(
        SECRET, sig.replace("sha256=", "sha1="), "1000", BODY, now=1010
    )
    assert not wh.verify(SECRET, None, "1000", BODY, now=1010)
    assert not wh.verify(SECRET, sig, "not-a-number", BODY, now=1010)


def test_verify_refuses_an_old_or_future_timestamp():
    sig = wh.sign(SECRET, 1000, BODY)
    assert wh.verify(SECRET, sig, 1000, BODY, now=1300)
    assert not wh.verify(SECRET, sig, 1000, BODY, now=1301)
    assert not wh.verify(SECRET, sig, 1000, BODY, now=699)
    assert wh.verify(SECRET, sig, 1000, BODY, now=1600, tolerance=600)


def test_headers_of_a_try():
    headers = wh.build_headers(SECRET, "call.ended", "d-1", BODY, timestamp=1234)
    assert headers["X-Hotline-Event"] == "call.ended"
    assert headers["X-Hotline-Delivery"] == "d-1"
    assert headers["X-Hotline-Timestamp"] == "1234"
    assert headers["X-Hotline-Signature"] == wh.sign(SECRET, 1234, BODY)
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "status,retry",
    [
        (None, True),
        (500, True),
        (502, True),
        (503, True),
        (408, True),
        (429, True),
        (400, False),
        (401, False),
        (404, False),
        (410, False),
        (301, False),
    ],
)
def test_retry_policy(status, retry):
    assert wh.is_retryable(status) is retry


def test_backoff_doubles_and_is_capped():
    no_jitter = [wh.backoff(n, base=30, cap=600, rand=lambda: 0) for n in range(8)]
    assert no_jitter == [0, 30, 60, 120, 240, 480, 600, 600]
    # jitter adds up to 20 % and never passes the cap
    assert wh.backoff(2, base=30, cap=600, rand=lambda: 1) == 72
    assert wh.backoff(5, base=30, cap=600, rand=lambda: 1) == 576
    assert wh.backoff(6, base=30, cap=600, rand=lambda: 1) == 600
    assert wh.backoff(200, base=30, cap=600) == 600


def test_retry_after_header():
    assert wh.parse_retry_after("120") == 120
    assert wh.parse_retry_after("99999", cap=3600) == 3600
    assert wh.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert wh.parse_retry_after(None) is None


def test_post_delivers_a_verifiable_request(receiver):
    headers = wh.build_headers(SECRET, "case.created", "d-42", BODY)
    result = wh.post(receiver.url, BODY, headers, timeout=2)
    assert result.ok and result.status == 200 and not result.error
    (request,) = receiver.requests
    assert request["raw"] == BODY
    h = request["headers"]
    assert h["x-hotline-delivery"] == "d-42"
    assert wh.verify(
        SECRET, h["x-hotline-signature"], h["x-hotline-timestamp"], request["raw"]
    )
    assert json.loads(request["raw"])["data"]["名"] == "王"


def test_post_reports_server_errors_and_retry_after(receiver):
    receiver.push(500)
    result = wh.post(receiver.url, BODY, {}, timeout=2)
    assert not result.ok and result.status == 500 and "500" in result.error
    receiver.push(429, headers={"Retry-After": "90"})
    result = wh.post(receiver.url, BODY, {}, timeout=2)
    assert result.status == 429 and result.retry_after == 90


def test_post_times_out_without_raising(receiver):
    receiver.push(200, delay=1.5)
    result = wh.post(receiver.url, BODY, {}, timeout=0.3)
    assert not result.ok and result.status is None
    assert result.error.startswith("timeout")
    assert wh.is_retryable(result.status)


def test_post_connection_refused_without_raising():
    result = wh.post("http://127.0.0.1:9/hook", BODY, {}, timeout=1)
    assert not result.ok and result.status is None and result.error
