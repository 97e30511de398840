# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import file_open

from .common import HotlineCommon

FIELDS = [
    "hotline_customer_number",
    "name",
    "hotline_is_customer",
    "hotline_id_type",
    "hotline_id_number",
    "mobile",
    "hotline_building",
    "hotline_room",
]
GOOD = [
    [
        "IMP-1",
        "王建华",
        "1",
        "resident_id",
        "11010519491231002X",
        "138 1234 5678",
        "3号楼",
        "501",
    ],
    ["IMP-2", "北京燃气集团", "1", "uscc", "91110000802100433B", "", "", ""],
]
BAD = [
    "IMP-3",
    "错号",
    "1",
    "resident_id",
    "110105194912310021",
    "139 0000 0000",
    "",
    "",
]


@tagged("post_install", "-at_install")
class TestImport(HotlineCommon):
    def _imported(self):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("hotline_customer_number", "like", "IMP-")])
        )

    def test_template_is_offered_and_shipped(self):
        templates = self.env["res.partner"].get_import_templates()
        self.assertEqual(
            templates[0]["template"],
            "/hotline_base/static/xlsx/hotline_customers_import_template.xlsx",
        )
        with file_open(
            "hotline_base/static/xlsx/hotline_customers_import_template.xlsx", "rb"
        ) as f:
            self.assertEqual(f.read(2), b"PK")  # an xlsx (zip) file

    def test_good_rows(self):
        result = self.env["res.partner"].load(FIELDS, GOOD)
        self.assertFalse(result["messages"])
        partners = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(partners.mapped("hotline_customer_number"), ["IMP-1", "IMP-2"])
        self.assertEqual(
            self.env["res.partner"].hotline_identify_caller("13812345678"), partners[0]
        )

    def test_bad_row_reported_and_nothing_written(self):
        rows = [GOOD[0], BAD, GOOD[1]]
        result = self.env["res.partner"].load(FIELDS, rows)
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        # Odoo reports the failed batch on its first row, then retries row by row:
        # the row-by-row error names the bad row (index 1 = second data row)
        row_errors = [m for m in errors if m["record"] == 1]
        self.assertEqual(len(row_errors), 1, result["messages"])
        self.assertEqual(row_errors[0]["rows"], {"from": 1, "to": 1})
        self.assertIn("check digit", row_errors[0]["message"])
        self.assertFalse([m for m in errors if m["record"] == 2], "row 3 is fine")
        for message in errors:
            self.assertIn("check digit", message["message"])
        self.assertFalse(self._imported())
        self.assertFalse(
            self.env["hotline.partner.phone"].search(
                [("number_e164", "=", "+8613900000000")]
            )
        )

    def test_agent_imports_supervisor_exports(self):
        agent = self.role_users["agent"]
        result = self.env["res.partner"].with_user(agent).load(FIELDS, GOOD[:1])
        self.assertFalse(result["messages"])
        self.assertEqual(len(result["ids"]), 1)
        supervisor = self.role_users["supervisor"]
        exported = (
            self.env["res.partner"]
            .with_user(supervisor)
            .browse(result["ids"])
            .export_data(["hotline_customer_number", "name", "hotline_id_number"])
        )
        self.assertEqual(exported["datas"], [["IMP-1", "王建华", "11010519491231002X"]])
