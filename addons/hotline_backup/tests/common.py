# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import tempfile

from odoo.tools import config

from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.hotline_callcenter.tests.common import serve_media


class BackupCommon(HotlineCommon):
    """A temporary PBX spool (allowed by the server's configuration) and a
    temporary backup folder."""

    @classmethod
    def setUpClass(cls):
        cls._setup_spool()
        # before the test cursor takes its snapshot: it sees what is committed
        with serve_media(cls.spool):
            cls._commit_data()
        super().setUpClass()
        cls.startClassPatcher(serve_media(cls.spool))

    @classmethod
    def _commit_data(cls):
        """Data committed for pg_dump to see (none by default)."""

    @classmethod
    def _setup_spool(cls):
        cls.tmp = tempfile.mkdtemp(prefix="hotline-backup-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.spool = os.path.join(cls.tmp, "spool")
        cls.backups = os.path.join(cls.tmp, "backups")
        for kind in ("monitor", "voicemail", "fax"):
            os.makedirs(os.path.join(cls.spool, kind))

    @classmethod
    def write_file(cls, relative, content):
        path = os.path.join(cls.spool, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
        return path

    @classmethod
    def pbx_values(cls, name="Backup PBX"):
        return {
            "name": name,
            "host": "127.0.0.1",
            "recording_path": os.path.join(cls.spool, "monitor"),
            "voicemail_path": os.path.join(cls.spool, "voicemail"),
            "fax_path": os.path.join(cls.spool, "fax"),
        }

    @classmethod
    def new_config(cls, env=None, **values):
        env = env or cls.env
        values.setdefault("folder", cls.backups)
        values.setdefault("hotline_backup", True)
        return env["db.backup"].sudo().create(values)

    @staticmethod
    def data_dir():
        return config["data_dir"]
