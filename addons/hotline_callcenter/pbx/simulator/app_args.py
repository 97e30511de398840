# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dialplan application arguments as Asterisk 22 reads them.

``split_app_args`` follows AST_STANDARD_APP_ARGS (main/utils.c
ast_app_separate_args: commas inside parentheses, brackets or double quotes do
not split, quotes and backslashes are removed); ``parse_options`` follows
main/app.c parse_options(): one letter per option, ``x(arg)`` for an argument;
an unknown letter is logged ("Unrecognized option: 'z'") and ignored, the
application runs anyway; a missing ``)`` stops the parsing.
"""

# apps/app_queue.c queue_exec_options: letter -> takes an argument
QUEUE_OPTIONS = dict.fromkeys("CcdhHiIkKnrRtTxXwW", False) | dict.fromkeys("bBFm", True)
# apps/app_dial.c dial_exec_options
DIAL_OPTIONS = dict.fromkeys("aCcdEeghHiIjkKNpRtTwWxXz", False) | dict.fromkeys(
    "AbBDfFGLmnoOPQrSsuU", True
)


def split_app_args(data):
    """``data`` of ``App(data)`` split on the top-level commas."""
    args, current = [], []
    depth = 0
    quoted = False
    chars = iter(data or "")
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == '"':
            quoted = not quoted
        elif quoted:
            current.append(char)
        elif char in "([":
            depth += 1
            current.append(char)
        elif char in ")]":
            depth = max(depth - 1, 0)
            current.append(char)
        elif char == "," and not depth:
            args.append("".join(current))
            current = []
        else:
            current.append(char)
    args.append("".join(current))
    return args


def parse_options(optstr, table):
    """``(letters set, {letter: argument}, warnings)`` of an options string."""
    flags, values, warnings = set(), {}, []
    i = 0
    optstr = optstr or ""
    while i < len(optstr):
        letter = optstr[i]
        i += 1
        if i < len(optstr) and optstr[i] == "(":
            depth, j = 1, i + 1
            while j < len(optstr) and depth:
                depth += {"(": 1, ")": -1}.get(optstr[j], 0)
                j += 1
            if depth:
                warnings.append(
                    f"Missing closing parenthesis for argument '{letter}' in "
                    f"string '{optstr[i + 1 :]}'"
                )
                break
            if table.get(letter):
                values[letter] = optstr[i + 1 : j - 1]
            i = j
        elif table.get(letter):
            values[letter] = ""
        if letter not in table:
            warnings.append(f"Unrecognized option: '{letter}'")
            continue
        flags.add(letter)
    return flags, values, warnings


def bridge_options(app, data):
    """For ``Queue``/``Dial``: ``(option letters, warnings)``; None otherwise.

    Queue(queuename,options,...), Dial(Technology/Resource,timeout,options,...).
    """
    name = (app or "").strip().lower()
    if name not in ("queue", "dial"):
        return None
    args = split_app_args(data)
    position, table = (1, QUEUE_OPTIONS) if name == "queue" else (2, DIAL_OPTIONS)
    optstr = args[position] if len(args) > position else ""
    flags, _values, warnings = parse_options(optstr, table)
    return flags, warnings
