# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin --addons-path=... hotline-restore -c odoo.conf -d NEW_DB ARCHIVE
[--neutralize] [--files-dir DIR] [--manifest FILE]``.

Exit status: 0 restored and verified, 1 restored but the verification found
differences (the database is kept for inspection), 2 refused or failed
(nothing was created)."""

import argparse
import sys

from odoo.cli import Command
from odoo.tools import config

from ..tools import restore as restore_tools


class HotlineRestore(Command):
    """Restore a hotline backup into a new database and verify it"""

    name = "hotline-restore"

    def run(self, args):
        parser = argparse.ArgumentParser(
            prog="odoo-bin hotline-restore",
            description="Restore a hotline backup archive (*.hotline.zip) into a "
            "NEW database (-d), optionally neutralised, then check its row "
            "counts and PBX file checksums against the backup's manifest. Odoo "
            "options (-c, --db_host, --data-dir...) are accepted too.",
        )
        parser.add_argument("archive", help="the backup archive (*.hotline.zip)")
        parser.add_argument(
            "--neutralize",
            action="store_true",
            help="no outgoing mail, SMS, calls or faxes: Odoo's neutralisation "
            "of every installed module (crons off, mail servers off) plus the "
            "hotline's (PBX records disabled, campaigns paused, SMS providers "
            "off), and a new database uuid",
        )
        parser.add_argument(
            "--files-dir",
            help="empty folder where the PBX files (recordings, voicemail, fax) "
            "are restored, as pbx-id/kind/...; without it they are only checked",
        )
        parser.add_argument(
            "--manifest",
            help="the manifest file (default: ARCHIVE.manifest.json when present)",
        )
        ours, rest = parser.parse_known_args(args)
        config.parse_config(rest, setup_logging=True)
        name = (config["db_name"] or "").strip()
        if not name or "," in name:
            parser.error("one new database name is required: -d NEW_DB")
        try:
            report = restore_tools.restore(
                ours.archive,
                name,
                neutralize=ours.neutralize,
                files_dir=ours.files_dir,
                manifest_file=ours.manifest,
            )
        except restore_tools.RestoreError as exc:
            sys.stderr.write(f"hotline-restore: refused: {exc}\n")
            sys.exit(2)
        sys.stdout.write(restore_tools.format_report(name, report) + "\n")
        sys.exit(0 if report["ok"] else 1)
