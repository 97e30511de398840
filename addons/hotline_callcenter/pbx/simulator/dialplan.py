# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The dialplan a simulated Asterisk knows: contexts, extensions, priorities.

Parses an ``extensions.conf`` (``[context]``, ``exten =>``, ``same =>``,
``include =>``; ``n`` priorities and ``n(label)`` labels) as Asterisk's
``pbx_config`` does, and answers what the AMI actions ask of it:

- ``exists(context, exten, priority)``: ``ast_exists_extension()`` (main/pbx.c),
  with the pattern rules of ``_extension_match_core()``: ``_`` starts a pattern,
  ``X`` 0-9, ``Z`` 1-9, ``N`` 2-9, ``[...]`` a set or range, ``.`` one or more
  characters, ``!`` zero or more; a context's own extensions are searched before
  its includes, in order.
- ``run_after(context, exten, priority, variables)``: the applications a channel
  runs from ``priority + 1`` on (``GotoIf`` evaluated on ``variables``), until
  ``Hangup`` or the end of the extension: what the dialplan does with a caller
  when an AGI returns.

The simulator loads ``captures/extensions.conf`` (the dialplan of the capture
PBX, from the READMEs of ``/work/shared/asterisk``) unless given another one,
e.g. the shipped ``docker/asterisk/extensions.conf``.
"""

import re
from pathlib import Path

CAPTURE_DIALPLAN = Path(__file__).resolve().parent / "captures" / "extensions.conf"
# the dialplan shipped for docker-compose and real deployments (repository root)
SHIPPED_DIALPLAN = (
    Path(__file__).resolve().parents[4] / "docker" / "asterisk" / "extensions.conf"
)
# hotline.pbx values matching the capture PBX's dialplan (what the simulator
# replays): agents are Local channels of [agents], click-to-dial runs in
# [click2dial], customers answer in [pstn-out]
CAPTURE_PBX_SETTINGS = {
    "agent_channel_template": "Local/{extension}@agents",
    "trunk_channel_template": "Local/{number}@pstn-out",
    "inbound_contexts": "from-pstn",
    "internal_context": "internal",
    "outbound_context": "click2dial",
    "hold_context": "hotline-hold",
    "conference_context": "hotline-conference",
    "emergency_context": "hotline-emergency",
    "campaign_context": "hotline-campaign",
    "fax_send_context": "hotline-fax-send",
}
_PRIORITY_RE = re.compile(r"^(\d+|n|hint)(?:\(([^)]*)\))?$", re.IGNORECASE)
_CLASSES = {"X": "0123456789", "Z": "123456789", "N": "23456789"}


def _split_app(text):
    """``App(data)`` -> ``("App", "data")``."""
    text = text.strip()
    name, paren, rest = text.partition("(")
    if not paren:
        return name.strip(), ""
    return name.strip(), rest[: rest.rfind(")")] if ")" in rest else rest


def pattern_match(pattern, exten):
    """Whether ``exten`` matches the extension ``pattern`` (exact when it does
    not start with ``_``), as ``_extension_match_core()`` in main/pbx.c."""
    if not pattern.startswith("_"):
        return pattern == exten
    pat = pattern[1:]
    i = j = 0
    while i < len(pat):
        char = pat[i].upper()
        if char in (".", "!"):
            return j < len(exten) if char == "." else True
        if j >= len(exten):
            return False
        if char in _CLASSES:
            if exten[j] not in _CLASSES[char]:
                return False
        elif char == "[":
            end = pat.find("]", i)
            if end < 0:
                return False
            chars = set()
            body = pat[i + 1 : end]
            k = 0
            while k < len(body):
                if k + 2 < len(body) and body[k + 1] == "-":
                    chars.update(
                        chr(c) for c in range(ord(body[k]), ord(body[k + 2]) + 1)
                    )
                    k += 3
                else:
                    chars.add(body[k])
                    k += 1
            if exten[j] not in chars:
                return False
            i = end
        elif pat[i] != exten[j]:
            return False
        i += 1
        j += 1
    return j == len(exten)


def evaluate(expression, variables):
    """An ``$[...]`` expression of the subset the shipped dialplans use:
    quoted or bare operands compared with ``=`` / ``!=``, joined with ``&``
    and ``|`` (``|`` binds looser, as in ast_expr2.y)."""
    text = re.sub(r"\$\{([^}]+)\}", lambda m: variables.get(m.group(1), ""), expression)
    text = text.strip()
    if text.startswith("$[") and text.endswith("]"):
        text = text[2:-1]

    def operand(value):
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1]
        return value

    def comparison(part):
        for op in ("!=", "="):
            left, found, right = part.partition(op)
            if found:
                equal = operand(left) == operand(right)
                return equal if op == "=" else not equal
        value = operand(part)
        return value not in ("", "0")

    return any(
        all(comparison(term) for term in alternative.split("&"))
        for alternative in text.split("|")
    )


class Dialplan:
    """``Dialplan.load(path)`` / ``Dialplan.parse(text)``; see module doc."""

    def __init__(self):
        # context -> {"extens": {pattern: [(priority, label, app, data)]},
        #             "includes": [context, ...]}
        self.contexts = {}

    @classmethod
    def load(cls, path=None):
        path = Path(path) if path else CAPTURE_DIALPLAN
        return cls.parse(path.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, text):
        plan = cls()
        context = None
        last = None  # (context, pattern) of the last exten line, for "same"
        for raw in text.splitlines():
            line = raw.split(";", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and "]" in line:
                context = line[1 : line.index("]")].strip()
                plan.contexts.setdefault(context, {"extens": {}, "includes": []})
                last = None
                continue
            if context is None:
                continue
            key, _sep, value = line.partition("=>")
            key = key.strip().lower()
            value = value.strip()
            if key == "include":
                plan.contexts[context]["includes"].append(value)
            elif key in ("exten", "same"):
                plan._add(context, key, value, last)
                if key == "exten":
                    last = (context, value.split(",", 1)[0].strip())
        return plan

    def _add(self, context, key, value, last):
        if key == "exten":
            pattern, _sep, rest = value.partition(",")
            pattern = pattern.strip()
        else:
            if last is None:
                return
            pattern, rest = last[1], value
        prio, _sep, app = rest.partition(",")
        match = _PRIORITY_RE.match(prio.strip())
        if not match or match.group(1).lower() == "hint":
            return
        steps = self.contexts[context]["extens"].setdefault(pattern, [])
        number = match.group(1)
        priority = (
            (steps[-1][0] + 1 if steps else 1) if number.lower() == "n" else int(number)
        )
        name, data = _split_app(app)
        steps.append((priority, match.group(2), name, data))

    # -- questions ------------------------------------------------------------
    def has_context(self, context):
        return context in self.contexts

    def _find(self, context, exten, seen=None):
        """The steps of the extension ``exten`` runs in ``context`` (own
        extensions first, exact before patterns, then includes), or None."""
        seen = seen or set()
        if context in seen or context not in self.contexts:
            return None
        seen.add(context)
        extens = self.contexts[context]["extens"]
        if exten in extens:
            return extens[exten]
        matches = [p for p in extens if p.startswith("_") and pattern_match(p, exten)]
        if matches:
            # the most specific pattern wins (fewest wildcards, longest)
            matches.sort(key=lambda p: ("." in p or "!" in p, -len(p)))
            return extens[matches[0]]
        for included in self.contexts[context]["includes"]:
            steps = self._find(included, exten, seen)
            if steps is not None:
                return steps
        return None

    def exists(self, context, exten, priority=1):
        """``ast_exists_extension(NULL, context, exten, priority, NULL)``."""
        steps = self._find(context, exten or "")
        return bool(steps) and any(p == int(priority) for p, *_rest in steps)

    def run_after(self, context, exten, priority, variables=None):
        """The ``(application, data)`` a channel runs after ``priority``."""
        variables = dict(variables or {})
        steps = self._find(context, exten) or []
        by_priority = {p: (label, app, data) for p, label, app, data in steps}
        labels = {label: p for p, label, *_rest in steps if label}
        ran = []
        current = int(priority) + 1
        for _guard in range(100):
            if current not in by_priority:
                break
            _label, app, data = by_priority[current]
            data = (
                re.sub(
                    r"\$\{([^}$]+)\}",
                    lambda m: variables.get(m.group(1), m.group(0)),
                    data,
                )
                if app.lower() != "gotoif"
                else data
            )
            if app.lower() == "gotoif":
                condition, _q, targets = data.partition("?")
                if_true, _c, if_false = targets.partition(":")
                target = if_true if evaluate(condition, variables) else if_false
                target = target.strip()
                if target:
                    current = labels.get(target) or int(target)
                    continue
            elif app.lower() == "hangup":
                ran.append((app, data))
                break
            else:
                ran.append((app, data))
            current += 1
        return ran
