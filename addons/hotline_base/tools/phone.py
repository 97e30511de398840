# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python phone number normalisation (no ORM).

Every number a caller presents (``+86 138 1234 5678``, ``0086...``, ``010-8765 4321``,
``400-810-0000``, ``021 6234 5678 x123``, ``0755-8888 9999转123``) becomes one E.164
string, the form stored in ``hotline.partner.phone.number_e164`` and looked up with
one indexed equality.
"""

import re

import phonenumbers

DEFAULT_COUNTRY = "CN"

# Extension written after the number: "x123", "ext. 123", "转123", "分机 123", "#123"
_EXTENSION = re.compile(
    r"\s*(?:x|ext\.?|extension|转|分机|#|,|;)\s*(?P<ext>\d{1,6})\s*$",
    re.IGNORECASE,
)
_NOT_DIAL = re.compile(r"[^\d+]")

KIND_BY_TYPE = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
}


def split_extension(number):
    """Return ``(number without extension, extension or None)``."""
    number = (number or "").strip()
    match = _EXTENSION.search(number)
    if match and len(_NOT_DIAL.sub("", number[: match.start()])) >= 5:
        return number[: match.start()].strip(), match.group("ext")
    return number, None


def _parse(number, country):
    number, _ext = split_extension(number)
    dial = _NOT_DIAL.sub("", number)
    if not dial:
        return None
    # "+" only counts in front; "00" is the international prefix in China and Europe.
    dial = dial[0] + dial[1:].replace("+", "")
    if dial.startswith("00"):
        dial = "+" + dial[2:]
    try:
        parsed = phonenumbers.parse(dial, (country or DEFAULT_COUNTRY).upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return parsed


def normalize(number, country=DEFAULT_COUNTRY):
    """E.164 form of ``number`` (``+8613812345678``), or ``None`` when it cannot be
    a phone number. ``country`` (ISO code) resolves numbers without a country code."""
    parsed = _parse(number, country)
    if parsed is None:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def lookup_key(number, country=DEFAULT_COUNTRY):
    """Key under which a number is stored and searched: its E.164 form, or when it
    cannot be parsed its bare digits (so that odd numbers still match themselves)."""
    e164 = normalize(number, country)
    if e164:
        return e164
    number, _ext = split_extension(number)
    digits = re.sub(r"\D", "", number)
    return digits or None


def number_kind(number, country=DEFAULT_COUNTRY):
    """``mobile``, ``landline`` or ``other`` (400/800 numbers, service numbers)."""
    parsed = _parse(number, country)
    if parsed is None:
        return "other"
    return KIND_BY_TYPE.get(phonenumbers.number_type(parsed), "other")


def prefixes(e164):
    """Every leading part of a normalised number, longest first (for prefix
    blacklists matched with one ``IN``)."""
    if not e164:
        return []
    return [e164[:i] for i in range(len(e164), 1, -1)]


def prefix_key(prefix, country=DEFAULT_COUNTRY):
    """Normalised form of a number prefix (``170``, ``0086 170``, ``+86 10 6``,
    ``010-6``): E.164 style ``+<country code><national digits>``, comparable with
    the leading part of :func:`normalize`'s output."""
    prefix = (prefix or "").strip()
    digits = re.sub(r"\D", "", prefix)
    if not digits:
        return None
    if prefix.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    code = phonenumbers.country_code_for_region((country or DEFAULT_COUNTRY).upper())
    return f"+{code}{digits.lstrip('0')}"
