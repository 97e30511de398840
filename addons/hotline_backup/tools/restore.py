# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Restore a hotline backup archive into a new database, and verify it.

No ORM and no registry: the new database is created and filled with
PostgreSQL's own tools, neutralised with Odoo's ``odoo.modules.neutralize``
(every installed module's ``data/neutralize.sql``, this add-on's included)
and checked with SQL. ``odoo-bin hotline-restore`` (``cli/``) is the command
line around :func:`restore`.

Steps, each refusing before anything is written when it can:

1. read the archive's ``hotline_manifest.json`` and, when the manifest file
   next to the archive is there, check the archive's size and sha256;
2. refuse a database name that exists (or whose filestore exists);
3. create the database, load ``dump.sql`` with ``psql`` (stop at the first
   error), move the filestore into place, optionally neutralise; a failure
   drops what was created;
4. extract the PBX files (into ``files_dir`` when given, else a temporary
   folder) and verify: row counts and file checksums equal the manifest.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile

import odoo
from odoo.modules.neutralize import neutralize_database
from odoo.service.db import _create_empty_database, _drop_conn, database_identifier
from odoo.tools import SQL, config
from odoo.tools.misc import exec_pg_environ, find_pg_tool

from . import gfs
from . import manifest as mf

# the database manager's rule for names
DBNAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")


class RestoreError(Exception):
    """The restore was refused or failed (nothing is left behind)."""


def read_manifest(archive, manifest_file=None):
    """The archive's manifest, after checking the archive's size and
    checksum against the manifest file next to it (when there is one)."""
    if not os.path.isfile(archive):
        raise RestoreError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise RestoreError(f"{archive}: not a zip archive")
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        if mf.INNER_NAME not in names or "dump.sql" not in names:
            raise RestoreError(
                f"{archive}: not a hotline backup (no {mf.INNER_NAME} or dump.sql)"
            )
        inner = json.loads(zf.read(mf.INNER_NAME))
    if inner.get("format") != mf.FORMAT:
        raise RestoreError(
            f"{archive}: unknown manifest format {inner.get('format')!r}"
        )
    manifest_file = manifest_file or archive + gfs.MANIFEST_SUFFIX
    checked = False
    if os.path.isfile(manifest_file):
        with open(manifest_file, encoding="utf-8") as handle:
            outer = json.load(handle)
        expected = outer.get("archive") or {}
        digest, size = mf.sha256_file(archive)
        if digest != expected.get("sha256") or size != expected.get("size"):
            raise RestoreError(
                f"{archive}: size or sha256 differs from {manifest_file} "
                "(damaged or altered archive)"
            )
        checked = True
    return inner, checked


def database_exists(name):
    db = odoo.sql_db.db_connect("postgres")
    with contextlib.closing(db.cursor()) as cr:
        cr.execute(SQL("SELECT 1 FROM pg_database WHERE datname = %s", name))
        return bool(cr.fetchone())


def drop_database(name):
    """Drop ``name`` and its filestore (a failed restore, a test)."""
    odoo.sql_db.close_db(name)
    db = odoo.sql_db.db_connect("postgres")
    with contextlib.closing(db.cursor()) as cr:
        cr._cnx.autocommit = True
        _drop_conn(cr, name)
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", database_identifier(cr, name)))
    shutil.rmtree(config.filestore(name), ignore_errors=True)


def database_counts(name):
    db = odoo.sql_db.db_connect(name)
    with contextlib.closing(db.cursor()) as cr:
        return mf.count_rows(cr)


def verify(name, inner, files_root):
    """Problems (text lines) where database ``name`` and the PBX files under
    ``files_root`` differ from the manifest ``inner``; empty when all agree."""
    problems = mf.compare_counts(inner.get("counts") or {}, database_counts(name))
    files = [
        dict(entry, path=os.path.relpath(entry["path"], "pbx"))
        for entry in inner.get("pbx_files") or []
    ]
    return problems + mf.check_files(files_root, files)


def _neutralize(name):
    db = odoo.sql_db.db_connect(name)
    with db.cursor() as cr:
        neutralize_database(cr)
        # a copy: its own database uuid (Odoo's restore "as a copy")
        cr.execute(
            SQL(
                "UPDATE ir_config_parameter SET value = %s WHERE key = 'database.uuid'",
                str(uuid.uuid1()),
            )
        )


def _extract(zf, members, target):
    for member in members:
        # zipfile strips absolute paths and "..": still, refuse them
        if member.startswith("/") or ".." in member.split("/"):
            raise RestoreError(f"unsafe path in the archive: {member}")
    zf.extractall(target, members)


def restore(archive, name, neutralize=False, files_dir=None, manifest_file=None):
    """Restore ``archive`` into the new database ``name``.

    Returns a report dict: ``ok`` (verification passed), ``problems``,
    ``counts`` (from the manifest), ``files`` (PBX files checked),
    ``files_dir``, ``neutralized``, ``archive_checked``. Raises
    :class:`RestoreError` when refused or failed (nothing is left)."""
    if not DBNAME.match(name or ""):
        raise RestoreError(
            f"invalid database name {name!r}: letters, digits, '_', '-' and '.'"
        )
    inner, checked = read_manifest(archive, manifest_file)
    if database_exists(name):
        raise RestoreError(
            f"database {name!r} exists: a backup is only restored into a new "
            "database (choose another name, or drop it first)"
        )
    filestore = config.filestore(name)
    if os.path.exists(filestore):
        raise RestoreError(
            f"the filestore {filestore} exists: remove it or choose another name"
        )
    if files_dir and os.path.isdir(files_dir) and os.listdir(files_dir):
        raise RestoreError(f"{files_dir} is not empty: choose an empty folder")
    created = False
    with tempfile.TemporaryDirectory(prefix="hotline-restore-") as tmp:
        try:
            with zipfile.ZipFile(archive) as zf:
                members = zf.namelist()
                store = [m for m in members if m.startswith("filestore/")]
                pbx = [m for m in members if m.startswith("pbx/")]
                _extract(zf, ["dump.sql", *store, *pbx], tmp)
            _create_empty_database(name)
            created = True
            result = subprocess.run(
                [
                    find_pg_tool("psql"),
                    "--dbname=" + name,
                    "--quiet",
                    "--no-psqlrc",
                    "--single-transaction",
                    "--set=ON_ERROR_STOP=1",
                    "--file=" + os.path.join(tmp, "dump.sql"),
                ],
                env=exec_pg_environ(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
            if result.returncode:
                raise RestoreError(
                    "psql could not load the dump: "
                    + (result.stderr or "").strip()[-2000:]
                )
            if store:
                os.makedirs(os.path.dirname(filestore), exist_ok=True)
                shutil.move(os.path.join(tmp, "filestore"), filestore)
            if neutralize:
                _neutralize(name)
            pbx_root = os.path.join(tmp, "pbx")
            if files_dir:
                os.makedirs(files_dir, exist_ok=True)
                if os.path.isdir(pbx_root):
                    for entry in os.listdir(pbx_root):
                        shutil.move(os.path.join(pbx_root, entry), files_dir)
                pbx_root = files_dir
            problems = verify(name, inner, pbx_root)
        except Exception as exc:
            if created:
                drop_database(name)
            if isinstance(exc, RestoreError):
                raise
            raise RestoreError(f"restore failed: {exc}") from exc
    return {
        "ok": not problems,
        "problems": problems,
        "counts": inner.get("counts") or {},
        "files": len(inner.get("pbx_files") or []),
        "files_dir": files_dir,
        "neutralized": neutralize,
        "archive_checked": checked,
        "created_at": inner.get("created_at"),
        "source_db": inner.get("db_name"),
    }


def format_report(name, report):
    """The report ``odoo-bin hotline-restore`` prints."""
    lines = [
        (
            f"Restored backup of {report['source_db']} taken "
            f"{report['created_at']} UTC into database {name}"
        ),
        "archive checksum: "
        + ("verified" if report["archive_checked"] else "no manifest file next to it"),
        "neutralized: " + ("yes" if report["neutralized"] else "no"),
        "row counts: "
        + ", ".join(
            f"{key} {value}" for key, value in sorted(report["counts"].items())
        ),
        f"PBX files: {report['files']}"
        + (
            f" in {report['files_dir']}"
            if report["files_dir"]
            else " (checked, not kept)"
        ),
    ]
    if report["ok"]:
        lines.append("verification: OK")
    else:
        lines.append(f"verification: FAILED ({len(report['problems'])} problems)")
        lines.extend("  " + problem for problem in report["problems"])
    return "\n".join(lines)
