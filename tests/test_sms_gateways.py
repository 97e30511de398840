"""The SMS provider clients (hotline_base/tools/sms_gateways.py) against a local
fake of each provider's API (hotline_base/tests/sms_fake.py): no Odoo, no
database."""

import importlib.util
import json
import time
from pathlib import Path

import pytest
from hotline_base_fakes import sms_fake as fake_mod

ROOT = Path(__file__).resolve().parents[1] / "addons" / "hotline_base"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gw = _load("hotline_sms_gateways", ROOT / "tools" / "sms_gateways.py")


@pytest.fixture(scope="module")
def server():
    srv = fake_mod.FakeSmsServer().start()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def _reset(server):
    server.reset()


def aliyun(server, timeout=2):
    return gw.AliyunSmsClient("AKID", "SECRET", endpoint=server.url, timeout=timeout)


def tencent(server, timeout=2):
    return gw.TencentSmsClient(
        "SID", "SKEY", "1400000001", endpoint=server.url, timeout=timeout
    )


# --- Aliyun ------------------------------------------------------------------
def test_aliyun_success_sends_signed_template(server):
    result = aliyun(server).send(
        "+86 138 0000 0000", "华燃燃气", "SMS_1001", {"case": "C001"}, "u" * 32
    )
    assert result.ok and result.message_id.endswith("^0")
    (req,) = server.requests
    assert req["headers"]["authorization"].startswith(
        "ACS3-HMAC-SHA256 Credential=AKID"
    )
    assert req["headers"]["x-acs-action"] == "SendSms"
    assert req["query"]["SignName"] == "华燃燃气"
    assert req["query"]["TemplateCode"] == "SMS_1001"
    assert json.loads(req["query"]["TemplateParam"]) == {"case": "C001"}
    assert req["query"]["OutId"] == "u" * 32
    assert req["query"]["PhoneNumbers"] == "13800000000"


@pytest.mark.parametrize(
    "code,failure_type,transient",
    [
        ("isv.MOBILE_NUMBER_ILLEGAL", "sms_number_format", False),
        ("isv.AMOUNT_NOT_ENOUGH", "sms_credit", False),
        ("isv.BUSINESS_LIMIT_CONTROL", "sms_server", True),
        ("isv.SMS_TEMPLATE_ILLEGAL", "unknown", False),
        ("isv.ACCOUNT_NOT_EXISTS", "sms_acc", False),
    ],
)
def test_aliyun_error_codes_mapped(server, code, failure_type, transient):
    server.push(200, server.aliyun_error(code, "说明"))
    result = aliyun(server).send("13800000000", "签名", "SMS_1", {}, "x")
    assert not result.ok
    assert (result.error_code, result.error_text) == (code, "说明")
    assert (result.failure_type, result.transient) == (failure_type, transient)


def test_aliyun_http_5xx_is_transient(server):
    server.push(503, {"Code": "ServiceUnavailable", "Message": "busy"})
    result = aliyun(server).send("13800000000", "签名", "SMS_1", {}, "x")
    assert not result.ok and result.transient
    assert result.failure_type == "sms_server"
    assert len(server.requests) == 1  # the SDK's own retries are off


def test_aliyun_timeout_is_transient(server):
    server.push(200, None, delay=2)
    start = time.monotonic()
    result = aliyun(server, timeout=0.5).send("13800000000", "签名", "SMS_1", {}, "x")
    assert time.monotonic() - start < 2
    assert not result.ok and result.transient


def test_aliyun_connection_refused_is_transient():
    client = gw.AliyunSmsClient("AK", "SK", endpoint="http://127.0.0.1:9", timeout=1)
    result = client.send("13800000000", "签名", "SMS_1", {}, "x")
    assert not result.ok and result.transient and result.failure_type == "sms_server"


# --- Tencent -----------------------------------------------------------------
def test_tencent_success_sends_signed_template(server):
    result = tencent(server).send(
        "13800000000", "华燃燃气", "449739", ["C001", "1234"], "v" * 32
    )
    assert result.ok and result.message_id.startswith("2640:")
    (req,) = server.requests
    assert req["headers"]["authorization"].startswith("TC3-HMAC-SHA256 Credential=SID/")
    assert req["headers"]["x-tc-action"] == "SendSms"
    assert req["body"] == {
        "PhoneNumberSet": ["+8613800000000"],
        "SmsSdkAppId": "1400000001",
        "SignName": "华燃燃气",
        "TemplateId": "449739",
        "TemplateParamSet": ["C001", "1234"],
        "SessionContext": "v" * 32,
    }


@pytest.mark.parametrize(
    "code,failure_type,transient",
    [
        ("InvalidParameterValue.IncorrectPhoneNumber", "sms_number_format", False),
        ("FailedOperation.InsufficientBalanceInSmsPackage", "sms_credit", False),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", "sms_server", True),
        ("FailedOperation.TemplateIncorrectOrUnapproved", "unknown", False),
    ],
)
def test_tencent_status_codes_mapped(server, code, failure_type, transient):
    server.push(200, server.tencent_status_error(code, "说明"))
    result = tencent(server).send("13800000000", "签名", "1", [], "x")
    assert (result.ok, result.error_code, result.error_text) == (False, code, "说明")
    assert (result.failure_type, result.transient) == (failure_type, transient)


def test_tencent_request_error_and_5xx(server):
    server.push(200, server.tencent_error("AuthFailure.SecretIdNotFound", "no key"))
    result = tencent(server).send("13800000000", "签名", "1", [], "x")
    assert (result.failure_type, result.transient) == ("sms_acc", False)
    server.push(502, {"oops": 1})
    result = tencent(server).send("13800000000", "签名", "1", [], "x")
    assert result.transient and result.error_code == "ServerNetworkError"


def test_tencent_timeout_is_transient(server):
    server.push(200, None, delay=2)
    result = tencent(server, timeout=1).send("13800000000", "签名", "1", [], "x")
    assert not result.ok and result.transient
    assert result.error_code == "ClientNetworkError"


# --- generic HTTP ------------------------------------------------------------
def http_client(server, **kw):
    values = {
        "url": server.url + "/gw/send",
        "body_template": json.dumps(
            {
                "account": "{{account}}",
                "mobile": "{{number_national}}",
                "sign": "{{sign_name}}",
                "tpl": "{{template_code}}",
                "params": "{{params}}",
                "text": "case {{param.case}}",
                "ref": "{{out_id}}",
            }
        ),
        "headers_template": json.dumps({"X-Token": "{{secret}}"}),
        "success_path": "code",
        "success_value": "0",
        "message_id_path": "data.msgid",
        "error_code_path": "code",
        "error_text_path": "msg",
        "number_error_codes": "101, 102",
        "credit_error_codes": "201",
        "transient_error_codes": "503",
        "account": "acct",
        "secret": "s3cret",
        "timeout": 1,
    }
    values.update(kw)
    return gw.HttpTemplateClient(**values)


def test_http_json_success(server):
    result = http_client(server).send(
        "13800000000", "华燃", "T1", {"case": "C9"}, "w" * 32
    )
    assert result.ok and result.message_id.startswith("gw-")
    (req,) = server.requests
    assert req["path"] == "/gw/send" and req["headers"]["x-token"] == "s3cret"
    assert req["body"] == {
        "account": "acct",
        "mobile": "13800000000",
        "sign": "华燃",
        "tpl": "T1",
        "params": {"case": "C9"},
        "text": "case C9",
        "ref": "w" * 32,
    }


def test_http_form_and_errors(server):
    client = http_client(server, body_format="form")
    server.push(200, {"code": 101, "msg": "bad number"})
    result = client.send("13800000000", "华燃", "T1", {"case": "C9"}, "x")
    assert (result.failure_type, result.error_text, result.transient) == (
        "sms_number_format",
        "bad number",
        False,
    )
    assert server.requests[0]["body"]["params"] == '{"case": "C9"}'
    server.push(200, {"code": 201, "msg": "no money"})
    assert client.send("1", "s", "T", {}, "x").failure_type == "sms_credit"
    server.push(200, {"code": 7, "msg": "template missing"})
    result = client.send("1", "s", "T", {}, "x")
    assert (result.failure_type, result.transient) == ("unknown", False)
    server.push(500, {"code": 9})
    assert client.send("1", "s", "T", {}, "x").transient
    server.push(200, None, delay=2)
    assert client.send("1", "s", "T", {}, "x").transient


def test_http_bad_template():
    with pytest.raises(ValueError):
        gw.HttpTemplateClient(url="http://x", body_template="[1]")
    client = gw.HttpTemplateClient(url="http://x", body_template='{"a": "{{nope}}"}')
    result = client.send("1", "s", "T", {}, "x")
    assert not result.ok and "nope" in result.error_text


# --- templates and reports ----------------------------------------------------
def test_template_matching():
    content = "您的案件${case}已受理,查询码${code}。"
    assert gw.template_variables(content) == ["case", "code"]
    assert gw.match_template(content, "您的案件C-01已受理,查询码1234。") == {
        "case": "C-01",
        "code": "1234",
    }
    assert gw.match_template(content, "您好") is None
    assert gw.match_template("固定文本", "固定文本") == {}
    assert gw.match_template("${1}到${2},${1}", "甲到乙,甲") == {"1": "甲", "2": "乙"}
    assert gw.match_template("${1}到${2},${1}", "甲到乙,丙") is None
    assert gw.render_template(content, {"case": "A", "code": "B"}) == (
        "您的案件A已受理,查询码B。"
    )


def test_parse_reports():
    (rep,) = gw.parse_delivery_reports(
        "aliyun",
        [
            {
                "phone_number": "13800000000",
                "success": False,
                "err_code": "MK:0001",
                "err_msg": "空号",
                "biz_id": "9^0",
                "out_id": "u1",
            }
        ],
    )
    assert (rep.message_id, rep.reference, rep.delivered, rep.code) == (
        "9^0",
        "u1",
        False,
        "MK:0001",
    )
    (rep,) = gw.parse_delivery_reports(
        "tencent", [{"sid": "2640:1", "report_status": "SUCCESS", "errmsg": "DELIVRD"}]
    )
    assert rep.delivered and rep.message_id == "2640:1"
    (rep,) = gw.parse_delivery_reports(
        "http", {"reports": [{"out_id": "u", "status": "failed", "error_text": "x"}]}
    )
    assert not rep.delivered and rep.reference == "u"
    for kind, bad in [
        ("aliyun", []),
        ("aliyun", [{"success": "yes", "biz_id": "1"}]),
        ("aliyun", [{"success": True}]),
        ("tencent", [{"sid": "1", "report_status": "MAYBE"}]),
        ("tencent", [{"report_status": "SUCCESS"}]),
        ("http", [{"status": "delivered"}]),
        ("http", "text"),
    ]:
        with pytest.raises(ValueError):
            gw.parse_delivery_reports(kind, bad)


def test_numbers():
    assert gw.number_e164("138 0000 0000") == "+8613800000000"
    assert gw.number_e164("008613800000000") == "+8613800000000"
    assert gw.number_aliyun("+8613800000000") == "13800000000"
    assert gw.number_aliyun("+85261234567") == "85261234567"
