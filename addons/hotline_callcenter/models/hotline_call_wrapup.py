# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# a write of these fields may move an agent to another status
AGENT_STATUS_FIELDS = frozenset({"answered_at", "ended_at", "user_id"})


class HotlineCall(models.Model):
    """After-call work (话后小结): the wrap-up code and note an agent gives a
    call, and how long the wrap-up lasted; the agent's status follows the
    call (on a call when it is answered, wrap-up when it ends)."""

    _inherit = "hotline.call"

    disposition_id = fields.Many2one(
        "hotline.call.disposition",
        string="Wrap-up code",
        index=True,
        check_company=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="What the call was about, chosen by the agent after the call.",
    )
    wrapup_note = fields.Text(
        string="Wrap-up note", help="The agent's summary of the call."
    )
    wrapup_started_at = fields.Datetime(string="Wrap-up started", readonly=True)
    wrapup_ended_at = fields.Datetime(string="Wrap-up ended", readonly=True)
    wrapup_seconds = fields.Integer(
        string="Wrap-up (s)",
        compute="_compute_wrapup_seconds",
        store=True,
        aggregator="avg",
        help="Time the agent spent on after-call work.",
    )

    @api.depends("wrapup_started_at", "wrapup_ended_at")
    def _compute_wrapup_seconds(self):
        for call in self:
            if call.wrapup_started_at and call.wrapup_ended_at:
                delta = call.wrapup_ended_at - call.wrapup_started_at
                call.wrapup_seconds = max(int(delta.total_seconds()), 0)
            else:
                call.wrapup_seconds = 0

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        if any(AGENT_STATUS_FIELDS.intersection(vals) for vals in vals_list):
            self.env["hotline.agent.status"]._hotline_follow_calls(calls, {})
        return calls

    def write(self, vals):
        if not AGENT_STATUS_FIELDS.intersection(vals):
            return super().write(vals)
        before = {call.id: call.sudo().user_id for call in self}
        res = super().write(vals)
        self.env["hotline.agent.status"]._hotline_follow_calls(self, before)
        return res

    def action_hotline_wrapup(self):
        """*Wrap-up code* on the call's form: the wrap-up dialog, for the
        call's agent or a supervisor."""
        self.ensure_one()
        return self.env["hotline.agent.status"].hotline_wrapup_dialog(self.id)
