# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestCaseRecordings(CaseCommon):
    """A case created from a call carries the call's recordings, for the roles that
    may play them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pbx = cls.env["hotline.pbx"].create({"name": "PBX", "host": "127.0.0.1"})
        cls.call = cls.env["hotline.call"].create(
            {"pbx_id": pbx.id, "linkedid": "rec-1.1", "caller_number": "13800138000"}
        )
        other_call = cls.env["hotline.call"].create(
            {"pbx_id": pbx.id, "linkedid": "rec-2.1", "caller_number": "13900139000"}
        )
        Recording = cls.env["hotline.recording"]
        cls.recording = Recording.create(
            {"pbx_id": pbx.id, "call_id": cls.call.id, "file_path": "2026/rec-1.1.wav"}
        )
        Recording.create(
            {"pbx_id": pbx.id, "call_id": other_call.id, "file_path": "2026/rec-2.wav"}
        )
        cls.case = cls.new_case_sudo(call_ids=[Command.set(cls.call.ids)])

    @classmethod
    def new_case_sudo(cls, **values):
        values.setdefault("name", "燃气表异响")
        values.setdefault("description", "<p>来电反映燃气表异响</p>")
        values.setdefault("team_id", cls.team_centre.id)
        return cls.env["helpdesk.ticket"].create(values)

    def test_supervisor_sees_the_call_recordings(self):
        case = self.case.with_user(self.role_users["supervisor"])
        self.assertEqual(case.recording_ids, self.recording)

    def test_no_call_no_recording(self):
        case = self.new_case_sudo()
        self.assertFalse(case.with_user(self.role_users["supervisor"]).recording_ids)

    def test_agent_cannot_read_recordings(self):
        case = self.case.with_user(self.role_users["agent"])
        self.assertEqual(case.name, "燃气表异响")
        with self.assertRaises(AccessError):
            case.read(["recording_ids"])
