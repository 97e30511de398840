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
and ``data/hotline_ivr_prompt_data.xml``. The voice is synthetic, as
the digits of hotline_callcenter: admins replace the audio on the prompt form
with studio recordings.
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


def write_phrases(phrases, header, filename):
    xml = header
    for code, (name, chinese, english) in phrases.items():
        texts = {"zh_CN": chinese, "en_US": english}
        for lang, text in texts.items():
            folder = os.path.join(MODULE, "data", "prompts", lang)
            os.makedirs(folder, exist_ok=True)
            make_sound(text, lang, os.path.join(folder, f"{code}.gsm"))
        xml += record_xml(code, texts, name, english)
    xml += "</odoo>\n"
    with open(os.path.join(MODULE, "data", filename), "w", encoding="utf-8") as f:
        f.write(xml)


def main():
    if "--dunning" in sys.argv:
        write_phrases(
            DUNNING_PHRASES, DUNNING_XML_HEADER, "hotline_ivr_dunning_prompt_data.xml"
        )
        return
    write_phrases(
        DUNNING_PHRASES, DUNNING_XML_HEADER, "hotline_ivr_dunning_prompt_data.xml"
    )
    xml = XML_HEADER
    for code, texts, name, description in prompts():
        for lang, text in texts.items():
            folder = os.path.join(MODULE, "data", "prompts", lang)
            os.makedirs(folder, exist_ok=True)
            make_sound(text, lang, os.path.join(folder, f"{code}.gsm"))
        xml += record_xml(code, texts, name, description)
    xml += "</odoo>\n"
    path = os.path.join(MODULE, "data", "hotline_ivr_prompt_data.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)


if __name__ == "__main__":
    main()
