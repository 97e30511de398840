# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local fake of the SMS providers' send APIs (plain Python, no Odoo).

One ``http.server`` in a thread answers as the provider a request is for:

- Aliyun ``SendSms`` (RPC style, 2017-05-25): parameters in the query string,
  ``x-acs-action: SendSms`` and an ``Authorization: ACS3-HMAC-SHA256 ...``
  header; answers ``{"Code": "OK", "BizId": ..., "RequestId": ...}``.
- Tencent ``SendSms`` (2021-01-11): JSON body, ``X-TC-Action: SendSms`` and an
  ``Authorization: TC3-HMAC-SHA256 ...`` header; answers
  ``{"Response": {"SendStatusSet": [{"Code": "Ok", "SerialNo": ...}], ...}}``.
- a generic gateway on ``/gw/send`` (JSON or form): ``{"code": 0, "msgid": ...}``.

The SDKs sign their requests: the fake checks that the signature is there (a
request without one gets the provider's signature error), not its value.
Tests queue answers with :meth:`FakeSmsServer.push` (HTTP status, JSON body,
delay) and read what arrived in :attr:`FakeSmsServer.requests`.
"""

import itertools
import json
import time
from urllib.parse import parse_qs, urlsplit

from .fake_http import FakeHandler, FakeHttpServer


class _Handler(FakeHandler):
    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def _handle(self):
        fake = self.server.fake
        raw = self.read_body()
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        if headers.get("x-acs-action"):
            kind = "aliyun"
        elif headers.get("x-tc-action"):
            kind = "tencent"
        else:
            kind = "http"
        body = None
        if raw:
            if "json" in headers.get("content-type", ""):
                body = json.loads(raw)
            else:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        record = {
            "kind": kind,
            "method": self.command,
            "path": split.path,
            "query": query,
            "headers": headers,
            "body": body,
        }
        scripted = fake.record(record)
        status, answer, delay = scripted or (200, None, 0)
        if delay:
            time.sleep(delay)
        if answer is None:
            status, answer = fake.default_answer(record)
        self.reply(status, answer)


class FakeSmsServer(FakeHttpServer):
    handler = _Handler

    def __init__(self):
        super().__init__()
        self._ids = itertools.count(1)

    def push(self, status=200, answer=None, delay=0):
        """Queue the answer to the next request (None: the provider's success)."""
        with self.lock:
            self.answers.append((status, answer, delay))

    def default_answer(self, record):
        """The provider's answer to a well-formed request (its errors otherwise)."""
        number = next(self._ids)
        headers = record["headers"]
        if record["kind"] == "aliyun":
            if not headers.get("authorization", "").startswith("ACS3-HMAC-SHA256 "):
                return 400, {
                    "Code": "IncompleteSignature",
                    "Message": "The request signature is incomplete.",
                }
            query = record["query"]
            if not query.get("SignName"):
                return 200, {
                    "Code": "isv.SMS_SIGNATURE_ILLEGAL",
                    "Message": "该账号下找不到对应签名",
                    "RequestId": f"req-{number}",
                }
            return 200, {
                "Code": "OK",
                "Message": "OK",
                "BizId": f"{900000 + number}^0",
                "RequestId": f"req-{number}",
            }
        if record["kind"] == "tencent":
            if not headers.get("authorization", "").startswith("TC3-HMAC-SHA256 "):
                return 200, {
                    "Response": {
                        "Error": {
                            "Code": "AuthFailure.SignatureFailure",
                            "Message": "Credentials could not be validated.",
                        },
                        "RequestId": f"req-{number}",
                    }
                }
            body = record["body"] or {}
            return 200, {
                "Response": {
                    "SendStatusSet": [
                        {
                            "SerialNo": f"2640:{number}",
                            "PhoneNumber": phone,
                            "Fee": 1,
                            "SessionContext": body.get("SessionContext", ""),
                            "Code": "Ok",
                            "Message": "send success",
                            "IsoCode": "CN",
                        }
                        for phone in body.get("PhoneNumberSet", [])
                    ],
                    "RequestId": f"req-{number}",
                }
            }
        return 200, {"code": 0, "msg": "ok", "data": {"msgid": f"gw-{number}"}}

    # provider answers the tests queue
    @staticmethod
    def aliyun_error(code, message):
        return {"Code": code, "Message": message, "RequestId": "req-err"}

    @staticmethod
    def tencent_status_error(code, message, number="+8613800000000"):
        return {
            "Response": {
                "SendStatusSet": [
                    {
                        "SerialNo": "",
                        "PhoneNumber": number,
                        "Fee": 0,
                        "SessionContext": "",
                        "Code": code,
                        "Message": message,
                        "IsoCode": "CN",
                    }
                ],
                "RequestId": "req-err",
            }
        }

    @staticmethod
    def tencent_error(code, message):
        return {
            "Response": {
                "Error": {"Code": code, "Message": message},
                "RequestId": "req-err",
            }
        }
