# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .helpdesk_ticket_stage import HOTLINE_STATES

EVENT_TYPES = [
    ("intake", "Intake"),
    ("accept", "Accepted"),
    ("dispatch", "Dispatched"),
    ("reassign", "Reassigned"),
    ("start", "Handling started"),
    ("instruction_request", "Instruction requested"),
    ("instruction", "Instruction given"),
    ("reply", "Replied"),
    ("callback", "Called back"),
    ("close", "Closed"),
    ("return", "Returned"),
    ("remind", "Reminder"),
    ("escalate", "Escalated"),
    ("extend", "Deadline extended"),
    ("merge", "Merged"),
    ("link", "Linked"),
    ("work_order", "Work order"),
    ("confidential", "Made confidential"),
]


class HotlineCaseEvent(models.Model):
    """One step of a case: who did what, when (the structured timeline)."""

    _name = "hotline.case.event"
    _description = "Case Timeline Event"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    event_type = fields.Selection(EVENT_TYPES, required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users", string="By", required=True, default=lambda self: self.env.user
    )
    from_state = fields.Selection(HOTLINE_STATES)
    to_state = fields.Selection(HOTLINE_STATES)
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams")
    note = fields.Text()
