# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestResultQuery(CaseCommon):
    def test_good_and_bad_codes(self):
        with freeze_time("2026-11-02 02:00:00"):
            case = self.new_case()
            case.sudo().reply_summary = "已更换燃气表"
            code = case.sudo().query_code
            wrong = f"{(int(code) + 1) % 10**6:06d}"
            Ticket = self.env["helpdesk.ticket"]
            result = Ticket.hotline_query_result(case.number, code)
            self.assertEqual(result["status"], "ok")
            self.assertEqual(result["number"], case.number)
            self.assertEqual(result["state"], "new")
            self.assertEqual(result["reply"], "已更换燃气表")
            self.assertEqual(
                Ticket.hotline_query_result("HT-NOPE", code)["status"], "invalid"
            )
            self.assertEqual(Ticket.hotline_query_result("", "")["status"], "invalid")
            for _i in range(5):
                self.assertEqual(
                    Ticket.hotline_query_result(case.number, wrong)["status"],
                    "invalid",
                )
            # locked now, even with the right code
            self.assertEqual(
                Ticket.hotline_query_result(case.number, code)["status"], "locked"
            )
        with freeze_time("2026-11-02 02:16:00"):
            self.assertEqual(
                Ticket.hotline_query_result(case.number, code)["status"], "ok"
            )

    def test_rate_limit_per_ip(self):
        with freeze_time("2026-11-02 02:00:00"):
            cases = [self.new_case() for _i in range(6)]
            Ticket = self.env["helpdesk.ticket"]
            for case in cases[:5]:
                result = Ticket.hotline_query_result(
                    case.number, "000000x", ip="10.0.0.9"
                )
                self.assertEqual(result["status"], "invalid")
            good = cases[5]
            locked = Ticket.hotline_query_result(
                good.number, good.sudo().query_code, ip="10.0.0.9"
            )
            self.assertEqual(locked["status"], "locked")
            other_ip = Ticket.hotline_query_result(
                good.number, good.sudo().query_code, ip="10.0.0.10"
            )
            self.assertEqual(other_ip["status"], "ok")


@tagged("post_install", "-at_install")
class TestResultQueryPortal(HttpCase, CaseCommon):
    def _post(self, number, code):
        page = self.url_open("/hotline/case/query")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(
            "/hotline/case/query",
            data={"csrf_token": token, "number": number, "code": code},
        )

    def test_hostile_query_answers_400(self):
        """Issue 11 item 9: a non-ASCII code made hmac.compare_digest raise
        (500); NUL bytes and megabytes are refused the same way."""
        case = self.new_case()
        attempts = self.env["hotline.case.query.attempt"].sudo()
        before = attempts.search_count([])
        for number, code in (
            (case.number, "密码"),
            (case.number, "ab\x00cd"),
            (case.number, "A" * 1000000),
            ("案件", "1234"),
        ):
            with self.subTest(code=code[:8]):
                response = self._post(number, code)
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("hotline_query_ok", response.text)
        self.assertEqual(attempts.search_count([]), before)
        # the model refuses a non-ASCII code as a wrong one (the IVR path)
        result = self.env["helpdesk.ticket"].hotline_query_result(case.number, "密码")
        self.assertEqual(result["status"], "invalid")

    def test_portal_query(self):
        case = self.new_case()
        case.sudo().reply_summary = "已派员处理"
        response = self._post(case.number, case.sudo().query_code)
        self.assertEqual(response.status_code, 200)
        self.assertIn("hotline_query_ok", response.text)
        self.assertIn("已派员处理", response.text)
        response = self._post(case.number, "999999")
        self.assertEqual(response.status_code, 404)
        self.assertIn("hotline_query_invalid", response.text)
        self.assertNotIn("已派员处理", response.text)
