# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The backup manifest: checksums, sizes and row counts, and their checks.

Plain Python (no ORM). ``count_rows`` takes an Odoo database cursor
(``odoo.sql_db``), not an environment.
"""

import hashlib
import json
import os

from odoo.tools import SQL

FORMAT = "hotline-backup/1"
INNER_NAME = "hotline_manifest.json"
CHUNK = 1024 * 1024

# what the manifest counts: key -> (table, boolean column that must be true)
COUNTED = {
    "customers": ("res_partner", "hotline_is_customer"),
    "partners": ("res_partner", None),
    "users": ("res_users", None),
    "calls": ("hotline_call", None),
    "cases": ("helpdesk_ticket", None),
    "recordings": ("hotline_recording", None),
    "voicemails": ("hotline_voicemail", None),
    "faxes": ("hotline_fax", None),
    "attachments": ("ir_attachment", None),
    "messages": ("mail_message", None),
}


def sha256_file(path):
    """``(hex sha256, size in bytes)`` of the file at ``path``."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(CHUNK)
            if not block:
                break
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def count_rows(cr):
    """Rows per counted model; tables the database lacks are left out.

    The table and column names are the constants of ``COUNTED`` (quoted as
    identifiers), never input."""
    counts = {}
    for key, (table, flag) in COUNTED.items():
        cr.execute(SQL("SELECT to_regclass(%s)", table))
        if cr.fetchone()[0] is None:
            continue
        query = SQL("SELECT count(*) FROM %s", SQL.identifier(table))
        if flag:
            query = SQL("%s WHERE %s IS TRUE", query, SQL.identifier(flag))
        cr.execute(query)
        counts[key] = cr.fetchone()[0]
    return counts


def compare_counts(expected, actual):
    """Problems (text lines) where ``actual`` row counts differ from the
    manifest's ``expected`` ones."""
    problems = []
    for key in sorted(expected):
        if key not in actual:
            problems.append(f"count {key}: missing in the database")
        elif actual[key] != expected[key]:
            problems.append(
                f"count {key}: {actual[key]} in the database, "
                f"{expected[key]} in the manifest"
            )
    return problems


def check_files(root, files):
    """Problems where the files under ``root`` differ from the manifest's
    ``files`` entries (``path`` relative to ``root``, ``size``, ``sha256``)."""
    problems = []
    for entry in files:
        path = os.path.join(root, entry["path"])
        if not os.path.isfile(path):
            problems.append(f"file {entry['path']}: missing")
            continue
        digest, size = sha256_file(path)
        if digest != entry["sha256"] or size != entry["size"]:
            problems.append(
                f"file {entry['path']}: checksum or size differs from the manifest"
            )
    return problems


def dumps(manifest):
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
