# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

# how the call's IVR result, as stored on the call, says the caller left
LEFT_BY_DISPOSITION = {
    "abandoned_ivr": "hung_up",
    # the flow ended the call (a goodbye after the query): the caller is done
    "ended_by_ivr": "hung_up",
    "answered": "transferred",
}


class HotlineCall(models.Model):
    _inherit = "hotline.call"

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        calls._hotline_selfservice_left(vals_list)
        return calls

    def write(self, vals):
        result = super().write(vals)
        self._hotline_selfservice_left([vals] * len(self))
        return result

    def _hotline_selfservice_left(self, vals_list):
        """The IVR result of these calls is being recorded (the connector's
        queue step, the ingested disposition): a caller who used self-service
        and then went to an agent or hung up in the IVR has it said on the
        call's last self-service transaction."""
        by_outcome = {}
        for call, vals in zip(self, vals_list, strict=True):
            if vals.get("queued_at") or vals.get("queue_id"):
                outcome = "transferred"
            else:
                outcome = LEFT_BY_DISPOSITION.get(vals.get("disposition"))
            if outcome and call.linkedid:
                by_outcome.setdefault(outcome, set()).add(call.linkedid)
        Transaction = self.env["hotline.selfservice.transaction"]
        for outcome, linkedids in by_outcome.items():
            Transaction._hotline_caller_left(linkedids, outcome)

    def _hotline_forget_caller(self):
        """A confidential reporter's call: its self-service transactions keep
        the service and outcome (the statistics), not who called."""
        res = super()._hotline_forget_caller()
        linkedids = [
            linkedid for linkedid in self.sudo().mapped("linkedid") if linkedid
        ]
        transactions = (
            self.env["hotline.selfservice.transaction"]
            .sudo()
            .search(["|", ("call_id", "in", self.ids), ("linkedid", "in", linkedids)])
        )
        transactions.write({"caller": False, "partner_id": False})
        return res
