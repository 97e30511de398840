"""Manifest, XML, CSV and translation validity of every add-on (no Odoo needed)."""

import ast
import csv
import re
from pathlib import Path

import pytest
from lxml import etree

ADDONS = Path(__file__).resolve().parents[1] / "addons"
MODULES = sorted(p.parent for p in ADDONS.glob("*/__manifest__.py"))
EXPECTED = {
    "hotline_base": {"contacts", "mail", "phone_validation", "sms", "resource"},
    "hotline_callcenter": {"hotline_base", "bus"},
    "hotline_complaints": {"hotline_callcenter", "helpdesk_mgmt"},
    "hotline_billing_ivr": {"hotline_callcenter", "account", "account_credit_control"},
    "hotline_survey": {"hotline_complaints", "survey"},
    "hotline_mailing": {
        "hotline_billing_ivr",
        "hotline_complaints",
        "mass_mailing_sms",
    },
    "hotline_backup": {"auto_backup", "hotline_complaints"},
    "hotline_security": {
        "auth_totp",
        "auth_password_policy",
        "password_security",
        "auditlog",
        "hotline_billing_ivr",
        "hotline_complaints",
    },
    "hotline_api": {"fastapi", "hotline_billing_ivr", "hotline_complaints"},
}


def _key(version):
    return tuple(int(part) for part in version.split("."))


def manifest(module):
    return ast.literal_eval((module / "__manifest__.py").read_text())


def test_all_addons_present():
    assert {m.name for m in MODULES} == set(EXPECTED)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_manifest(module):
    data = manifest(module)
    # OCA form; a migrations/<version>/ folder is for a version up to this one
    version = data["version"]
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", version), version
    for folder in sorted((module / "migrations").glob("*")):
        assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", folder.name), folder
        assert _key(folder.name) <= _key(version), folder
        scripts = {p.name for p in folder.glob("*.py")}
        assert scripts and scripts <= {
            "pre-migrate.py",
            "post-migrate.py",
            "end-migrate.py",
        }, folder
    assert data["license"] == "LGPL-3"
    assert data["author"] == "Hotline Contributors"
    assert "description" not in data
    assert EXPECTED[module.name] <= set(data["depends"])
    for key in ("data", "demo"):
        for rel in data.get(key, []):
            assert (module / rel).is_file(), f"{key} file {rel} is missing"
    for rel in (
        "readme/DESCRIPTION.md",
        "i18n/zh_CN.po",
        "security/ir.model.access.csv",
    ):
        assert (module / rel).is_file(), rel
    assert list((module / "tests").glob("test_*.py")), "no test"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_xml_files_parse(module):
    for path in module.rglob("*.xml"):
        root = etree.parse(str(path)).getroot()
        if "static" in path.relative_to(module).parts:
            assert root.tag == "templates", path  # OWL/QWeb client templates
            continue
        assert root.tag == "odoo", path
        assert not root.xpath("//tree"), f"{path}: use <list>, not <tree>"
        assert not root.xpath("//@attrs | //@states"), f"{path}: no attrs/states in 18"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_access_csv(module):
    with open(module / "security" / "ir.model.access.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == [
        "id",
        "name",
        "model_id:id",
        "group_id:id",
        "perm_read",
        "perm_write",
        "perm_create",
        "perm_unlink",
    ]
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == len(set(ids)), "duplicate access ids"
    for row in rows[1:]:
        assert len(row) == 8, row
        assert set(row[4:]) <= {"0", "1"}, row


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_zh_cn_complete(module):
    polib = pytest.importorskip("polib")
    po = polib.pofile(str(module / "i18n" / "zh_CN.po"))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert not missing, f"untranslated in {module.name}: {missing[:10]}"
    pot = module / "i18n" / f"{module.name}.pot"
    assert pot.is_file(), "regenerate with make pot"
    msgids = {e.msgid for e in polib.pofile(str(pot))}
    assert msgids <= {e.msgid for e in po}, (
        f"zh_CN.po lacks {sorted(msgids - {e.msgid for e in po})[:10]}"
    )
