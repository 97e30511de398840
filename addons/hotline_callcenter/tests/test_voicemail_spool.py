# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import tempfile
from datetime import datetime

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SimulatorCommon

# msg0000.txt as Asterisk 22 wrote it (capture queue_ringnoanswer_voicemail)
MESSAGE = """;
; Message Information file
;
[message]
origmailbox=8000
context=from-pstn
exten=4008123457
rdnis=unknown
priority=6
callerchan=Local/4008123457@from-pstn-00000003;2
callerid="13800138000" <13800138000>
origdate=Wed Nov 25 06:23:43 PM UTC 2026
origtime=1795631023
category=
msg_id=1795631023-00000000
flag=
duration=5
"""


@tagged("post_install", "-at_install")
class TestVoicemailSpool(SimulatorCommon):
    def setUp(self):
        super().setUp()
        self.spool = tempfile.mkdtemp(prefix="hotline-vm-")
        self.addCleanup(shutil.rmtree, self.spool, True)
        self.inbox = os.path.join(self.spool, "default", "8000", "INBOX")
        os.makedirs(self.inbox)
        self.pbx.voicemail_path = self.spool

    def _write(self, stem, text, audio=True):
        with open(os.path.join(self.inbox, stem + ".txt"), "w") as f:
            f.write(text)
        if audio:
            with open(os.path.join(self.inbox, stem + ".wav"), "wb") as f:
                f.write(b"RIFF\x00\x00\x00\x00WAVE")

    def test_collect_creates_one_record_per_message(self):
        call = self.env["hotline.call"].create(
            {
                "pbx_id": self.pbx.id,
                "linkedid": "odoo-test-pbx-1795631010.5",
                "caller_number": "13800138000",
                "disposition": "voicemail",
                "started_at": datetime(2026, 11, 25, 18, 23, 30),
            }
        )
        self._write("msg0000", MESSAGE)
        Voicemail = self.env["hotline.voicemail"]
        vm = Voicemail._cron_hotline_collect()
        self.assertEqual(len(vm), 1)
        self.assertEqual(vm.caller_number, "13800138000")
        self.assertEqual(vm.partner_id, self.customer)
        self.assertEqual(vm.call_id, call)
        self.assertEqual(vm.duration_seconds, 5)
        self.assertEqual(vm.queue, "8000@from-pstn")
        self.assertEqual(vm.file_path, "default/8000/INBOX/msg0000.wav")
        self.assertEqual(vm.received_at, datetime(2026, 11, 25, 18, 23, 43))
        self.assertEqual(vm.msg_id, "1795631023-00000000")
        self.assertTrue(vm.activity_ids, "the team gets a call-back activity")
        self.assertTrue(vm._hotline_full_path().endswith("msg0000.wav"))
        # a second scan finds nothing new
        self.assertFalse(Voicemail._cron_hotline_collect())
        self.assertEqual(Voicemail.search_count([("pbx_id", "=", self.pbx.id)]), 1)

    def test_bad_and_unfinished_messages_are_skipped(self):
        self._write("msg0000", "not an ini file at all")
        self._write(
            "msg0001",
            MESSAGE.replace("msg_id=1795631023-00000000", "msg_id=x"),
            audio=False,
        )
        self._write("msg0002", MESSAGE.replace("00000000", "00000002"))
        with mute_logger("odoo.addons.hotline_callcenter.pbx.voicemail_spool"):
            vm = self.env["hotline.voicemail"]._cron_hotline_collect()
        self.assertEqual(vm.mapped("msg_id"), ["1795631023-00000002"])
        self.assertFalse(vm.call_id, "no call ended in voicemail for it")

    def test_missing_spool_folder(self):
        self.pbx.voicemail_path = os.path.join(self.spool, "nowhere")
        self.assertFalse(self.env["hotline.voicemail"]._cron_hotline_collect())
