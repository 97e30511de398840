# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.dunning import BUILD_SQL, LINK_SQL, OVERDUE_SQL


class HotlineCampaign(models.Model):
    _inherit = "hotline.campaign"

    hotline_dunning = fields.Boolean(
        string="Dunning", readonly=True, copy=False, index=True
    )
    hotline_dunning_run_id = fields.Many2one(
        "credit.control.run", string="Credit control run", readonly=True, copy=False
    )

    @api.model
    def _hotline_check_finance(self):
        if not self.env.su and not self.env.user.has_group(
            "hotline_base.group_finance"
        ):
            raise UserError(self.env._("Only Finance runs dunning campaigns."))

    @api.model
    def _hotline_dunning_build(self, lines, run=None):
        """A draft automated campaign with one contact per customer of the
        ``lines`` whose channel is phone and not dunned yet (SQL: 100,000
        customers in seconds)."""
        self._hotline_check_finance()
        company = run.company_id if run and run.company_id else self.env.company
        flow = company.hotline_dunning_flow_id
        pbx = company.hotline_dunning_pbx_id
        calendar = company.hotline_dunning_calendar_id or company.resource_calendar_id
        if not flow or not pbx or not calendar:
            raise UserError(
                self.env._(
                    "Set the dunning flow, PBX and calling hours of %s first "
                    "(company settings).",
                    company.display_name,
                )
            )
        lines.flush_recordset()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM credit_control_line WHERE id = ANY(%s)"
                " AND channel = 'phone' AND state IN ('draft', 'to_be_sent')"
                " AND hotline_dunning_contact_id IS NULL AND balance_due > 0",
                lines.ids,
            )
        )
        line_ids = [row[0] for row in rows]
        if not line_ids:
            raise UserError(
                self.env._(
                    "No credit control line to call: none of a phone level, "
                    "still to send and not in a dunning campaign yet."
                )
            )
        sudo = self.sudo().with_company(company)
        name = self.env._("Dunning %s", fields.Date.context_today(self))
        if run:
            name = self.env._("Dunning of the run of %s", run.date)
        campaign = sudo.create(
            {
                "name": name,
                "company_id": company.id,
                "pbx_id": pbx.id,
                "mode": "automated",
                "flow_id": flow.id,
                "calendar_id": calendar.id,
                "hotline_dunning": True,
                "hotline_dunning_run_id": run.id if run else False,
            }
        )
        params = {
            "campaign": campaign.id,
            "company": company.id,
            "uid": self.env.uid,
            "lines": line_ids,
        }
        self.env.flush_all()
        self.env.cr.execute(SQL(BUILD_SQL, **params))
        self.env.cr.execute(SQL(LINK_SQL, **params))
        self.env.invalidate_all()
        campaign.message_post(
            body=self.env._(
                "%(contacts)s customers to call, from %(lines)s credit control lines.",
                contacts=len(campaign.contact_ids),
                lines=len(line_ids),
            )
        )
        return campaign.with_env(self.env)

    def _hotline_dunning_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hotline.campaign",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_hotline_dunning_start(self):
        """Finance starts its dunning campaigns (supervisors start any)."""
        self._hotline_check_finance()
        if self.filtered(lambda c: not c.hotline_dunning):
            raise UserError(self.env._("Only dunning campaigns are started here."))
        return self.sudo().action_start()

    def _hotline_skip_before_dial(self, contacts):
        """Dunning: customers who paid since the run are not called (their
        overdue amount is read again just before dialling)."""
        skipped = super()._hotline_skip_before_dial(contacts)
        if not self.hotline_dunning or not contacts:
            return skipped
        self.env.flush_all()
        today = fields.Date.context_today(self.with_context(tz=self._hotline_tz().zone))
        rows = self.env.execute_query(
            SQL(
                OVERDUE_SQL,
                today=today,
                partners=contacts.partner_id.ids,
                company=self.company_id.id,
            )
        )
        overdue = dict(rows)
        rounding = self.company_id.currency_id
        paid = contacts.filtered(
            lambda c: rounding.is_zero(overdue.get(c.partner_id.id, 0.0))
        )
        paid.write({"hotline_dunning_outcome": "paid"})
        for contact in paid:
            skipped[contact.id] = self.env._("Paid since the credit control run.")
        return skipped
