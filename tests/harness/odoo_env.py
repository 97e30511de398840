"""Locate Odoo 18.0 and build the command lines the project's own scripts run.

Odoo is an external dependency: a source tree at ``$ODOO_PATH`` (default
``/opt/odoo``), an importable ``odoo`` package, or, on a machine with neither, the
one the first run fetches into ``.odoo/`` (``bootstrap.py``). OCA add-ons come from
PyPI wheels, whose ``odoo/addons`` folder in site-packages goes on the addons path.
"""

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADDONS = ROOT / "addons"
ODOO_PATH = Path(os.environ.get("ODOO_PATH") or "/opt/odoo")
# Where the first-run setup fetches Odoo when there is none (ignored by git).
FETCHED = ROOT / ".odoo"
MODULES = [
    "hotline_base",
    "hotline_callcenter",
    "hotline_complaints",
    "hotline_billing_ivr",
    "hotline_survey",
    "hotline_mailing",
    "hotline_backup",
    "hotline_security",
    "hotline_api",
]
# Installed before the add-ons under test, so that their at_install tests and the
# warning check see only our own modules being installed.
DEPENDENCIES = [
    "contacts",
    "mail",
    "phone_validation",
    "sms",
    "resource",
    "bus",
    "helpdesk_mgmt",
    "account",
    "account_credit_control",
    "l10n_cn",
    "survey",
    "mass_mailing_sms",
    "auto_backup",
    # hotline_security's; auditlog 18.0.2.0.9.5's tests import a name this
    # Odoo 18.0 lacks (odoo.tests.common.SETATTR_SOURCES), so it is installed
    # here, without --test-enable
    "auth_totp",
    "auth_password_policy",
    "password_security",
    "auditlog",
    "fastapi",
]
MISSING = (
    "hotline: Odoo 18.0 not found: set ODOO_PATH to an Odoo 18.0 source tree "
    "(default /opt/odoo, https://github.com/odoo/odoo/tree/18.0) with its "
    "requirements installed, or make `python3 -c 'import odoo'` load Odoo 18.0"
)


class OdooMissing(SystemExit):
    def __init__(self, detail="", wrong_series=False):
        super().__init__(MISSING + (f" ({detail})" if detail else ""))
        self.wrong_series = wrong_series


def odoo_root():
    """Folder holding the ``odoo`` package, checked to be release 18.0.

    When there is none, the first-run setup (``bootstrap.py``) fetches and installs
    Odoo, then re-runs the command with the project's virtual environment.
    """
    try:
        return find_odoo_root()
    except OdooMissing as missing:
        if missing.wrong_series:
            raise
        from tests.harness import bootstrap

        bootstrap.ensure(missing, ODOO_PATH)
        return find_odoo_root()


def find_odoo_root():
    candidates = []
    for tree in (ODOO_PATH, FETCHED):
        if (tree / "odoo-bin").exists() and str(tree) not in candidates:
            candidates.append(str(tree))
    probe = (
        "import odoo.release, os, sys;"
        "print(odoo.release.series);"
        "print(os.path.dirname(os.path.dirname(odoo.__file__ or '')))"
    )
    for path in candidates or [""]:
        env = dict(os.environ)
        if path:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (path, env.get("PYTHONPATH")) if p
            )
        res = subprocess.run(
            [sys.executable, "-c", probe],
            env=env,
            capture_output=True,
            text=True,
            cwd="/",
            check=False,
        )
        if res.returncode == 0:
            series, where = res.stdout.split()
            if series != "18.0":
                raise OdooMissing(f"found Odoo {series} at {where}", wrong_series=True)
            return Path(where)
        detail = (res.stderr.strip().splitlines() or ["not importable"])[-1]
    raise OdooMissing(detail)


def oca_addons_paths():
    """``odoo/addons`` folders that pip's OCA wheels created in site-packages."""
    paths = []
    for sp in site.getsitepackages() + [site.getusersitepackages()]:
        folder = Path(sp) / "odoo" / "addons"
        if folder.is_dir() and any(folder.glob("*/__manifest__.py")):
            paths.append(str(folder))
    return paths


def addons_path(root):
    parts = [str(ADDONS), str(root / "addons"), str(root / "odoo" / "addons")]
    return ",".join([p for p in parts if Path(p).is_dir()] + oca_addons_paths())


def odoo_command(root, *args):
    """``odoo-bin`` with our addons path first, as the cli/ command loader wants."""
    script = root / "odoo-bin"
    base = (
        [sys.executable, str(script)]
        if script.exists()
        else [sys.executable, "-m", "odoo"]
    )
    return base + [f"--addons-path={addons_path(root)}", *args]


def odoo_environ(root):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root), str(ROOT), env.get("PYTHONPATH")) if p
    )
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def have(cmd):
    return shutil.which(cmd) is not None
