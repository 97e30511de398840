# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import tempfile
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.hotline_callcenter.tests.common import serve_media

from .common import ApiCommon

AUDIO = b"RIFF$\x00\x00\x00WAVEfmt " + b"\x00" * 64


@tagged("post_install", "-at_install")
class TestApiCalls(ApiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="hotline_api_rec_")
        cls.addClassCleanup(shutil.rmtree, cls.folder, True)
        cls.startClassPatcher(serve_media(cls.folder))
        with open(os.path.join(cls.folder, "call-1.wav"), "wb") as handle:
            handle.write(AUDIO)
        pbx = cls.env["hotline.pbx"].create(
            {"name": "API PBX", "recording_path": cls.folder}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "来电客户", "hotline_customer_number": "API-CALL-1"}
        )
        now = fields.Datetime.now()
        cls.call = cls.env["hotline.call"].create(
            {
                "pbx_id": pbx.id,
                "linkedid": "api-1.1",
                "caller_number": "13811112222",
                "partner_id": cls.customer.id,
                "started_at": now - timedelta(minutes=10),
                "answered_at": now - timedelta(minutes=9),
                "ended_at": now - timedelta(minutes=5),
                "talk_seconds": 240,
            }
        )
        cls.recording = cls.env["hotline.recording"].create(
            {"pbx_id": pbx.id, "call_id": cls.call.id, "file_path": "call-1.wav"}
        )
        cls.secret_call = cls.env["hotline.call"].create(
            {
                "pbx_id": pbx.id,
                "linkedid": "api-2.1",
                "caller_number": "13933334444",
                "started_at": now - timedelta(minutes=3),
            }
        )
        cls.secret_call.hotline_confidential = True
        cls.env["hotline.recording"].create(
            {"pbx_id": pbx.id, "call_id": cls.secret_call.id, "file_path": "call-1.wav"}
        )

    def test_list_and_get_with_recording(self):
        status, payload, response = self.api("GET", "/calls")
        self.assertEqual(status, 200)
        self.assertIn(self.call.id, [c["id"] for c in payload])
        self.assertNotIn(self.secret_call.id, [c["id"] for c in payload])
        self.assertNotIn("13933334444", response.text)
        status, call, _r = self.api("GET", f"/calls/{self.call.id}")
        self.assertEqual(status, 200)
        self.assertEqual(call["customer_number"], "API-CALL-1")
        self.assertEqual(call["talk_seconds"], 240)
        [recording] = call["recordings"]
        self.assertEqual(
            recording["url"],
            f"/hotline/api/v1/calls/{self.call.id}/recordings/{self.recording.id}",
        )
        audio = self.opener.get(
            self.base_url() + recording["url"],
            headers={"Authorization": f"Bearer {self.keys['read']}"},
            timeout=30,
        )
        self.assertEqual(audio.status_code, 200)
        self.assertEqual(audio.content, AUDIO)
        status, payload, _r = self.api("GET", "/calls?customer_number=API-CALL-1")
        self.assertEqual([c["id"] for c in payload], [self.call.id])
        since = (fields.Datetime.now() - timedelta(minutes=20)).isoformat() + "Z"
        status, payload, _r = self.api("GET", f"/calls?since={since}")
        self.assertEqual([c["id"] for c in payload], [self.call.id])
        self.assertEqual(self.api("GET", "/calls?since=yesterday")[0], 422)

    def test_confidential_call_not_found(self):
        secret = self.secret_call
        for path in (f"/calls/{secret.id}", f"/calls/{secret.id}/recordings/1"):
            status, _payload, response = self.api("GET", path)
            self.assertEqual(status, 404)
            self.assertNotIn("13933334444", response.text)
        self.assertEqual(self.api("GET", "/calls/999999999")[0], 404)
        other = self.env["hotline.recording"].search([("call_id", "=", secret.id)])
        self.assertEqual(
            self.api("GET", f"/calls/{self.call.id}/recordings/{other.id}")[0], 404
        )
        self.assertEqual(self.api("GET", "/calls/abc")[0], 422)
