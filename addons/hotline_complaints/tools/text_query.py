# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Keyword commands of the SMS and e-mail query services (短信/邮件查询).

Plain Python, no ORM: :func:`parse` turns the text a customer sent into a
:class:`TextCommand` or ``None`` (not a command: the text is a message for a
case, as before the query service existed).

Commands (case-insensitive; full-width letters, digits and spaces as typed on
a Chinese phone keyboard are read as their half-width forms):

==============  ====================================  =====================
command         keywords                              arguments
==============  ====================================  =====================
``case_status`` ``CX``, ``查询``, ``QUERY``           case number, query code
``arrears``     ``QF``, ``欠费``, ``查欠费``, ...     none
``last_bill``   ``ZD``, ``账单``, ``查账单``, ...     none
``help``        ``BZ``, ``帮助``, ``?``, ``HELP``     none
==============  ====================================  =====================

``CX HT00012 123456``, ``查询 HT00012 123456``, ``查询HT00012,123456`` and
``cx ht00012 １２３４５６`` are the same query. A case-status keyword followed by
anything but two ASCII words (``查询一下燃气费``, ``查询 我家的燃气``) is not a
command: people start sentences with 查询. ``CX`` alone or with one or three
words is the command with ``complete=False`` (the answer explains the usage).
"""

import re
import unicodedata
from dataclasses import dataclass

CASE_STATUS = "case_status"
ARREARS = "arrears"
LAST_BILL = "last_bill"
HELP = "help"
COMMANDS = (CASE_STATUS, ARREARS, LAST_BILL, HELP)

# whole-message keywords (compared without spaces, upper case)
WHOLE_KEYWORDS = {
    HELP: ("BZ", "帮助", "?", "HELP", "菜单"),
    ARREARS: ("QF", "欠费", "查欠费", "查询欠费", "欠费查询", "ARREARS"),
    LAST_BILL: ("ZD", "账单", "查账单", "查询账单", "账单查询", "BILL"),
}
# keywords followed by the case number and the query code
CASE_KEYWORDS = ("CX", "QUERY", "查询", "查进度", "查询进度")
# a case number or a query code: printable ASCII, as the web query accepts
ARGUMENT = re.compile(r"[\x21-\x7e]{1,64}")
# separators people type between the words (after NFKC: ，→, ；→; ：→:)
SEPARATORS = re.compile(r"[\s,;:#/、]+")
# punctuation ending a message (。！ survive NFKC)
TRAILING = ".。!！~"
MAX_LENGTH = 200


@dataclass(frozen=True)
class TextCommand:
    """A recognised command: ``command`` one of :data:`COMMANDS`, ``args``
    its words (case number and code for ``case_status``), ``complete``
    False when a case-status query lacks its two words."""

    command: str
    args: tuple = ()
    complete: bool = True


def normalize(text):
    """NFKC (full-width → half-width, ideographic space → space), one space
    between words, no leading/trailing spaces or final punctuation."""
    text = unicodedata.normalize("NFKC", text or "")
    text = " ".join(text.split())
    return text.rstrip(TRAILING).strip()


def parse(text):
    """The :class:`TextCommand` of ``text``, ``None`` when it is no command."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    text = normalize(text)
    if not text:
        return None
    compact = text.replace(" ", "").upper()
    for command, keywords in WHOLE_KEYWORDS.items():
        if compact in keywords:
            return TextCommand(command)
    upper = text.upper()
    for keyword in sorted(CASE_KEYWORDS, key=len, reverse=True):
        if not upper.startswith(keyword):
            continue
        rest = text[len(keyword) :]
        ascii_keyword = keyword.isascii()
        if rest and ascii_keyword and not SEPARATORS.match(rest):
            # CXHT00012: a word that starts with CX, not the keyword
            return None
        words = tuple(word for word in SEPARATORS.split(rest) if word)
        if not all(ARGUMENT.fullmatch(word) for word in words):
            return None
        if not words and not ascii_keyword:
            # 查询 alone: a word of a sentence rather than a command
            return None
        if len(words) != 2:
            return TextCommand(CASE_STATUS, words[:3], complete=False)
        number, code = words
        return TextCommand(CASE_STATUS, (number.upper(), code))
    return None
