# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo import Command

from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.sms.tests.common import SMSCase


class CaseCommon(HotlineCommon, SMSCase):
    """Hotline roles plus helpdesk teams on a Shanghai calendar with the 2026
    National Day holiday (1-7 October) and its adjusted working Saturday (10 Oct)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.role_users
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Hotline calendar", "tz": "Asia/Shanghai"}
        )
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "国庆节",
                "calendar_id": cls.calendar.id,
                # 2026-10-01 00:00 to 2026-10-07 23:59 in Shanghai, in UTC
                "date_from": datetime(2026, 9, 30, 16, 0),
                "date_to": datetime(2026, 10, 7, 15, 59, 59),
            }
        )
        cls.env["hotline.calendar.workday"].create(
            {"calendar_id": cls.calendar.id, "date": date(2026, 10, 10), "name": "调休"}
        )
        Team = cls.env["helpdesk.ticket.team"]
        cls.team_centre = Team.create(
            {
                "name": "热线中心",
                "user_ids": [Command.set([users["agent"].id, users["supervisor"].id])],
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.team_gas = Team.create(
            {
                "name": "燃气抢修队",
                "user_ids": [Command.set([users["handler"].id, users["leader"].id])],
                "user_id": users["handler"].id,
                "hotline_supervisor_id": users["supervisor"].id,
                "hotline_leader_id": users["leader"].id,
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.team_audit = Team.create(
            {"name": "稽查科", "resource_calendar_id": cls.calendar.id}
        )
        cls.type_complaint = cls.env.ref("hotline_complaints.case_type_complaint")
        cls.type_report = cls.env.ref("hotline_complaints.case_type_report")
        cls.type_repair = cls.env.ref("hotline_complaints.case_type_repair")
        cls.type_petition = cls.env.ref("hotline_complaints.case_type_petition")
        cls.type_consultation = cls.env.ref("hotline_complaints.case_type_consultation")
        for case_type in (
            cls.type_complaint,
            cls.type_report,
            cls.type_repair,
            cls.type_petition,
            cls.type_consultation,
        ):
            case_type.team_id = cls.team_centre
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "王小明",
                "phone": "+86 138 0013 8000",
                "email": "wang@example.com",
            }
        )
        cls.channel_phone = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")

    @classmethod
    def channel(cls, code):
        return cls.env["helpdesk.ticket.channel"].search(
            [("hotline_code", "=", code)], limit=1
        )

    def new_case(self, user="agent", **vals):
        values = {
            "name": "燃气表漏气",
            "description": "<p>厨房燃气表附近有气味</p>",
            "case_type_id": self.type_complaint.id,
            "channel_id": self.channel_phone.id,
        }
        values.update(vals)
        return (
            self.env["helpdesk.ticket"].with_user(self.role_users[user]).create(values)
        )
