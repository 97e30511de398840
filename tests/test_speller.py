# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The speller of hotline_billing_ivr (amounts, dates, months, quantities as
prompt tokens), table-tested without Odoo."""

import datetime
import importlib.util
from pathlib import Path

import pytest

PATH = (
    Path(__file__).resolve().parents[1] / "addons/hotline_billing_ivr/tools/speller.py"
)
_spec = importlib.util.spec_from_file_location("hotline_speller", PATH)
speller = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(speller)

ZH_WORDS = {
    token: texts["zh_CN"]
    for token, texts in speller.VOCABULARY.items()
    if "zh_CN" in texts
}
EN_WORDS = {
    token: texts["en_US"]
    for token, texts in speller.VOCABULARY.items()
    if "en_US" in texts
}


def zh(tokens):
    """What a Chinese caller hears, as text (every token has a zh prompt)."""
    return "".join(ZH_WORDS[t] for t in tokens)


def en(tokens):
    return " ".join(EN_WORDS[t] for t in tokens)


@pytest.mark.parametrize(
    "value,chinese,english",
    [
        ("1,005.50", "一千零五元五角", "one thousand and five yuan fifty"),
        (0, "零元", "zero yuan"),
        ("0.00", "零元", "zero yuan"),
        (10, "十元", "ten yuan"),
        ("100.05", "一百元零五分", "one hundred yuan and five fen"),
        ("10,000", "一万元", "ten thousand yuan"),
        ("100,010", "十万零一十元", "one hundred thousand and ten yuan"),
        (100000000, "一亿元", "one hundred million yuan"),
        (
            "123.45",
            "一百二十三元四角五分",
            "one hundred and twenty three yuan forty five",
        ),
        ("0.05", "五分", "five fen"),
        ("0.5", "五角", "fifty fen"),
        ("0.55", "五角五分", "fifty five fen"),
        ("1.01", "一元零一分", "one yuan and one fen"),
        ("10.10", "十元一角", "ten yuan ten"),
        ("1005.05", "一千零五元零五分", "one thousand and five yuan and five fen"),
        ("110", "一百一十元", "one hundred and ten yuan"),
        ("1,000,001", "一百万零一元", "one million and one yuan"),
        ("210,000,000", "二亿一千万元", "two hundred and ten million yuan"),
        ("2,000,000,017", "二十亿零一十七元", "two billion and seventeen yuan"),
        (12.345, "十二元三角五分", "twelve yuan thirty five"),  # half up
        ("0.004", "零元", "zero yuan"),
    ],
)
def test_amounts(value, chinese, english):
    assert zh(speller.amount(value, "zh_CN")) == chinese
    assert en(speller.amount(value, "en_US")) == english


def test_negative_amounts_are_credit_worded_by_the_caller():
    assert zh(speller.amount("-12.30")) == "负十二元三角"
    assert en(speller.amount(-12.3, "en_US")) == "minus twelve yuan thirty"
    # a balance: the caller says 预存 and gives the value without sign
    assert zh(speller.amount(-50, negative=None)) == "五十元"
    assert zh(speller.amount(-50, negative="say_prepaid")) == "预存五十元"
    assert zh(speller.amount(50, negative="say_prepaid")) == "五十元"
    assert zh(speller.amount(20, whole=True)) == "二十元整"
    assert zh(speller.amount("20.5", whole=True)) == "二十元五角"


@pytest.mark.parametrize(
    "value",
    ["abc", "", "1.2.3", "NaN", "inf", None, "10" * 10, 10**13],
)
def test_bad_amounts_raise(value):
    with pytest.raises(speller.SpellerError):
        speller.amount(value)


@pytest.mark.parametrize(
    "n,chinese,english",
    [
        (0, "零", "zero"),
        (7, "七", "seven"),
        (10, "十", "ten"),
        (11, "十一", "eleven"),
        (20, "二十", "twenty"),
        (99, "九十九", "ninety nine"),
        (101, "一百零一", "one hundred and one"),
        (1010, "一千零一十", "one thousand and ten"),
        (10001, "一万零一", "ten thousand and one"),
        (120000, "十二万", "one hundred and twenty thousand"),
        (999_999_999_999, None, None),
        (-3, "负三", "minus three"),
    ],
)
def test_integers(n, chinese, english):
    if chinese is None:  # the largest number said, no error
        assert speller.integer(n) and speller.integer(n, "en_US")
        return
    assert zh(speller.integer(n)) == chinese
    assert en(speller.integer(n, "en_US")) == english


@pytest.mark.parametrize(
    "value,chinese,english",
    [
        ("12.5", "十二点五立方米", "twelve point five cubic metres"),
        ("12.500", "十二点五立方米", "twelve point five cubic metres"),
        (0, "零立方米", "zero cubic metres"),
        ("0.05", "零点零五立方米", "zero point zero five cubic metres"),
        (1, "一立方米", "one cubic metre"),
        ("1.0", "一立方米", "one cubic metre"),
        ("1.5", "一点五立方米", "one point five cubic metres"),
        (
            "105.1234",
            "一百零五点一二三立方米",
            "one hundred and five point one two three cubic metres",
        ),
        ("-2", "负二立方米", "minus two cubic metres"),
    ],
)
def test_quantities(value, chinese, english):
    assert zh(speller.quantity(value)) == chinese
    assert en(speller.quantity(value, "en_US")) == english


def test_quantity_without_unit():
    assert zh(speller.quantity("3.25", unit=None)) == "三点二五"


@pytest.mark.parametrize(
    "value,chinese,english",
    [
        (
            datetime.date(2026, 9, 5),
            "二零二六年九月五日",
            "September five twenty twenty six",
        ),
        (
            datetime.date(2026, 10, 31),
            "二零二六年十月三十一日",
            "October thirty one twenty twenty six",
        ),
        (
            datetime.date(2005, 1, 1),
            "二零零五年一月一日",
            "January one two thousand and five",
        ),
        (
            datetime.date(2000, 12, 20),
            "二零零零年十二月二十日",
            "December twenty two thousand",
        ),
    ],
)
def test_dates(value, chinese, english):
    assert zh(speller.date(value)) == chinese
    assert en(speller.date(value, "en_US")) == english


@pytest.mark.parametrize(
    "values,chinese,english",
    [
        (
            [(2026, 9), (2026, 10)],
            "二零二六年九月十月",
            "September and October twenty twenty six",
        ),
        (
            [(2026, 10), (2026, 9), (2026, 10)],
            "二零二六年九月十月",
            "September and October twenty twenty six",
        ),
        (
            [datetime.date(2026, 11, 15)],
            "二零二六年十一月",
            "November twenty twenty six",
        ),
        (
            [(2025, 12), (2026, 1), (2026, 2), (2026, 3), (2026, 5)],
            "二零二五年十二月二零二六年一月至三月五月",
            "December twenty twenty five January to March and May twenty twenty six",
        ),
        (
            [(2026, m) for m in range(1, 13)],
            "二零二六年一月至十二月",
            "January to December twenty twenty six",
        ),
        (
            [(2026, 1), (2026, 3), (2026, 12)],
            "二零二六年一月三月十二月",
            "January March and December twenty twenty six",
        ),
        ([], "", ""),
    ],
)
def test_months(values, chinese, english):
    assert zh(speller.months(values)) == chinese
    assert en(speller.months(values, "en_US")) == english


@pytest.mark.parametrize("values", [[(2026, 13)], [(2026, 0)], [("2026", 1)]])
def test_bad_months_raise(values):
    with pytest.raises(speller.SpellerError):
        speller.months(values)


def test_bad_dates_raise():
    with pytest.raises(speller.SpellerError):
        speller.date("2026-09-05")


def test_every_token_has_a_prompt_in_its_language():
    """Whatever the speller says exists in the prompt set of the language."""
    samples = [
        speller.amount(v, lang)
        for v in ("1234567890.12", "-0.5", "100010", "99.09", "11")
        for lang in speller.LANGUAGES
    ] + [
        speller.months([(2026, m) for m in (1, 2, 3, 5, 11, 12)], lang)
        + speller.date(datetime.date(2026, 12, 31), lang)
        + speller.quantity("1.5", lang)
        + speller.quantity("1", lang)
        + speller.amount(1, lang, negative="say_prepaid")
        + speller.amount(-1, lang, negative="say_balance")
        for lang in speller.LANGUAGES
    ]
    for lang_index, lang in enumerate(speller.LANGUAGES):
        for tokens in samples[lang_index::2]:
            for token in tokens:
                assert lang in speller.VOCABULARY[token], (token, lang)
    assert speller.sounds(["say_1", "say_yuan"], "en_US") == [
        "hotline/en_US/say_1",
        "hotline/en_US/say_yuan",
    ]
    assert speller.sounds(["say_1"], "zh_CN") == ["hotline/zh_CN/say_1"]


def test_prompt_files_are_shipped_for_every_token():
    """Every token and self-service sentence has its sound in each of its
    languages, and a prompt record in the data file (tools/make_prompts.py)."""
    spec = importlib.util.spec_from_file_location(
        "hotline_make_prompts", PATH.parent / "make_prompts.py"
    )
    make_prompts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_prompts)
    module = PATH.parents[1]
    data = (module / "data" / "hotline_ivr_prompt_data.xml").read_text()
    codes = []
    for code, texts, _name, _description in make_prompts.prompts():
        codes.append(code)
        assert f'id="hotline_ivr_prompt_{code}"' in data, code
        for lang in texts:
            path = module / "data" / "prompts" / lang / f"{code}.gsm"
            assert path.is_file(), (code, lang)
            # GSM 06.10: 33-byte frames of 20 ms; a word lasts a few frames
            assert path.stat().st_size % 33 == 0 and path.stat().st_size >= 33 * 5
    assert set(speller.VOCABULARY) <= set(codes)
    assert "selfservice_arrears_months" in codes
    assert data.count("<record ") == len(codes)
