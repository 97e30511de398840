# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Backup and Restore",
    "summary": "Full backups (database, filestore, PBX recordings, voicemail, "
    "fax) with manifest and GFS retention; verified restore command",
    "version": "18.0.1.0.0",
    "category": "Tools",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["auto_backup", "hotline_complaints"],
    "external_dependencies": {"python": ["pysftp"]},
    "data": [
        "security/ir.model.access.csv",
        "views/hotline_backup_run_views.xml",
        "views/db_backup_views.xml",
        "views/menus.xml",
    ],
}
