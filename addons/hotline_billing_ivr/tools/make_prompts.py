# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Make the speller's prompt set: one sound per token of
``speller.VOCABULARY`` and language, the self-service sentences
(:data:`PHRASES`), and the data file that ships them.

    python3 addons/hotline_billing_ivr/tools/make_prompts.py [--dunning]

(``--dunning``: only the dunning call's sentences, :data:`DUNNING_PHRASES`.)

Needs ``espeak-ng`` (voices cmn and en-us) and ``sox`` (apt-get install
espeak-ng sox). Writes ``data/prompts/<language>/<token>.gsm`` (GSM, 8 kHz
mono, silence trimmed: Asterisk plays it as ``hotline/<language>/<token>``)
and ``data/hotline_ivr_prompt_data.xml``; the identification's prompts
(:data:`LOGIN_PHRASES`, ``data/hotline_ivr_selfservice_data.xml``), the meter
reading's (:data:`METER_PHRASES`, ``data/hotline_ivr_meter_prompt_data.xml``) and the
demo gas line's (:data:`DEMO_PHRASES`, ``demo/prompts/<language>/<code>.gsm``,
their records are in demo/hotline_gas_demo.xml) the same way, so that every
shipped prompt is one voice. The voice is synthetic, as the digits of
hotline_callcenter: admins replace the audio on the prompt form with studio
recordings.

    python3 addons/hotline_billing_ivr/tools/make_prompts.py meter_confirm gas_menu

makes only the sounds of these codes (the data files are written whole).
"""

import os
import subprocess
import sys
import tempfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
MODULE = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import speller

VOICES = {"zh_CN": "cmn", "en_US": "en-us"}
# the self-service queries' sentences around the figures, and the prompts of
# their flows: code -> (name, Chinese, English)
PHRASES = {
    "selfservice_menu": (
        "Self-service: menu",
        (
            "查询欠费请按1，查询上期账单请按2，查询某月账单请按3，查询用气量请按4，"
            "查询预存余额请按5，返回上级菜单请按0。"
        ),
        (
            "For arrears press 1, for your last bill press 2, for the bill of a "
            "month press 3, for your gas use press 4, for your prepaid balance "
            "press 5, to go back press 0."
        ),
    ),
    "selfservice_enter_month": (
        "Self-service: enter a month",
        "请输入年份和月份，共六位数字，例如二零二六零九，以井号键结束。",
        (
            "Please enter the year and the month, six digits, for example two zero two "
            "six zero nine, then press the hash key."
        ),
    ),
    "selfservice_enter_usage_month": (
        "Self-service: enter the month of use",
        "请输入年份和月份，共六位数字，以井号键结束；查询上个月请按0再按井号键。",
        (
            "Please enter the year and the month, six digits, then press the hash key; "
            "for last month press 0 and the hash key."
        ),
    ),
    "selfservice_invalid_input": (
        "Self-service: invalid input",
        "输入有误，请重新输入。",
        "Sorry, that is not valid. Please try again.",
    ),
    "selfservice_not_identified": (
        "Self-service: not identified",
        "请先输入客户编号和密码验证身份。",
        "Please identify yourself with your customer number and PIN first.",
    ),
    "selfservice_arrears_months": (
        "Self-service: arrears, the months",
        "您欠费的月份是",
        "You have unpaid bills for",
    ),
    "selfservice_total": ("Self-service: in total", "共计", "in total"),
    "selfservice_no_arrears": (
        "Self-service: no arrears",
        "您目前没有欠费。",
        "You have no overdue bills.",
    ),
    "selfservice_bill_intro": (
        "Self-service: bill, before the month",
        "您",
        "Your bill for",
    ),
    "selfservice_bill_amount": (
        "Self-service: bill, the amount",
        "的账单金额为",
        "is",
    ),
    "selfservice_bill_usage": ("Self-service: bill, gas used", "用气量", "gas used"),
    "selfservice_bill_due": (
        "Self-service: bill, due date",
        "缴费截止日期",
        "due date",
    ),
    "selfservice_bill_paid": ("Self-service: bill paid", "已缴清。", "It is paid."),
    "selfservice_bill_unpaid": (
        "Self-service: bill not paid",
        "尚未缴纳。",
        "It is not paid yet.",
    ),
    "selfservice_bill_partial": (
        "Self-service: bill partly paid",
        "已部分缴纳，尚欠",
        "It is partly paid, still due",
    ),
    "selfservice_no_bill": (
        "Self-service: no bill",
        "没有找到您该月份的账单。",
        "There is no bill for that month.",
    ),
    "selfservice_invalid_month": (
        "Self-service: invalid month",
        "您输入的月份有误。",
        "That month is not valid.",
    ),
    "selfservice_future_month": (
        "Self-service: future month",
        "您查询的月份还没有到来。",
        "That month has not come yet.",
    ),
    "selfservice_usage_intro": (
        "Self-service: gas use, before the month",
        "您",
        "Your gas use in",
    ),
    "selfservice_usage_is": (
        "Self-service: gas use, the quantity",
        "的用气量为",
        "was",
    ),
    "selfservice_usage_last_year": (
        "Self-service: gas use, same month last year",
        "去年同期",
        "same month last year",
    ),
    "selfservice_no_reading": (
        "Self-service: no meter reading",
        "没有找到该月份的抄表记录。",
        "There is no meter reading for that month.",
    ),
    "selfservice_prepaid_is": (
        "Self-service: prepaid balance",
        "您的预存余额为",
        "Your prepaid balance is",
    ),
    "selfservice_no_credit": (
        "Self-service: no prepaid balance",
        "您目前没有预存余额。",
        "You have no prepaid balance.",
    ),
}
# phone self-service identification and PIN change: code -> (name, Chinese, English)
LOGIN_PHRASES = {
    "selfservice_customer_number": (
        "Self-service: enter the customer number",
        "请输入您的用户编号，以井号键结束。",
        "Please enter your customer number, then press the hash key.",
    ),
    "selfservice_pin": (
        "Self-service: enter the PIN",
        "请输入您的六位自助服务密码，以井号键结束。",
        "Please enter your six digit self-service PIN, then press the hash key.",
    ),
    "selfservice_invalid": (
        "Self-service: invalid input",
        "输入有误，请重新输入。",
        "That was not valid. Please try again.",
    ),
    "selfservice_not_found": (
        "Self-service: unknown customer",
        "没有找到这个用户编号。",
        "We could not find this customer number.",
    ),
    "selfservice_no_pin": (
        "Self-service: no PIN set",
        "您尚未设置自助服务密码。请联系人工客服，密码将以短信发送到您登记的手机。",
        (
            "You have no self-service PIN yet. Ask an agent to send you one by text "
            "message to your registered mobile phone."
        ),
    ),
    "selfservice_wrong_pin": (
        "Self-service: wrong PIN",
        "密码错误，请重新输入。",
        "Wrong PIN. Please try again.",
    ),
    "selfservice_locked": (
        "Self-service: locked",
        "密码错误次数过多，电话自助服务已锁定十五分钟。您可以转接人工客服。",
        (
            "Too many wrong PINs. Phone self-service is locked for fifteen minutes. "
            "An agent can help you now."
        ),
    ),
    "selfservice_several": (
        "Self-service: several customers on the number",
        "此电话号码登记了多个用户。",
        "Several customers use this phone number.",
    ),
    "selfservice_identified": (
        "Self-service: identified",
        "验证成功，谢谢。",
        "Thank you, you are identified.",
    ),
    "selfservice_new_pin": (
        "Self-service: enter the new PIN",
        "请输入新的六位密码，以井号键结束。",
        "Please enter your new six digit PIN, then press the hash key.",
    ),
    "selfservice_new_pin_again": (
        "Self-service: repeat the new PIN",
        "请再次输入新密码，以井号键结束。",
        "Please enter the new PIN again, then press the hash key.",
    ),
    "selfservice_pin_changed": (
        "Self-service: PIN changed",
        "您的密码已修改成功。",
        "Your PIN has been changed.",
    ),
    "selfservice_pin_mismatch": (
        "Self-service: the two PINs differ",
        "两次输入的密码不一致，请重新输入。",
        "The two PINs are not the same. Please try again.",
    ),
    "selfservice_pin_weak": (
        "Self-service: PIN too easy",
        "密码过于简单，请换一个。",
        "This PIN is too easy to guess. Please choose another one.",
    ),
}
# the meter reading by phone (自助远程抄表): code -> (name, Chinese, English)
METER_PHRASES = {
    "meter_not_identified": (
        "Meter reading: not identified",
        "请先输入客户编号和密码验证身份。",
        "Please identify yourself with your customer number and PIN first.",
    ),
    "meter_no_meter": (
        "Meter reading: no meter",
        "您名下没有燃气表，请按零转人工服务。",
        "There is no meter in your name. Press zero for an agent.",
    ),
    "meter_choose": (
        "Meter reading: choose the meter",
        "请选择燃气表。",
        "Please choose your meter.",
    ),
    "meter_press": ("Meter reading: press", "请按", "Press"),
    "meter_number_ending": (
        "Meter reading: for the meter ending in",
        "选择表号尾号为",
        "for the meter ending in",
    ),
    "meter_month_menu": (
        "Meter reading: month",
        "本月读数请按一，其他月份请按二。",
        "For this month press one, for another month press two.",
    ),
    "meter_month_enter": (
        "Meter reading: enter the month",
        "请输入年份和月份，共六位数字，例如二零二六零三。",
        "Please enter the year and month, six digits, for example 202603.",
    ),
    "meter_reading_enter": (
        "Meter reading: enter the reading",
        "请输入燃气表读数，小数点请按星号键，以井号键结束。",
        (
            "Please enter the meter reading, the star key for the decimal point, "
            "then the hash key."
        ),
    ),
    "meter_readback": (
        "Meter reading: you entered",
        "您输入的读数是",
        "You entered",
    ),
    "meter_point": ("Meter reading: point", "点", "point"),
    "meter_unit": ("Meter reading: cubic metres", "立方米", "cubic metres"),
    "meter_confirm": (
        "Meter reading: confirm or re-enter",
        "确认请按一，重新输入请按二。",
        "To confirm press one, to enter it again press two.",
    ),
    "meter_saved": (
        "Meter reading: stored",
        "读数已记录，谢谢。",
        "Your reading is recorded. Thank you.",
    ),
    "meter_to_check": (
        "Meter reading: stored, to check",
        "读数已记录，用气量异常，将由工作人员核实，正在为您转接人工服务。",
        (
            "Your reading is recorded; the usage is unusual and will be checked. "
            "We connect you to an agent."
        ),
    ),
    "meter_invalid": (
        "Meter reading: not a reading",
        "输入的读数无效，只能有一个小数点。",
        "That is not a valid reading; one decimal point at most.",
    ),
    "meter_bad_meter": (
        "Meter reading: no such meter",
        "没有这块燃气表。",
        "There is no such meter.",
    ),
    "meter_bad_month": (
        "Meter reading: month not valid",
        "您输入的月份有误。",
        "That month is not valid.",
    ),
    "meter_future_month": (
        "Meter reading: future month",
        "该月份尚未开始。",
        "That month has not begun yet.",
    ),
    "meter_below_previous": (
        "Meter reading: below the previous reading",
        "读数小于上次读数，请核对后重新输入。",
        "The reading is below the previous one. Please check it and enter it again.",
    ),
    "meter_invoiced": (
        "Meter reading: invoiced already",
        "该月读数已出账，不能修改。",
        "The reading of that month is billed already and cannot be changed.",
    ),
}
# the demo gas line (demo/hotline_gas_demo.xml): code -> (Chinese, English)
DEMO_PHRASES = {
    "gas_welcome": (
        "您好，欢迎致电华燃燃气服务热线。",
        "Welcome to the Huaran Gas service line.",
    ),
    "gas_notices_intro": (
        "请注意以下停气通知。",
        "Please listen to the following gas supply notices.",
    ),
    "gas_menu": (
        (
            "自助查询欠费、账单、用气量和预存余额请按1，自助抄表请按2，"
            "查询投诉举报办理结果请按3，人工服务请按0。"
        ),
        (
            "For arrears, bills, gas use and your prepaid balance press 1, to give "
            "your meter reading press 2, for the result of a complaint or report "
            "press 3, for an agent press 0."
        ),
    ),
}
# the automated dunning call's sentences (data/hotline_ivr_dunning_prompt_data.xml)
DUNNING_PHRASES = {
    "dunning_intro": (
        "Dunning: introduction, before the customer number",
        "您好，这里是燃气公司欠费提醒。您的客户编号是",
        "Hello, this is a reminder from your gas company. Your customer number is",
    ),
    "dunning_months": (
        "Dunning: the months in arrears",
        "您尚未缴纳的月份是",
        "Your unpaid bills are for",
    ),
    "dunning_total": ("Dunning: in total", "欠费合计", "the total overdue is"),
    "dunning_please_pay": (
        "Dunning: please pay",
        "请您尽快缴纳。",
        "Please pay as soon as possible.",
    ),
    "dunning_menu": (
        "Dunning: menu",
        "重听请按1，转人工服务请按2，承诺缴费日期请按3。",
        (
            "To hear this again press 1, to speak to an agent press 2, to promise "
            "a payment date press 3."
        ),
    ),
    "dunning_enter_date": (
        "Dunning: enter the payment date",
        "请输入您承诺的缴费日期，年月日共八位数字，例如二零二六一零二零，以井号键结束。",
        (
            "Please enter the date you will pay, eight digits, year, month and day, "
            "then press the hash key."
        ),
    ),
    "dunning_promise_thanks": (
        "Dunning: promise recorded, before the date",
        "谢谢，已记录您承诺的缴费日期",
        "Thank you, we have noted that you will pay by",
    ),
    "dunning_promise_invalid": (
        "Dunning: payment date not valid",
        "该日期无法受理，缴费日期不能早于今天，也不能超过规定天数，请重新输入。",
        (
            "That date cannot be accepted: not before today, not too far ahead. "
            "Please try again."
        ),
    ),
    "dunning_bye": (
        "Dunning: goodbye",
        "感谢您的接听，再见。",
        "Thank you for listening. Goodbye.",
    ),
}
DUNNING_XML_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!--
    The automated dunning call's sentences around the speller's figures
    (tools/make_prompts.py's DUNNING_PHRASES). Generated by tools/make_prompts.py
    (espeak-ng, voices cmn and en-us, GSM 8 kHz mono): replace the audio with
    studio recordings on the prompt form, keeping the codes.
-->
<odoo noupdate="1">
"""
XML_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!--
    The speller's prompt set (tools/speller.py): digits, units and words that
    amounts, dates, months and quantities are said with, in zh_CN and en_US; the
    sentences of the self-service queries around them and the prompts of their
    flows (tools/make_prompts.py's PHRASES).
    Generated by tools/make_prompts.py (espeak-ng, voices cmn and en-us,
    converted with sox to GSM 8 kHz mono, trimmed of silence): replace the audio
    with studio recordings on the prompt form, keeping the codes.
-->
<odoo noupdate="1">
"""


def make_sound(text, lang, path):
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.wav")
        subprocess.run(
            ["espeak-ng", "-v", VOICES[lang], "-s", "165", "-w", raw, text],
            check=True,
        )
        trim = ["silence", "1", "0.02", "0.5%"]
        subprocess.run(
            ["sox", raw, "-r", "8000", "-c", "1", path]
            + trim
            + ["reverse"]
            + trim
            + ["reverse", "gain", "-n", "-3"],
            check=True,
        )


LOGIN_XML_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!--
    Prompts of phone self-service identification (customer number or calling number,
    PIN) and PIN change.
    Generated by tools/make_prompts.py (LOGIN_PHRASES; espeak-ng, voices cmn and
    en-us, converted with sox to GSM 8 kHz mono, trimmed of silence): replace the
    audio with studio recordings on the prompt form, keeping the codes.
-->
<odoo noupdate="1">
"""
METER_XML_HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<!--
    Prompts of the meter reading by phone (自助远程抄表), the read-back's
    figures said by the speller (tools/speller.py).
    Generated by tools/make_prompts.py (METER_PHRASES; espeak-ng, voices cmn and
    en-us, converted with sox to GSM 8 kHz mono, trimmed of silence): replace the
    audio with studio recordings on the prompt form, keeping the codes.
-->
<odoo noupdate="1">
"""


def record_xml(token, texts, name, description):
    lines = [
        f'    <record id="hotline_ivr_prompt_{token}" model="hotline.ivr.prompt">',
        f'        <field name="name">{escape(name)}</field>',
        f'        <field name="code">{token}</field>',
        f'        <field name="description">{escape(description)}</field>',
    ]
    for lang in speller.LANGUAGES:
        if lang not in texts:
            continue
        field = "audio_" + lang.lower()
        lines += [
            "        <field",
            f'            name="{field}"',
            '            type="base64"',
            f'            file="hotline_billing_ivr/data/prompts/{lang}/{token}.gsm"',
            "        />",
            f'        <field name="{field}_filename">{token}.gsm</field>',
        ]
    lines.append("    </record>")
    return "\n".join(lines) + "\n"


def prompts():
    """``(code, {language: text}, name, description)`` of every prompt."""
    for token, texts in speller.VOCABULARY.items():
        label = texts.get("en_US") or texts["zh_CN"]
        both = " / ".join(texts[lang] for lang in speller.LANGUAGES if lang in texts)
        yield token, texts, f"Speller: {label}", both
    for code, (name, chinese, english) in PHRASES.items():
        yield code, {"zh_CN": chinese, "en_US": english}, name, english


def table_prompts(table):
    """``(code, {language: text}, name, description)`` of a table's prompts."""
    for code, (name, chinese, english) in table.items():
        yield code, {"zh_CN": chinese, "en_US": english}, name, english


def make_sounds(code, texts, where, only):
    if only and code not in only:
        return
    for lang, text in texts.items():
        folder = os.path.join(MODULE, where, "prompts", lang)
        os.makedirs(folder, exist_ok=True)
        make_sound(text, lang, os.path.join(folder, f"{code}.gsm"))


def write_data(filename, header, records, only):
    xml = header
    for code, texts, name, description in records:
        make_sounds(code, texts, "data", only)
        xml += record_xml(code, texts, name, description)
    xml += "</odoo>\n"
    with open(os.path.join(MODULE, "data", filename), "w", encoding="utf-8") as f:
        f.write(xml)


def main(argv=None):
    only = set(sys.argv[1:] if argv is None else argv)
    write_data("hotline_ivr_prompt_data.xml", XML_HEADER, prompts(), only)
    write_data(
        "hotline_ivr_selfservice_data.xml",
        LOGIN_XML_HEADER,
        table_prompts(LOGIN_PHRASES),
        only,
    )
    write_data(
        "hotline_ivr_meter_prompt_data.xml",
        METER_XML_HEADER,
        table_prompts(METER_PHRASES),
        only,
    )
    write_data(
        "hotline_ivr_dunning_prompt_data.xml",
        DUNNING_XML_HEADER,
        table_prompts(DUNNING_PHRASES),
        only,
    )
    for code, (chinese, english) in DEMO_PHRASES.items():
        make_sounds(code, {"zh_CN": chinese, "en_US": english}, "demo", only)


if __name__ == "__main__":
    main()
