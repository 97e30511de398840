# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestCaseReport(CaseCommon):
    def _handle(self, case, replied, satisfaction, closed):
        case.action_hotline_accept()
        case.hotline_dispatch(self.team_gas, user=self.role_users["handler"])
        case.action_hotline_start()
        with freeze_time(replied), self.mockSMSGateway():
            case.hotline_reply("sms", "已处理")
        case.hotline_callback(satisfaction)
        with freeze_time(closed):
            case.action_hotline_close()

    @classmethod
    def _case(cls, **vals):
        values = {
            "name": "燃气费争议",
            "description": "<p>账单有误</p>",
            "case_type_id": cls.type_complaint.id,
            "channel_id": cls.channel_phone.id,
            "partner_id": cls.customer.id,
        }
        values.update(vals)
        return cls.env["helpdesk.ticket"].create(values)

    def test_export_figures(self):
        with freeze_time("2025-11-03 02:00:00"):
            first = self._case()
            self._handle(first, "2025-11-04 02:00:00", "5", "2025-11-05 02:00:00")
            late = self._case(
                case_type_id=self.type_consultation.id,
                team_id=self.team_audit.id,
                partner_id=False,
                channel_id=self.channel("letter").id,
            )
        with freeze_time("2025-11-06 02:00:00"):
            # the same caller again on the same matter: the first was not resolved
            repeat = self._case(channel_id=self.channel("sms").id)
            self._handle(repeat, "2025-11-06 06:00:00", "2", "2025-11-07 02:00:00")
        with freeze_time("2025-11-11 02:00:00"):
            self.env["helpdesk.ticket"]._cron_hotline_deadlines()
        self.assertTrue(late.is_overdue)
        self.assertEqual(first.handling_hours, 48.0)

        wizard = Form(
            self.env["hotline.case.report.wizard"].with_user(
                self.role_users["supervisor"]
            )
        )
        wizard.date_from = date(2025, 11, 1)
        wizard.date_to = date(2025, 11, 30)
        wizard = wizard.save()
        action = wizard.action_export()
        self.assertIn("/web/content/", action["url"])
        self.assertTrue(wizard.file_name.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        self.assertEqual(book.sheetnames, ["Handling units", "Cases", "Overdue"])
        sheet = book["Handling units"]
        header = [c.value for c in sheet[1]]
        rows = {
            r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)
        }
        gas = rows["燃气抢修队"]
        self.assertEqual(gas["Cases"], 2)
        self.assertEqual(gas["Response rate"], 1.0)
        self.assertEqual(gas["Resolution rate"], 1.0)
        self.assertEqual(gas["Satisfaction rate"], 0.5)
        self.assertEqual(gas["On-time acceptance rate"], 1.0)
        self.assertEqual(gas["On-time completion rate"], 1.0)
        self.assertEqual(gas["Overdue cases"], 0)
        self.assertEqual(gas["Average handling time (hours)"], 36.0)
        self.assertEqual(gas["First-contact resolution rate"], 0.5)
        self.assertEqual(gas["Callback rate"], 1.0)
        self.assertEqual(gas["Very satisfied"], 1)
        self.assertEqual(gas["Dissatisfied"], 1)
        self.assertEqual(gas["Satisfied (3 levels)"], 1)
        self.assertEqual(gas["Dissatisfied (3 levels)"], 1)
        audit = rows["稽查科"]
        self.assertEqual(audit["Cases"], 1)
        self.assertEqual(audit["Overdue cases"], 1)
        self.assertEqual(audit["Response rate"], 0.0)
        self.assertEqual(rows["Total"]["Cases"], 3)
        cases = [r for r in book["Cases"].iter_rows(values_only=True) if r[0]]
        self.assertIn(("SMS", 1), [(r[0], r[1]) for r in cases])
        self.assertIn(("2025-11", 3), [(r[0], r[1]) for r in cases])
        overdue = list(book["Overdue"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([r[0] for r in overdue], [late.number])

    def test_bad_period(self):
        wizard = self.env["hotline.case.report.wizard"].create(
            {"date_from": date(2025, 11, 30), "date_to": date(2025, 11, 1)}
        )
        with (
            self.assertRaisesRegex(UserError, "The period ends before it starts"),
            self.env.cr.savepoint(),
        ):
            wizard.action_export()
