# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import zipfile
from datetime import datetime, timedelta

import openpyxl

from odoo.tests import tagged

from ..tools.xlsx_export import CALL_COLUMNS, column_letter, export_calls_xlsx
from .common import CallCenterCommon

T0 = datetime(2026, 3, 2, 9, 30, 15)


@tagged("post_install", "-at_install")
class TestXlsxExport(CallCenterCommon):
    """Issue 19: the call log's streamed xlsx (sheet XML written directly)
    reads back in openpyxl with the values, types and layout it was meant to
    have."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Call = cls.env["hotline.call"]
        cls.answered = Call.create(
            {
                "linkedid": "xlsx-1",
                "pbx_id": cls.pbx.id,
                "direction": "inbound",
                # what XML must escape, and a control character it cannot hold
                "caller_number": "<13800138000> & \x07co",
                "did": "4008123456",
                "disposition": "answered",
                "started_at": T0,
                "answered_at": T0 + timedelta(seconds=12),
                "ended_at": T0 + timedelta(seconds=312),
                "wait_seconds": 12,
                "talk_seconds": 300,
                "user_id": cls.agent.id,
            }
        )
        cls.abandoned = Call.create(
            {
                "linkedid": "xlsx-2",
                "pbx_id": cls.pbx.id,
                "direction": "inbound",
                "caller_number": "  13900000000",
                "disposition": "abandoned_queue",
                "started_at": T0 + timedelta(hours=1),
                "ended_at": T0 + timedelta(hours=1, seconds=30),
                "wait_seconds": 30,
            }
        )
        cls.other_day = Call.create(
            {
                "linkedid": "xlsx-3",
                "pbx_id": cls.pbx.id,
                "direction": "outbound",
                "called_number": "13700000000",
                "disposition": "no_answer",
                "started_at": T0 + timedelta(days=1),
            }
        )

    def export(self, **kwargs):
        self.env.flush_all()
        out = io.BytesIO()
        count = export_calls_xlsx(
            self.env.cr,
            out,
            company_ids=[self.env.company.id],
            itersize=1,
            **kwargs,
        )
        out.seek(0)
        return count, out

    def test_reads_back_in_openpyxl(self):
        count, out = self.export(date_from=T0, date_to=T0 + timedelta(days=1))
        self.assertEqual(count, 2)
        self.assertIsNone(zipfile.ZipFile(out).testzip())
        book = openpyxl.load_workbook(out)
        self.assertEqual(book.sheetnames, ["Calls"])
        sheet = book["Calls"]
        self.assertEqual(sheet.max_row, 3)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], tuple(header for header, *_ in CALL_COLUMNS))
        first = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(first["Call"], self.answered.id)
        self.assertEqual(first["Caller"], "<13800138000> & co")
        self.assertEqual(first["Started (UTC)"], T0)
        self.assertEqual(first["Answered (UTC)"], T0 + timedelta(seconds=12))
        self.assertEqual((first["Wait (s)"], first["Talk (s)"]), (12, 300))
        self.assertEqual(first["Agent"], self.agent.name)
        self.assertEqual(first["Company"], self.env.company.name)
        self.assertEqual(first["Result"], "answered")
        self.assertIsNone(first["Wrap-up code"])
        second = dict(zip(rows[0], rows[2], strict=True))
        # leading spaces kept, empty cells empty, types as meant
        self.assertEqual(second["Caller"], "  13900000000")
        self.assertIsNone(second["Answered (UTC)"])
        self.assertIsNone(second["Agent"])
        self.assertIsInstance(second["Wait (s)"], int)
        # layout: bold frozen header, date format, widths
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet["B2"].number_format, "yyyy-mm-dd hh:mm:ss")
        self.assertEqual(sheet.column_dimensions["B"].width, 19)

    def test_bounds_and_empty_result(self):
        count, out = self.export(
            date_from=T0 + timedelta(days=1), date_to=T0 + timedelta(days=2)
        )
        self.assertEqual(count, 1)
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        self.assertEqual(rows[1][0], self.other_day.id)
        # nothing matches: a header-only sheet, still a valid workbook
        count, out = self.export(
            date_from=T0 + timedelta(days=10), date_to=T0 + timedelta(days=11)
        )
        self.assertEqual(count, 0)
        self.assertEqual(openpyxl.load_workbook(out).active.max_row, 1)
        count, out = self.export(limit=1)
        self.assertEqual(count, 1)

    def test_column_letters(self):
        self.assertEqual(
            [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)],
            ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"],
        )
