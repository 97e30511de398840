# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError


class HotlineCall(models.Model):
    _inherit = "hotline.call"

    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_ticket_hotline_call_rel",
        "call_id",
        "ticket_id",
        string="Cases",
        check_company=True,
    )
    hotline_case_count = fields.Integer(
        string="Case count", compute="_compute_hotline_case_count"
    )
    hotline_confidential = fields.Boolean(
        string="Confidential reporter's call",
        readonly=True,
        copy=False,
        index=True,
        help="The call of a confidential reporter: only the 'Reporter identity' "
        "group sees it (and its recordings).",
    )

    @api.depends("ticket_ids")
    def _compute_hotline_case_count(self):
        # the cases the user may see (their record rules apply)
        for call in self:
            call.hotline_case_count = len(call.ticket_ids)

    @api.depends("caller_number", "called_number", "direction", "hotline_confidential")
    @api.depends_context("uid", "lang")
    def _compute_display_name(self):
        # Odoo shows a linked record's name even where the record is hidden
        # (it is read as superuser), so the name of a confidential reporter's
        # call carries no number outside the Reporter identity group.
        super()._compute_display_name()
        if self.env.user.has_group("hotline_complaints.group_reporter_identity"):
            return
        for call in self:
            if call.sudo().hotline_confidential:
                call.display_name = self.env._("Confidential call")

    def _hotline_caller_hidden(self):
        return super()._hotline_caller_hidden() or self.sudo().hotline_confidential

    def write(self, vals):
        res = super().write(vals)
        if vals.get("hotline_confidential"):
            self._hotline_forget_caller()
        return res

    def _hotline_case_values(self):
        """Values of a case started from this call (phone intake)."""
        self.ensure_one()
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        partner = self.partner_id or self.env["res.partner"].browse(
            self.env.context.get("default_partner_id")
        )
        return {
            "call_ids": [fields.Command.set(self.ids)],
            "caller_number": self.caller_number,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "channel_id": channel.id,
            "owner_id": self.user_id.id or self.env.uid,
        }

    def action_hotline_create_case(self):
        """Open a new case form prefilled from the call (its customer, number
        and agent); saved, the case is linked to the call and so to its
        recordings.

        A complete ``act_window`` (with ``views``): the caller card runs it
        with the action service as it is, as does the call form's button.
        """
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(self.env._("Only agents and supervisors start cases."))
        context = {
            f"default_{key}": value
            for key, value in self._hotline_case_values().items()
            if key != "call_ids"
        }
        context["default_call_ids"] = self.ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New case"),
            "res_model": "helpdesk.ticket",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "current",
            "context": context,
        }

    def action_hotline_open_cases(self):
        """The cases started from this call (the form's Cases button)."""
        self.ensure_one()
        cases = self.ticket_ids
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Cases"),
            "res_model": "helpdesk.ticket",
            "target": "current",
        }
        if len(cases) == 1:
            action.update(res_id=cases.id, views=[[False, "form"]])
        else:
            action.update(
                views=[[False, "list"], [False, "form"]],
                domain=[("id", "in", cases.ids)],
            )
        return action

    def _hotline_on_rating_complaint(self):
        """Key 0 at the post-call rating: a complaint case about the service,
        linked to the call and naming its agent (once per call)."""
        res = super()._hotline_on_rating_complaint()
        complaint = self.env.ref("hotline_complaints.case_type_complaint")
        Ticket = self.env["helpdesk.ticket"].sudo()
        for call in self.sudo():
            if call.ticket_ids.filtered(lambda t, ct=complaint: t.case_type_id == ct):
                continue
            agent = call.user_id.name or self.env._("unknown agent")
            values = call._hotline_case_values()
            values.update(
                {
                    "name": self.env._(
                        "Service complaint at the rating prompt (agent %s)", agent
                    ),
                    "description": Markup("<p>%s</p>")
                    % self.env._(
                        "The caller %(number)s pressed 0 (complaint) at the rating "
                        "prompt after talking with %(agent)s.",
                        number=call.caller_number or "?",
                        agent=agent,
                    ),
                    "case_type_id": complaint.id,
                    # not owned by the agent the complaint is about
                    "owner_id": False,
                }
            )
            Ticket.create(values)
        return res
