# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import shutil
import tempfile
from datetime import datetime

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SimulatorCommon, serve_media

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
        self.startPatcher(serve_media(self.spool))
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
        # the voicemail context (the spool folder), not the caller's context
        self.assertEqual(vm.queue, "8000@default")
        self.assertEqual(vm.file_path, "default/8000/INBOX/msg0000.wav")
        self.assertEqual(vm.received_at, datetime(2026, 11, 25, 18, 23, 43))
        self.assertEqual(vm.msg_id, "1795631023-00000000")
        self.assertTrue(vm.activity_ids, "the team gets a call-back activity")
        self.assertTrue(vm._hotline_full_path().endswith("msg0000.wav"))
        # a second scan finds nothing new
        self.assertFalse(Voicemail._cron_hotline_collect())
        self.assertEqual(Voicemail.search_count([("pbx_id", "=", self.pbx.id)]), 1)

    def _call(self, linkedid, started_at, channel=None, **vals):
        return self.env["hotline.call"].create(
            dict(
                {
                    "pbx_id": self.pbx.id,
                    "linkedid": linkedid,
                    "caller_number": "13800138000",
                    "disposition": "voicemail",
                    "started_at": started_at,
                    "voicemail_channel": channel,
                },
                **vals,
            )
        )

    def _message(self, stem, channel, origtime, n):
        return (
            MESSAGE.replace(
                "Local/4008123457@from-pstn-00000003;2", channel or "Unknown"
            )
            .replace("origtime=1795631023", f"origtime={origtime}")
            .replace("msg_id=1795631023-00000000", f"msg_id={origtime}-{n:08x}")
        )

    def test_two_messages_of_one_caller_go_to_their_own_calls(self):
        """Each message names its channel: it goes to the call of that
        channel, not to the caller's latest call."""
        first = self._call(
            "pbx-1795630000.1", datetime(2026, 11, 25, 18, 0, 0), "Local/a-00000003;2"
        )
        # the caller rings again 30 s after leaving the first message
        second = self._call(
            "pbx-1795631000.1", datetime(2026, 11, 25, 18, 2, 10), "Local/a-00000009;2"
        )
        # channel names repeat after an Asterisk restart: the latest call wins
        self._call(
            "pbx-1795600000.1", datetime(2026, 11, 25, 17, 30, 0), "Local/a-00000003;2"
        )
        # 18:01:40 and 18:03:40
        self._write(
            "msg0000", self._message("msg0000", "Local/a-00000003;2", 1795629700, 0)
        )
        self._write(
            "msg0001", self._message("msg0001", "Local/a-00000009;2", 1795629820, 1)
        )
        vms = self.env["hotline.voicemail"]._cron_hotline_collect()
        by_file = {vm.file_path[-11:]: vm.call_id for vm in vms}
        self.assertEqual(by_file, {"msg0000.wav": first, "msg0001.wav": second})

    def test_without_channel_each_message_takes_its_own_call(self):
        """Files that name no channel (or calls recorded without it) fall
        back to the number and time, one message per call."""
        first = self._call("pbx-1795630000.2", datetime(2026, 11, 25, 18, 0, 0))
        second = self._call("pbx-1795631000.2", datetime(2026, 11, 25, 18, 20, 0))
        known = self._call(
            "pbx-1795631000.3",
            datetime(2026, 11, 25, 18, 21, 0),
            "Local/b-00000001;2",  # known channel: only its own message takes it
        )
        self._write("msg0000", self._message("msg0000", None, 1795629700, 0))
        self._write(
            "msg0001", self._message("msg0001", "Local/x-0000000f;2", 1795630960, 1)
        )
        vms = self.env["hotline.voicemail"]._cron_hotline_collect()
        by_file = {vm.file_path[-11:]: vm.call_id for vm in vms}
        self.assertEqual(by_file, {"msg0000.wav": first, "msg0001.wav": second})
        # a message naming no channel may take it; after it, no call is free
        self._write("msg0002", self._message("msg0002", None, 1795630970, 2))
        self._write("msg0003", self._message("msg0003", None, 1795630980, 3))
        third, fourth = (
            self.env["hotline.voicemail"]._cron_hotline_collect().sorted("received_at")
        )
        self.assertEqual(third.call_id, known)
        self.assertFalse(fourth.call_id)

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
