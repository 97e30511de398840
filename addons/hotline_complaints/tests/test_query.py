# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import threading
import time
import uuid
from datetime import datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config, mute_logger

from ..models.hotline_attempt_limit import (
    QUERY_GLOBAL_KEY,
    QUERY_GLOBAL_LIMIT,
    QUERY_LIMIT,
)
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

    def test_increasing_delay_instead_of_a_hard_lock(self):
        """Past five wrong answers a case number waits 30 s, then 60 s, 120 s…
        (its owner gets through after the wait, not after a 15-minute lock)."""
        start = datetime(2026, 11, 2, 2, 0, 0)
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(start):
            case = self.new_case()
            code = case.sudo().query_code
            wrong = f"{(int(code) + 1) % 10**6:06d}"
            for n in range(5):
                result = Ticket.hotline_query_result(case.number, wrong, ip=f"10.1.{n}")
                self.assertEqual(result["status"], "invalid")
            # another address does not reset the case number's count
            result = Ticket.hotline_query_result(case.number, code, ip="10.9.9.9")
            self.assertEqual(result, {"status": "locked", "retry_after": 30})
        with freeze_time(start + timedelta(seconds=31)):
            self.assertEqual(
                Ticket.hotline_query_result(case.number, code)["status"], "ok"
            )
        at = start + timedelta(minutes=1)
        for _n in range(5):
            with freeze_time(at):
                Ticket.hotline_query_result(case.number, wrong)
        for delay in (30, 60, 120, 240):
            with freeze_time(at):
                locked = Ticket.hotline_query_result(case.number, code)
                self.assertEqual(locked, {"status": "locked", "retry_after": delay})
            at += timedelta(seconds=delay)
            with freeze_time(at):
                self.assertEqual(
                    Ticket.hotline_query_result(case.number, wrong)["status"],
                    "invalid",
                )

    def test_check_and_record_are_one_step(self):
        """A query holds its counter rows until its transaction ends: a
        parallel query for the same case number waits instead of reading the
        count before this one's failure is recorded."""
        case = self.new_case()
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(
            Ticket.hotline_query_result(case.number, "x")["status"], "invalid"
        )
        with self.registry.cursor() as other, mute_logger("odoo.sql_db"):
            # cancelled from here rather than by the server's lock_timeout, whose
            # timer never fires under libfaketime (make test-clock-ahead)
            timer = threading.Timer(0.5, other._cnx.cancel)
            timer.start()
            try:
                with self.assertRaises(psycopg2.errors.QueryCanceled):
                    other.execute(
                        "INSERT INTO hotline_attempt_limit (key, attempted_at, "
                        "failures) VALUES (%s, now(), 0) ON CONFLICT (key) DO NOTHING",
                        [f"case_query:number:{case.number}"],
                    )
            finally:
                timer.cancel()
            other.rollback()


@tagged("post_install", "-at_install")
class TestResultQueryParallel(TransactionCase):
    """Issue 11 item 4: 6 of 40 parallel wrong codes were evaluated instead of
    5. Forty real transactions (a cursor each, committed like web requests)
    guess the code of one case number at once, each from another address."""

    PARALLEL = 40

    def _committed_row(self, cr, key):
        cr.execute(
            "SELECT failures, attempted_at, window_start, blocked_until "
            "FROM hotline_attempt_limit WHERE key = %s",
            [key],
        )
        return cr.fetchone()

    def _query(self, public, number, ip, start, results):
        """One web request: its own transaction, replayed from the start on a
        serialization failure as Odoo's ``retrying`` does (at once here, so the
        test does not sleep)."""
        start.wait(timeout=10)
        for _attempt in range(200):
            try:
                with self.registry.cursor() as cr:
                    # this registry: Registry(db) waits for the loading one
                    cr.transaction = api.Transaction(self.registry)
                    env = api.Environment(cr, public, {})
                    result = (
                        env["helpdesk.ticket"]
                        .sudo()
                        .hotline_query_result(number, "000000", ip=ip)
                    )
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                time.sleep(0.001)
                continue
            results.append(result["status"])
            return
        results.append("gave up")

    def test_forty_parallel_wrong_codes_five_evaluated(self):
        number = f"HT-PAR-{uuid.uuid4().hex[:10].upper()}"
        ips = [f"203.0.113.{n + 1}" for n in range(self.PARALLEL)]
        keys = [f"case_query:number:{number}"] + [f"case_query:ip:{ip}" for ip in ips]
        with self.registry.cursor() as cr:
            everyone = self._committed_row(cr, QUERY_GLOBAL_KEY)
        public = self.env.ref("base.public_user").id
        start = threading.Barrier(self.PARALLEL)
        results = []
        threads = [
            threading.Thread(
                target=self._query, args=(public, number, ip, start, results)
            )
            for ip in ips
        ]
        began = time.monotonic()
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(timeout=max(0, began + 60 - time.monotonic()))
        finally:
            # the transactions above committed: take their rows back out
            with self.registry.cursor() as cr:
                cr.execute(
                    "DELETE FROM hotline_attempt_limit WHERE key = ANY(%s)",
                    [keys],
                )
                if everyone is None:
                    cr.execute(
                        "DELETE FROM hotline_attempt_limit WHERE key = %s",
                        [QUERY_GLOBAL_KEY],
                    )
                else:
                    cr.execute(
                        "UPDATE hotline_attempt_limit SET failures = %s, "
                        "attempted_at = %s, window_start = %s, blocked_until = %s "
                        "WHERE key = %s",
                        [*everyone, QUERY_GLOBAL_KEY],
                    )
        self.assertFalse([thread for thread in threads if thread.is_alive()])
        self.assertLess(time.monotonic() - began, 20)
        self.assertEqual(len(results), self.PARALLEL)
        self.assertEqual(results.count("invalid"), QUERY_LIMIT, results)
        self.assertEqual(results.count("locked"), self.PARALLEL - QUERY_LIMIT)


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
        attempts = self.env["hotline.attempt.limit"].sudo()
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

    def test_spraying_numbers_behind_rotating_forwarded_for(self):
        """Wrong codes sprayed across sequential case numbers, each from
        another X-Forwarded-For address (Odoo in proxy mode reached directly):
        past the per-minute limit every query waits, whatever address it
        claims."""
        self.patch(config, "options", dict(config.options, proxy_mode=True))
        case = self.new_case()
        page = self.url_open("/hotline/case/query")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

        def post(number, code, n):
            return self.url_open(
                "/hotline/case/query",
                data={"csrf_token": token, "number": number, "code": code},
                headers={
                    "X-Forwarded-For": f"198.51.100.{n % 250}",
                    "X-Forwarded-Host": "attacker.example",
                },
            )

        for n in range(QUERY_GLOBAL_LIMIT):
            response = post(f"HT-SPRAY-{n:05d}", "123456", n)
            self.assertEqual(response.status_code, 404, n)
        response = post(case.number, case.sudo().query_code, 251)
        self.assertEqual(response.status_code, 429)
        self.assertIn("hotline_query_locked", response.text)
        self.assertTrue(0 < int(response.headers["Retry-After"]) <= 60)
