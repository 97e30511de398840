# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.satisfaction import LEVELS, SOURCES


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    hotline_callback_task_id = fields.Many2one(
        "hotline.callback.task", string="Callback task", index=True, readonly=True
    )
    hotline_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", index=True, readonly=True
    )
    hotline_call_id = fields.Many2one(
        "hotline.call", string="Call", index=True, readonly=True
    )
    hotline_agent_id = fields.Many2one(
        "res.users",
        string="Handling agent",
        readonly=True,
        help="The agent who handled the case or call the survey is about.",
    )
    hotline_team_id = fields.Many2one(
        "helpdesk.ticket.team", string="Handling team", readonly=True
    )
    hotline_source = fields.Selection(
        [s for s in SOURCES if s[0] != "ivr_rating"],
        string="Answered by",
        readonly=True,
    )
    hotline_satisfaction = fields.Selection(
        LEVELS, string="Satisfaction", readonly=True, index=True
    )
    hotline_callback_user_id = fields.Many2one(
        "res.users",
        string="Called back by",
        readonly=True,
        help="Agent callbacks: the agent who called the customer and filled "
        "in the survey.",
    )
    hotline_callback_call_id = fields.Many2one(
        "hotline.call",
        string="Callback call",
        readonly=True,
        help="Agent callbacks: the call of the callback itself (the call log's "
        "record of the campaign attempt), when it is known.",
    )

    def _mark_done(self):
        res = super()._mark_done()
        for user_input in self.sudo().filtered("hotline_callback_task_id"):
            task = user_input.hotline_callback_task_id
            if (
                user_input.hotline_source == "callback"
                and not user_input.hotline_callback_call_id
                and task.callback_call_id
            ):
                user_input.hotline_callback_call_id = task.callback_call_id
            task._hotline_survey_done(user_input)
        # answers without a task (keypad surveys of inbound calls) count in the
        # satisfaction statistics too: their level from the survey's mapping
        for user_input in self.sudo().filtered(
            lambda ui: (
                ui.hotline_source
                and not ui.hotline_callback_task_id
                and not ui.hotline_satisfaction
            )
        ):
            user_input.hotline_satisfaction = (
                user_input.survey_id._hotline_satisfaction_of(user_input)
            )
        return res
