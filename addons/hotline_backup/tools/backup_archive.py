# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One backup archive: database, filestore, PBX files and the manifest.

No ORM: the database is read through its own connection. The row counts are
taken in the snapshot that ``pg_dump --snapshot`` dumps, so the manifest
describes exactly what the dump holds.

The archive is Odoo's own backup format (``dump.sql``, ``filestore/``,
``manifest.json``: Odoo's database manager restores it too) plus ``pbx/``
(recordings, voicemail and fax spool, ``pbx/<pbx id>/<kind>/...``) and
``hotline_manifest.json``. Next to it, ``<archive>.manifest.json`` repeats
that manifest with the archive's own size and sha256.
"""

import datetime
import json
import os
import subprocess
import zipfile

import odoo
from odoo.service.db import dump_db_manifest
from odoo.tools import SQL, config
from odoo.tools.misc import exec_pg_environ, find_pg_tool

from . import gfs
from . import manifest as mf


class BackupError(Exception):
    """A backup could not be made."""


def dump_database(dbname, dump_path):
    """``pg_dump`` of ``dbname`` into ``dump_path`` (plain SQL, no owner).

    Returns ``(row counts, Odoo's manifest)`` read in the dump's snapshot."""
    db = odoo.sql_db.db_connect(dbname)
    with db.cursor() as cr:
        # Odoo's cursors are REPEATABLE READ: one snapshot for the transaction
        cr.execute(SQL("SELECT pg_export_snapshot()"))
        snapshot = cr.fetchone()[0]
        counts = mf.count_rows(cr)
        odoo_manifest = dump_db_manifest(cr)
        command = [
            find_pg_tool("pg_dump"),
            "--no-owner",
            "--snapshot=" + snapshot,
            "--file=" + dump_path,
            dbname,
        ]
        result = subprocess.run(
            command,
            env=exec_pg_environ(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(
                f"pg_dump failed (exit status {result.returncode}): "
                + (result.stderr or "").strip()[-2000:]
            )
    return counts, odoo_manifest


def walk_files(folder):
    """Regular files under ``folder`` (relative paths, sorted); symbolic
    links are not followed: only what is really in the spool is saved."""
    found = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d for d in dirs if not os.path.islink(os.path.join(current, d))
        )
        for name in files:
            path = os.path.join(current, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            found.append(os.path.relpath(path, folder))
    return sorted(found)


def make_backup(dbname, workdir, pbx_sources, when=None):
    """Write the archive and its manifest into ``workdir``.

    ``pbx_sources``: dicts with ``pbx_id``, ``pbx``, ``kind`` and ``folder``
    (a real, allowed path). Returns a dict with ``archive``, ``manifest_file``
    (paths) and ``manifest`` (the dict written next to the archive)."""
    when = when or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    name = gfs.archive_name(when)
    archive = os.path.join(workdir, name)
    dump_path = os.path.join(workdir, "dump.sql")
    counts, odoo_manifest = dump_database(dbname, dump_path)
    files = []
    missing_folders = []
    with zipfile.ZipFile(
        archive, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True
    ) as zf:
        zf.write(dump_path, "dump.sql")
        os.unlink(dump_path)
        zf.writestr("manifest.json", json.dumps(odoo_manifest, indent=4))
        filestore = config.filestore(dbname)
        if os.path.isdir(filestore):
            for relative in walk_files(filestore):
                zf.write(
                    os.path.join(filestore, relative),
                    os.path.join("filestore", relative),
                )
        for source in pbx_sources:
            folder = source["folder"]
            if not os.path.isdir(folder):
                missing_folders.append(
                    {"pbx": source["pbx"], "kind": source["kind"], "folder": folder}
                )
                continue
            prefix = os.path.join("pbx", str(source["pbx_id"]), source["kind"])
            for relative in walk_files(folder):
                path = os.path.join(folder, relative)
                digest, size = mf.sha256_file(path)
                member = os.path.join(prefix, relative)
                zf.write(path, member)
                files.append(
                    {
                        "path": member,
                        "source": path,
                        "kind": source["kind"],
                        "size": size,
                        "sha256": digest,
                    }
                )
        inner = {
            "format": mf.FORMAT,
            "db_name": dbname,
            "created_at": when.strftime("%Y-%m-%d %H:%M:%S"),
            "odoo_version": odoo_manifest.get("version"),
            "counts": counts,
            "pbx_files": files,
            "pbx_missing_folders": missing_folders,
        }
        zf.writestr(mf.INNER_NAME, mf.dumps(inner))
    digest, size = mf.sha256_file(archive)
    outer = dict(inner, archive={"name": name, "size": size, "sha256": digest})
    manifest_file = archive + gfs.MANIFEST_SUFFIX
    with open(manifest_file, "w", encoding="utf-8") as handle:
        handle.write(mf.dumps(outer))
    return {"archive": archive, "manifest_file": manifest_file, "manifest": outer}
