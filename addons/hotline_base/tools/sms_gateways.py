# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Clients of the Chinese SMS providers (plain Python, no ORM).

Chinese carriers only take approved templates sent with an approved signature
(签名): a client sends one templated message to one number and answers a
:class:`SendResult` (ok, the provider's message id, its error code and text,
whether trying again later may help, and the ``sms.sms`` failure type the error
stands for). A client never raises for what the provider or the network
answers: every outcome is a result.

- :class:`AliyunSmsClient`: Alibaba Cloud SMS ``SendSms`` (API 2017-05-25)
  through the official SDK ``alibabacloud-dysmsapi20170525`` (``SignName``,
  ``TemplateCode``, ``TemplateParam`` as JSON, ``OutId``).
- :class:`TencentSmsClient`: Tencent Cloud SMS ``SendSms`` (API 2021-01-11)
  through ``tencentcloud-sdk-python-sms`` (``SmsSdkAppId``, ``SignName``,
  ``TemplateId``, ``TemplateParamSet``, ``SessionContext``).
- :class:`HttpTemplateClient`: the many domestic gateways with an HTTP API: a
  URL, a method, a JSON or form body built from a template with placeholders, a
  success rule (a path in the JSON answer and its expected value).

The idempotency key of a message (the ``sms.sms`` uuid) travels as ``OutId`` /
``SessionContext`` / ``{{out_id}}`` and comes back in delivery reports, parsed
here too (:func:`parse_delivery_reports`).
"""

import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10  # seconds

# failure types of Odoo's sms.sms
NUMBER_FORMAT = "sms_number_format"
CREDIT = "sms_credit"
SERVER = "sms_server"
ACCOUNT = "sms_acc"
COUNTRY = "sms_country_not_supported"
BLACKLIST = "sms_blacklist"
UNKNOWN = "unknown"


class MalformedReport(ValueError):
    """A delivery report the provider's documented format does not allow."""


class TemplateError(ValueError):
    """A gateway request template that cannot be used."""


@dataclass
class SendResult:
    """What the provider answered for one message."""

    ok: bool
    message_id: str = ""
    error_code: str = ""
    error_text: str = ""
    transient: bool = False
    failure_type: str = ""

    @classmethod
    def success(cls, message_id):
        return cls(ok=True, message_id=str(message_id or ""))

    @classmethod
    def failure(cls, code, text, failure_type=UNKNOWN, transient=False):
        return cls(
            ok=False,
            error_code=str(code or ""),
            error_text=str(text or ""),
            failure_type=SERVER if transient else failure_type,
            transient=transient,
        )


@dataclass
class DeliveryReport:
    """One status report pushed by a provider."""

    message_id: str
    reference: str  # the OutId / SessionContext we sent (sms uuid), when given
    delivered: bool
    code: str = ""
    text: str = ""
    number: str = ""


# --- error codes ----------------------------------------------------------
# Alibaba Cloud SMS API error codes (help.aliyun.com/document_detail/101346):
# code -> (failure type, transient)
ALIYUN_ERRORS = {
    "isv.MOBILE_NUMBER_ILLEGAL": (NUMBER_FORMAT, False),
    "isv.MOBILE_COUNT_OVER_LIMIT": (NUMBER_FORMAT, False),
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": (COUNTRY, False),
    "isv.AMOUNT_NOT_ENOUGH": (CREDIT, False),
    "isv.OUT_OF_SERVICE": (CREDIT, False),
    "isv.ACCOUNT_NOT_EXISTS": (ACCOUNT, False),
    "isv.ACCOUNT_ABNORMAL": (ACCOUNT, False),
    "isv.PRODUCT_UN_SUBSCRIPT": (ACCOUNT, False),
    "isv.PRODUCT_UNSUBSCRIBE": (ACCOUNT, False),
    "isp.RAM_PERMISSION_DENY": (ACCOUNT, False),
    "InvalidAccessKeyId.NotFound": (ACCOUNT, False),
    "SignatureDoesNotMatch": (ACCOUNT, False),
    "isv.BLACK_KEY_CONTROL_LIMIT": (BLACKLIST, False),
    # per-number flow control (1/min, 5/h): later may work
    "isv.BUSINESS_LIMIT_CONTROL": (SERVER, True),
    "Throttling": (SERVER, True),
    "Throttling.User": (SERVER, True),
    "Throttling.Api": (SERVER, True),
    "isp.SYSTEM_ERROR": (SERVER, True),
    "isv.SYSTEM_ERROR": (SERVER, True),
    "InternalError": (SERVER, True),
    "ServiceUnavailable": (SERVER, True),
    "isv.DAY_LIMIT_CONTROL": (SERVER, False),
    "isv.MONTH_LIMIT_CONTROL": (SERVER, False),
}

# Tencent Cloud SMS API 3.0 error codes (cloud.tencent.com/document/api/382/59177)
TENCENT_ERRORS = {
    "InvalidParameterValue.IncorrectPhoneNumber": (NUMBER_FORMAT, False),
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": (
        COUNTRY,
        False,
    ),
    "UnsupportedOperation.UnsupportedRegion": (COUNTRY, False),
    "FailedOperation.InsufficientBalanceInSmsPackage": (CREDIT, False),
    "FailedOperation.PhoneNumberInBlacklist": (BLACKLIST, False),
    "InvalidParameterValue.SdkAppIdNotExist": (ACCOUNT, False),
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": (ACCOUNT, False),
    "UnauthorizedOperation.RequestPermissionDeny": (ACCOUNT, False),
    "UnauthorizedOperation.RequestIpNotInWhitelist": (ACCOUNT, False),
    "UnauthorizedOperation.ServiceSuspendDueToArrears": (CREDIT, False),
    "LimitExceeded.PhoneNumberThirtySecondLimit": (SERVER, True),
    "LimitExceeded.PhoneNumberOneHourLimit": (SERVER, True),
    "LimitExceeded.DeliveryFrequencyLimit": (SERVER, True),
    "RequestLimitExceeded": (SERVER, True),
    "InternalError.Timeout": (SERVER, True),
    "InternalError.OtherError": (SERVER, True),
    "InternalError.SendAndRecvFail": (SERVER, True),
    "ClientNetworkError": (SERVER, True),
    "ServerNetworkError": (SERVER, True),
    "LimitExceeded.PhoneNumberDailyLimit": (SERVER, False),
}


def classify(table, code):
    """(failure type, transient) of a provider error code."""
    if code in table:
        return table[code]
    prefix = str(code).split(".", 1)[0]
    if prefix in ("AuthFailure", "UnauthorizedOperation"):
        return ACCOUNT, False
    if prefix == "InternalError":
        return SERVER, True
    return UNKNOWN, False


# --- numbers --------------------------------------------------------------
def _digits(number):
    return re.sub(r"[^\d+]", "", number or "")


def number_e164(number):
    """+8613800000000 for 13800000000, 8613800000000 or +86 138 0000 0000."""
    number = _digits(number)
    if number.startswith("00"):
        number = "+" + number[2:]
    if number.startswith("+"):
        return number
    if len(number) == 11 and number.startswith("1"):
        return "+86" + number
    if len(number) == 13 and number.startswith("861"):
        return "+" + number
    return "+" + number


def number_aliyun(number):
    """Aliyun: 11 digits for the mainland, country code + number otherwise."""
    number = number_e164(number)
    if number.startswith("+86"):
        return number[3:]
    return number[1:]


def _split_endpoint(endpoint, default_host):
    """(scheme, host[:port]) of ``https://host:port`` or ``host``."""
    endpoint = (endpoint or "").strip() or default_host
    if "://" not in endpoint:
        return "https", endpoint.rstrip("/")
    parts = urlsplit(endpoint)
    return parts.scheme or "https", parts.netloc


# --- Aliyun ---------------------------------------------------------------
class AliyunSmsClient:
    DEFAULT_ENDPOINT = "dysmsapi.aliyuncs.com"

    def __init__(self, access_key_id, access_key_secret, endpoint=None, timeout=None):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi_models

        scheme, host = _split_endpoint(endpoint, self.DEFAULT_ENDPOINT)
        self.timeout_ms = int((timeout or DEFAULT_TIMEOUT) * 1000)
        config = openapi_models.Config(
            access_key_id=access_key_id,
            access_key_secret=access_key_secret,
            endpoint=host,
            protocol=scheme,
            connect_timeout=self.timeout_ms,
            read_timeout=self.timeout_ms,
        )
        self.client = Client(config)

    def send(self, number, sign_name, template_code, params, out_id):
        """``params``: {name: value} of the template's ${name} variables."""
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from darabonba.runtime import RuntimeOptions
        from Tea.exceptions import TeaException

        request = sms_models.SendSmsRequest(
            phone_numbers=number_aliyun(number),
            sign_name=sign_name,
            template_code=template_code,
            template_param=json.dumps(params or {}, ensure_ascii=False),
            out_id=out_id,
        )
        runtime = RuntimeOptions(
            autoretry=False,
            connect_timeout=self.timeout_ms,
            read_timeout=self.timeout_ms,
        )
        try:
            response = self.client.send_sms_with_options(request, runtime)
        except (TeaException, OSError) as error:  # refused, network, timeout
            return self._error_result(error)
        body = response.body
        code = body.code if body else ""
        if code == "OK":
            return SendResult.success(body.biz_id)
        failure_type, transient = classify(ALIYUN_ERRORS, code)
        return SendResult.failure(
            code, body.message if body else "", failure_type, transient
        )

    @staticmethod
    def _error_result(error):
        code = getattr(error, "code", None)
        status = getattr(error, "status_code", None) or (
            getattr(error, "data", None) or {}
        ).get("statusCode")
        text = getattr(error, "message", None) or str(error)
        if not code or not isinstance(code, str):
            # no answer: connection refused, timeout, TLS...
            return SendResult.failure(
                type(error).__name__, str(error), SERVER, transient=True
            )
        failure_type, transient = classify(ALIYUN_ERRORS, code)
        if status and int(status) >= 500:
            transient = True
        return SendResult.failure(code, text, failure_type, transient)


# --- Tencent --------------------------------------------------------------
class TencentSmsClient:
    DEFAULT_ENDPOINT = "sms.tencentcloudapi.com"

    def __init__(
        self,
        secret_id,
        secret_key,
        sdk_app_id,
        region=None,
        endpoint=None,
        timeout=None,
    ):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        scheme, host = _split_endpoint(endpoint, self.DEFAULT_ENDPOINT)
        http_profile = HttpProfile(
            protocol=scheme,
            endpoint=host,
            reqTimeout=int(timeout or DEFAULT_TIMEOUT),
        )
        self.sdk_app_id = sdk_app_id
        self.client = sms_client.SmsClient(
            credential.Credential(secret_id, secret_key),
            region or "ap-guangzhou",
            ClientProfile(httpProfile=http_profile),
        )

    def send(self, number, sign_name, template_code, params, out_id):
        """``params``: the template's {1}, {2}... values, in order."""
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [number_e164(number)]
        request.SmsSdkAppId = self.sdk_app_id
        request.SignName = sign_name
        request.TemplateId = template_code
        request.TemplateParamSet = [str(value) for value in params or []]
        request.SessionContext = out_id
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            failure_type, transient = classify(TENCENT_ERRORS, error.code)
            text = error.message
            if isinstance(text, bytes):
                text = text.decode("utf-8", "replace")
            return SendResult.failure(error.code, text, failure_type, transient)
        statuses = response.SendStatusSet or []
        if not statuses:
            return SendResult.failure(
                "EmptySendStatusSet", "No send status in the answer", SERVER, True
            )
        status = statuses[0]
        if status.Code == "Ok":
            return SendResult.success(status.SerialNo)
        failure_type, transient = classify(TENCENT_ERRORS, status.Code)
        return SendResult.failure(status.Code, status.Message, failure_type, transient)


# --- generic HTTP template gateway -----------------------------------------
PLACEHOLDER_RE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def json_path(data, path):
    """Value at ``a.b.0.c`` in decoded JSON, or None."""
    if not path:
        return data
    for key in path.split("."):
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data


def _split_codes(codes):
    return {code.strip() for code in (codes or "").split(",") if code.strip()}


class HttpTemplateClient:
    """A gateway described by its request and its answer.

    ``body_template`` and ``headers_template`` are JSON objects whose string
    values may hold placeholders: ``{{number}}`` (E.164), ``{{number_national}}``,
    ``{{sign_name}}``, ``{{template_code}}``, ``{{out_id}}``, ``{{account}}``,
    ``{{secret}}``, ``{{params_json}}``, ``{{param.<name>}}``; a value that is
    exactly ``{{params}}`` becomes the parameters object itself (JSON bodies).
    """

    def __init__(
        self,
        url,
        method="POST",
        body_format="json",
        body_template="",
        headers_template="",
        success_path="",
        success_value="",
        message_id_path="",
        error_code_path="",
        error_text_path="",
        number_error_codes="",
        credit_error_codes="",
        transient_error_codes="",
        account="",
        secret="",
        timeout=None,
    ):
        if not url:
            raise ValueError("The gateway has no URL.")
        self.url = url
        self.method = (method or "POST").upper()
        self.body_format = body_format or "json"
        self.body_template = self._load_template(body_template, "body")
        self.headers_template = self._load_template(headers_template, "headers")
        self.success_path = success_path
        self.success_value = success_value
        self.message_id_path = message_id_path
        self.error_code_path = error_code_path
        self.error_text_path = error_text_path
        self.error_map = {}
        for code in _split_codes(number_error_codes):
            self.error_map[code] = (NUMBER_FORMAT, False)
        for code in _split_codes(credit_error_codes):
            self.error_map[code] = (CREDIT, False)
        for code in _split_codes(transient_error_codes):
            self.error_map[code] = (SERVER, True)
        self.account = account or ""
        self.secret = secret or ""
        self.timeout = timeout or DEFAULT_TIMEOUT

    @staticmethod
    def _load_template(text, what):
        if not (text or "").strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError as error:
            raise TemplateError(
                f"The {what} template is not valid JSON: {error}"
            ) from None
        if not isinstance(value, dict):
            raise TemplateError(f"The {what} template must be a JSON object.")
        return value

    def _fill(self, value, variables, params):
        if isinstance(value, dict):
            return {k: self._fill(v, variables, params) for k, v in value.items()}
        if isinstance(value, list):
            return [self._fill(v, variables, params) for v in value]
        if not isinstance(value, str):
            return value
        if value.strip() == "{{params}}":
            return dict(params)

        def replace(match):
            name = match.group(1)
            if name.startswith("param."):
                return str(params.get(name[6:], ""))
            if name not in variables:
                raise ValueError(f"Unknown placeholder {{{{{name}}}}}.")
            return str(variables[name])

        return PLACEHOLDER_RE.sub(replace, value)

    def build_request(self, number, sign_name, template_code, params, out_id):
        """(method, url, requests keyword arguments) of one message."""
        params = dict(params or {})
        variables = {
            "number": number_e164(number),
            "number_national": number_aliyun(number),
            "sign_name": sign_name or "",
            "template_code": template_code or "",
            "out_id": out_id or "",
            "account": self.account,
            "secret": self.secret,
            "params_json": json.dumps(params, ensure_ascii=False),
        }
        body = self._fill(self.body_template, variables, params)
        headers = {
            str(k): str(v)
            for k, v in self._fill(self.headers_template, variables, params).items()
        }
        kwargs = {"headers": headers}
        if self.method == "GET":
            kwargs["params"] = {k: _form_value(v) for k, v in body.items()}
        elif self.body_format == "form":
            kwargs["data"] = {k: _form_value(v) for k, v in body.items()}
        else:
            kwargs["json"] = body
        return self.method, self.url, kwargs

    def send(self, number, sign_name, template_code, params, out_id):
        try:
            method, url, kwargs = self.build_request(
                number, sign_name, template_code, params, out_id
            )
        except ValueError as error:
            return SendResult.failure("template", str(error), UNKNOWN)
        try:
            response = requests.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            return SendResult.failure(
                type(error).__name__, str(error), SERVER, transient=True
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 500 or response.status_code == 429:
            return SendResult.failure(
                f"HTTP {response.status_code}",
                response.text[:500],
                SERVER,
                transient=True,
            )
        ok = 200 <= response.status_code < 300
        if ok and self.success_path:
            value = json_path(data, self.success_path)
            ok = value is not None and str(value) == str(self.success_value)
        if ok:
            return SendResult.success(
                json_path(data, self.message_id_path) if self.message_id_path else ""
            )
        code = json_path(data, self.error_code_path) if self.error_code_path else None
        text = json_path(data, self.error_text_path) if self.error_text_path else None
        code = str(code) if code is not None else f"HTTP {response.status_code}"
        text = str(text) if text is not None else response.text[:500]
        failure_type, transient = self.error_map.get(code, (UNKNOWN, False))
        return SendResult.failure(code, text, failure_type, transient)


def _form_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


# --- delivery reports -------------------------------------------------------
def _report_list(payload):
    if isinstance(payload, dict):
        payload = payload.get("reports", [payload])
    if not isinstance(payload, list) or not payload:
        raise MalformedReport("Expected a non-empty JSON array of reports.")
    if len(payload) > 1000:
        raise MalformedReport("At most 1000 reports per request.")
    for item in payload:
        if not isinstance(item, dict):
            raise MalformedReport("Each report must be a JSON object.")
    return payload


def _text(item, key, required=False):
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise MalformedReport(f"Missing {key} in a report.")
        return ""
    if not isinstance(value, str | int):
        raise MalformedReport(f"{key} must be a string.")
    return str(value)[:256]


def parse_aliyun_reports(payload):
    """Aliyun SmsReport HTTP push: ``[{"phone_number", "success", "err_code",
    "err_msg", "biz_id", "out_id", ...}]``."""
    reports = []
    for item in _report_list(payload):
        success = item.get("success")
        if not isinstance(success, bool):
            raise MalformedReport("success must be true or false.")
        biz_id = _text(item, "biz_id")
        out_id = _text(item, "out_id")
        if not biz_id and not out_id:
            raise MalformedReport("A report needs biz_id or out_id.")
        reports.append(
            DeliveryReport(
                message_id=biz_id,
                reference=out_id,
                delivered=success,
                code=_text(item, "err_code"),
                text=_text(item, "err_msg"),
                number=_text(item, "phone_number"),
            )
        )
    return reports


def parse_tencent_reports(payload):
    """Tencent SMS status callback: ``[{"sid", "report_status": "SUCCESS"|"FAIL",
    "errmsg", "description", "mobile", "nationcode", "user_receive_time"}]``
    (``ext`` carries the SessionContext where the account returns it)."""
    reports = []
    for item in _report_list(payload):
        status = item.get("report_status")
        if status not in ("SUCCESS", "FAIL"):
            raise MalformedReport("report_status must be SUCCESS or FAIL.")
        reports.append(
            DeliveryReport(
                message_id=_text(item, "sid", required=True),
                reference=_text(item, "ext"),
                delivered=status == "SUCCESS",
                code=_text(item, "errmsg"),
                text=_text(item, "description"),
                number=_text(item, "mobile"),
            )
        )
    return reports


def parse_http_reports(payload):
    """The generic gateways' report, posted with the provider's token:
    ``{"reports": [{"message_id" or "out_id", "status": "delivered"|"failed",
    "error_code", "error_text"}]}`` (or the list itself)."""
    reports = []
    for item in _report_list(payload):
        status = item.get("status")
        if status not in ("delivered", "failed"):
            raise MalformedReport("status must be delivered or failed.")
        message_id = _text(item, "message_id")
        out_id = _text(item, "out_id")
        if not message_id and not out_id:
            raise MalformedReport("A report needs message_id or out_id.")
        reports.append(
            DeliveryReport(
                message_id=message_id,
                reference=out_id,
                delivered=status == "delivered",
                code=_text(item, "error_code"),
                text=_text(item, "error_text"),
                number=_text(item, "number"),
            )
        )
    return reports


REPORT_PARSERS = {
    "aliyun": parse_aliyun_reports,
    "tencent": parse_tencent_reports,
    "http": parse_http_reports,
}

# what each provider expects back from a report push
REPORT_ANSWERS = {
    "aliyun": {"code": 0, "msg": "接收成功"},
    "tencent": {"result": 0, "errmsg": "OK"},
    "http": {"result": "ok"},
}


def parse_delivery_reports(kind, payload):
    """DeliveryReport list of a provider's push (ValueError when malformed)."""
    return REPORT_PARSERS[kind](payload)


# --- message templates ------------------------------------------------------
TEMPLATE_VAR_RE = re.compile(r"\$\{(\w+)\}")


def template_variables(content):
    """Names of the ${name} variables of a provider template, in order."""
    seen = []
    for name in TEMPLATE_VAR_RE.findall(content or ""):
        if name not in seen:
            seen.append(name)
    return seen


def template_regex(content):
    """(regex matching a message written from ``content``, {group: variable})."""
    pattern, pos, groups = "", 0, {}
    content = (content or "").strip()
    for match in TEMPLATE_VAR_RE.finditer(content):
        pattern += re.escape(content[pos : match.start()])
        name = match.group(1)
        group = next((g for g, n in groups.items() if n == name), None)
        if group:
            pattern += f"(?P={group})"
        else:
            group = f"v{len(groups)}"
            groups[group] = name
            pattern += f"(?P<{group}>.+?)"
        pos = match.end()
    pattern += re.escape(content[pos:])
    return re.compile(r"\A" + pattern + r"\Z", re.DOTALL), groups


def match_template(content, body):
    """{variable: value} when ``body`` is ``content`` filled in, else None."""
    if not (content or "").strip():
        return None
    regex, groups = template_regex(content)
    match = regex.match((body or "").strip())
    if not match:
        return None
    return {name: match.group(group) for group, name in groups.items()}


def render_template(content, params):
    """The text of a template filled with ``params`` (for previews/tests)."""
    return TEMPLATE_VAR_RE.sub(lambda m: str(params.get(m.group(1), "")), content)
