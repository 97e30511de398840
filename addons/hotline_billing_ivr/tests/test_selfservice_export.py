# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The statistics leave as xlsx through Odoo's pivot download (any role that
reads them) and list export (roles with export rights); agents get nothing."""

import json

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hotline_base.tests.common import HotlineCommon

MODEL = "hotline.selfservice.transaction"


@tagged("post_install", "-at_install")
class TestSelfserviceExport(HttpCase, HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Transaction = cls.env[MODEL]
        Transaction._hotline_log({"caller": "13600040000"}, "login", "served")
        Transaction._hotline_log({"caller": "13600040000"}, "login", "wrong_pin")

    def _pivot_groups(self, login):
        """What the pivot view reads: counts per outcome, over JSON-RPC."""
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": MODEL,
                "method": "read_group",
                "args": [[], ["__count", "duration:sum"], ["outcome"]],
                "kwargs": {"lazy": False},
            },
        )

    def test_pivot_xlsx_for_finance_and_supervisors(self):
        for login in ("hl_finance", "hl_supervisor"):
            with self.subTest(login=login):
                groups = self._pivot_groups(login)
                counts = {g["outcome"]: g["__count"] for g in groups}
                self.assertEqual(counts.get("served"), 1)
                payload = {
                    "title": "Self-service statistics",
                    "model": MODEL,
                    "measure_count": 1,
                    "origin_count": 1,
                    "col_group_headers": [
                        [{"title": "Total", "width": 1, "height": 1}]
                    ],
                    "measure_headers": [{"title": "Count", "is_bold": False}],
                    "origin_headers": [],
                    "rows": [
                        {"indent": 0, "title": outcome, "values": [{"value": count}]}
                        for outcome, count in counts.items()
                    ],
                }
                response = self.url_open(
                    "/web/pivot/export_xlsx",
                    data={
                        "data": json.dumps(payload),
                        "csrf_token": http.Request.csrf_token(self),
                    },
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(b"PK"), "an xlsx file")

    def test_list_xlsx_export_for_supervisors(self):
        self.authenticate("hl_supervisor", "hl_supervisor")
        data = {
            "model": MODEL,
            "fields": [
                {"name": "started_at", "label": "Started", "type": "datetime"},
                {"name": "service", "label": "Service", "type": "selection"},
                {"name": "outcome", "label": "Outcome", "type": "selection"},
            ],
            "ids": False,
            "domain": [],
            "groupby": [],
            "context": {},
            "import_compat": False,
        }
        response = self.url_open(
            "/web/export/xlsx",
            data={
                "data": json.dumps(data),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"))

    @mute_logger("odoo.http")
    def test_agents_read_no_statistics(self):
        with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
            self._pivot_groups("hl_agent")
