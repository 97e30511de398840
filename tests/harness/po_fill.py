"""Fill ``zh_CN.po`` entries from a JSON object ``{"msgid": "译文", ...}``.

Usage: ``python3 tests/harness/po_fill.py addons/<module>/i18n/zh_CN.po terms.json``
(``-`` reads the JSON from stdin). Entries already translated are left alone unless
the JSON gives them; unknown msgids are reported.
"""

import json
import sys

import polib


def main(po_path, source):
    if source == "-":
        terms = json.load(sys.stdin)
    else:
        with open(source, encoding="utf-8") as f:
            terms = json.load(f)
    po = polib.pofile(po_path, wrapwidth=78)
    seen = set()
    for entry in po:
        if entry.msgid in terms:
            entry.msgstr = terms[entry.msgid]
            seen.add(entry.msgid)
    po.save(po_path)
    for msgid in sorted(set(terms) - seen):
        print(f"not in {po_path}: {msgid!r}")
    left = [e.msgid for e in po if not e.msgstr]
    for msgid in left:
        print(f"untranslated: {msgid!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
