# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The keyword parser of the SMS/e-mail query service (hotline_complaints'
``tools/text_query.py``), table-tested without Odoo."""

import importlib.util
from pathlib import Path

import pytest

PATH = (
    Path(__file__).resolve().parents[1]
    / "addons/hotline_complaints/tools/text_query.py"
)
_spec = importlib.util.spec_from_file_location("hotline_text_query", PATH)
text_query = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(text_query)
parse = text_query.parse
TextCommand = text_query.TextCommand


@pytest.mark.parametrize(
    "text",
    [
        "CX HT00012 123456",
        "cx ht00012 123456",
        "Cx  HT00012   123456 ",
        "查询 HT00012 123456",
        "查询HT00012 123456",
        "查询HT00012,123456",
        "查询 HT00012，123456。",
        "ＣＸ　ＨＴ０００１２　１２３４５６",
        "查询　ht００012　123456",
        "query HT00012 123456",
        "CX HT00012#123456",
    ],
)
def test_case_status(text):
    assert parse(text) == TextCommand("case_status", ("HT00012", "123456"))


def test_case_status_keeps_the_code_as_typed():
    assert parse("cx 12 abc123").args == ("12", "abc123")


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("CX", ()),
        ("cx HT00012", ("HT00012",)),
        ("查询 HT00012", ("HT00012",)),
        ("CX HT00012 123456 789", ("HT00012", "123456", "789")),
    ],
)
def test_case_status_incomplete(text, args):
    command = parse(text)
    assert command.command == "case_status"
    assert command.args == args
    assert command.complete is False


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("QF", "arrears"),
        ("qf", "arrears"),
        ("ＱＦ", "arrears"),
        ("欠费", "arrears"),
        ("欠 费", "arrears"),
        ("查询欠费", "arrears"),
        ("欠费。", "arrears"),
        ("ZD", "last_bill"),
        ("zd!", "last_bill"),
        ("账单", "last_bill"),
        ("查账单", "last_bill"),
        ("BZ", "help"),
        ("帮助", "help"),
        ("?", "help"),
        ("？", "help"),
        ("help", "help"),
        (" Ｂｚ ", "help"),
    ],
)
def test_keywords(text, command):
    assert parse(text) == TextCommand(command)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        42,
        "燃气味很大",
        "查询一下燃气费为什么这么贵",
        "查询 我家的燃气",
        "查询",
        "CX 我的投诉",
        "CXHT00012 123456",
        "QF 123",
        "我要查欠费，谢谢",
        "账单不对",
        "ZDX",
        "help me please",
        "CX " + "A" * 65 + " 123456",
        "CX HT00012 " + "1" * 300,
    ],
)
def test_not_commands(text):
    assert parse(text) is None


def test_normalize():
    assert text_query.normalize("　ＣＸ　 ａ１ 。") == "CX a1"
