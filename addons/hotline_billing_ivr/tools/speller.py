# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts, dates, months and quantities as prompt tokens, plain Python.

The IVR cannot speak text: it plays short recorded prompts one after the other.
A *token* is the code of one such prompt (``say_5``, ``say_1000``,
``say_yuan``), shipped for zh_CN and en_US by this add-on
(data/hotline_ivr_prompt_data.xml, the files made by
``tools/make_prompts.py`` from :data:`VOCABULARY`); the service turns each
token into ``hotline/<language>/<token>``.

Chinese follows the usual reading of amounts (``1,005.50`` → 一千零五元五角,
``100.05`` → 一百元零五分, ``100,010`` → 十万零一十): the numerals come from
``cn2an`` (its ``low`` mode), this module only maps them to tokens and adds the
units. English is kept simple: "one thousand and five yuan fifty" (cents
after the yuan, as "five dollars fifty"), "one hundred yuan and five fen"
(fewer than ten cents), "fifty fen", "zero yuan"; dates "September five,
twenty twenty-six"; months "September and October twenty twenty-six".

Negative amounts are credit: :func:`amount` says "minus" (负) unless told
otherwise; callers that speak of a balance (预存/余额) pass ``negative=None``
and the absolute value, with their own word before it.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

LANGUAGES = ("zh_CN", "en_US")

# token -> what its prompt says in each language (a language missing: the
# token is never produced in that language)
VOCABULARY = {
    **{
        f"say_{n}": {"zh_CN": zh, "en_US": en}
        for n, (zh, en) in enumerate(
            [
                ("零", "zero"),
                ("一", "one"),
                ("二", "two"),
                ("三", "three"),
                ("四", "four"),
                ("五", "five"),
                ("六", "six"),
                ("七", "seven"),
                ("八", "eight"),
                ("九", "nine"),
                ("十", "ten"),
            ]
        )
    },
    **{
        f"say_{n}": {"en_US": en}
        for n, en in zip(
            range(11, 20),
            [
                "eleven",
                "twelve",
                "thirteen",
                "fourteen",
                "fifteen",
                "sixteen",
                "seventeen",
                "eighteen",
                "nineteen",
            ],
            strict=True,
        )
    },
    **{
        f"say_{n}": {"en_US": en}
        for n, en in zip(
            range(20, 100, 10),
            [
                "twenty",
                "thirty",
                "forty",
                "fifty",
                "sixty",
                "seventy",
                "eighty",
                "ninety",
            ],
            strict=True,
        )
    },
    "say_100": {"zh_CN": "百", "en_US": "hundred"},
    "say_1000": {"zh_CN": "千", "en_US": "thousand"},
    "say_10000": {"zh_CN": "万"},
    "say_100000000": {"zh_CN": "亿"},
    "say_million": {"en_US": "million"},
    "say_billion": {"en_US": "billion"},
    "say_and": {"en_US": "and"},
    "say_to": {"zh_CN": "至", "en_US": "to"},
    "say_point": {"zh_CN": "点", "en_US": "point"},
    "say_minus": {"zh_CN": "负", "en_US": "minus"},
    "say_prepaid": {"zh_CN": "预存", "en_US": "credit"},
    "say_balance": {"zh_CN": "余额", "en_US": "balance"},
    "say_yuan": {"zh_CN": "元", "en_US": "yuan"},
    "say_jiao": {"zh_CN": "角"},
    "say_fen": {"zh_CN": "分", "en_US": "fen"},
    "say_zheng": {"zh_CN": "整"},
    "say_year": {"zh_CN": "年"},
    "say_month": {"zh_CN": "月"},
    "say_day": {"zh_CN": "日"},
    "say_m3": {"zh_CN": "立方米", "en_US": "cubic metres"},
    "say_m3_one": {"en_US": "cubic metre"},
    **{
        f"say_month_{n}": {"en_US": en}
        for n, en in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            start=1,
        )
    },
}

# cn2an's numerals -> tokens
_ZH_CHARS = {
    **{c: f"say_{n}" for n, c in enumerate("零一二三四五六七八九")},
    "十": "say_10",
    "百": "say_100",
    "千": "say_1000",
    "万": "say_10000",
    "亿": "say_100000000",
}
_EN_SCALES = ((10**9, "say_billion"), (10**6, "say_million"), (1000, "say_1000"))
MAX_INTEGER = 10**12 - 1  # below a trillion: more is no phone amount


class SpellerError(ValueError):
    """A value the speller cannot say (not a number, too large, bad date)."""


def _lang(lang):
    return "en_US" if (lang or "").startswith("en") else "zh_CN"


def _decimal(value):
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise SpellerError(f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise SpellerError(f"not a number: {value!r}")
    return number


def _check_integer(n):
    if not isinstance(n, int) or isinstance(n, bool):
        raise SpellerError(f"not an integer: {n!r}")
    if abs(n) > MAX_INTEGER:
        raise SpellerError(f"too large to say: {n}")


# -- integers -----------------------------------------------------------------------
def integer(n, lang="zh_CN"):
    """Tokens of a whole number: 105 → 一百零五 / one hundred and five."""
    _check_integer(n)
    tokens = ["say_minus"] if n < 0 else []
    n = abs(n)
    if _lang(lang) == "en_US":
        return tokens + _en_integer(n)
    return tokens + [_ZH_CHARS[c] for c in cn2an.an2cn(n, "low")]


def _en_below_100(n):
    if n < 20 or n % 10 == 0:
        return [f"say_{n}"]
    return [f"say_{n - n % 10}", f"say_{n % 10}"]


def _en_below_1000(n):
    hundreds, rest = divmod(n, 100)
    tokens = [f"say_{hundreds}", "say_100"] if hundreds else []
    if rest:
        tokens += (["say_and"] if hundreds else []) + _en_below_100(rest)
    return tokens


def _en_integer(n):
    if n == 0:
        return ["say_0"]
    tokens = []
    for scale, word in _EN_SCALES:
        if n >= scale:
            tokens += _en_below_1000(n // scale) + [word]
            n %= scale
    if n:
        # "one thousand and five", "one hundred thousand and ten"
        if tokens and n < 100:
            tokens.append("say_and")
        tokens += _en_below_1000(n)
    return tokens


def digits(text, lang="zh_CN"):
    """Each digit on its own: 2026 → 二零二六."""
    return [f"say_{c}" for c in str(text) if c.isdigit()]


# -- amounts ------------------------------------------------------------------------
def amount(value, lang="zh_CN", negative="say_minus", whole=False):
    """Tokens of an amount of money in yuan, rounded to the fen.

    ``negative``: the token said before a negative amount (``None``: the sign
    is dropped, the caller words it). ``whole``: 整 after an amount without
    jiao and fen (Chinese only).
    """
    number = _decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = []
    if number < 0:
        number = -number
        if negative:
            sign = [negative]
    cents = int(number * 100)
    yuan, fen_total = divmod(cents, 100)
    _check_integer(yuan)
    if _lang(lang) == "en_US":
        return sign + _en_amount(yuan, fen_total)
    jiao, fen = divmod(fen_total, 10)
    tokens = []
    if yuan or not fen_total:
        tokens += integer(yuan, "zh_CN") + ["say_yuan"]
    if jiao:
        tokens += [f"say_{jiao}", "say_jiao"]
    if fen:
        if yuan and not jiao:
            tokens.append("say_0")  # 一百元零五分
        tokens += [f"say_{fen}", "say_fen"]
    if whole and not fen_total:
        tokens.append("say_zheng")
    return sign + tokens


def _en_amount(yuan, cents):
    if not yuan and cents:
        return _en_integer(cents) + ["say_fen"]
    tokens = _en_integer(yuan) + ["say_yuan"]
    if cents >= 10:
        tokens += _en_integer(cents)
    elif cents:
        tokens += ["say_and"] + _en_integer(cents) + ["say_fen"]
    return tokens


# -- quantities ---------------------------------------------------------------------
def quantity(value, lang="zh_CN", unit="say_m3", decimals=3):
    """Tokens of a quantity: 12.5 立方米 → 十二点五立方米 / twelve point five
    cubic metres; trailing zeros of the decimals are not said."""
    number = _decimal(value).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    tokens = []
    if number < 0:
        tokens.append("say_minus")
        number = -number
    text = format(number, "f")
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    tokens += integer(int(whole), lang)
    if fraction:
        tokens += ["say_point"] + digits(fraction, lang)
    if unit:
        if (
            unit == "say_m3"
            and _lang(lang) == "en_US"
            and text.rstrip("0")
            in (
                "1",
                "1.",
            )
        ):
            unit = "say_m3_one"
        tokens.append(unit)
    return tokens


# -- dates and months ---------------------------------------------------------------
def year(value, lang="zh_CN"):
    """二零二六年 / twenty twenty-six."""
    _check_integer(value)
    if _lang(lang) == "en_US":
        high, low = divmod(value, 100)
        if 10 <= high <= 99 and low >= 10:
            return _en_integer(high) + _en_integer(low)
        return _en_integer(value)
    return digits(value) + ["say_year"]


def _month_number(value):
    _check_integer(value)
    if not 1 <= value <= 12:
        raise SpellerError(f"no month {value}")
    return value


def month_name(value, lang="zh_CN"):
    """九月 / September."""
    value = _month_number(value)
    if _lang(lang) == "en_US":
        return [f"say_month_{value}"]
    return integer(value, "zh_CN") + ["say_month"]


def date(value, lang="zh_CN"):
    """2026年9月5日 / September five, twenty twenty-six."""
    if not isinstance(value, datetime.date):
        raise SpellerError(f"not a date: {value!r}")
    if _lang(lang) == "en_US":
        return (
            month_name(value.month, lang)
            + _en_integer(value.day)
            + year(value.year, lang)
        )
    return (
        year(value.year)
        + month_name(value.month)
        + integer(value.day, "zh_CN")
        + ["say_day"]
    )


def _runs(numbers):
    """[1, 2, 3, 5] → [(1, 3), (5, 5)]."""
    runs = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def months(values, lang="zh_CN"):
    """A list of months, the months of one year after their year, three or
    more in a row as a range: 2026年9月、10月 / September and October twenty
    twenty-six; 2026年1月至6月 / January to June twenty twenty-six.

    ``values``: dates (their month counts) or ``(year, month)`` pairs.
    """
    wanted = set()
    for value in values:
        if isinstance(value, datetime.date):
            wanted.add((value.year, value.month))
        else:
            y, m = value
            _check_integer(y)
            wanted.add((y, _month_number(m)))
    english = _lang(lang) == "en_US"
    tokens = []
    for y in sorted({y for y, _m in wanted}):
        items = []
        for first, last in _runs(sorted(m for yy, m in wanted if yy == y)):
            if last - first >= 2:
                items.append(
                    month_name(first, lang) + ["say_to"] + month_name(last, lang)
                )
            else:
                items += [month_name(m, lang) for m in range(first, last + 1)]
        if english:
            for index, item in enumerate(items):
                if index and index == len(items) - 1:
                    tokens.append("say_and")
                tokens += item
            tokens += year(y, lang)
        else:
            tokens += year(y)
            for item in items:
                tokens += item
    return tokens


def sounds(tokens, lang):
    """The sound names the IVR plays for ``tokens`` in ``lang``."""
    lang = _lang(lang)
    return [f"hotline/{lang}/{token}" for token in tokens]
