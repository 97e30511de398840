# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

SERVICES = [
    ("login", "Identification (customer number + PIN)"),
    ("pin_change", "PIN change"),
    ("arrears", "Arrears"),
    ("last_bill", "Last bill"),
    ("month_bill", "Bill of a month"),
    ("usage", "Usage"),
    ("prepaid", "Prepaid balance"),
    ("notices", "Outage notices"),
    ("meter_reading", "Meter reading"),
    ("case_query", "Case result query"),
    ("help", "Help (list of commands)"),
]
OUTCOMES = [
    ("served", "Served"),
    ("not_found", "Not found"),
    ("not_identified", "Not identified"),
    ("wrong_pin", "Wrong PIN"),
    ("no_pin", "No PIN set"),
    ("locked", "Locked"),
    ("several", "Several customers"),
    ("invalid", "Invalid input"),
    ("transferred", "Transferred to an agent"),
    ("hung_up", "Hung up"),
    ("failed", "Failed"),
]


class HotlineSelfserviceTransaction(models.Model):
    """One self-service transaction (自助业务): a query, a login, a meter
    reading, by phone (IVR) or another channel. The statistics are these rows;
    the successful ``login`` of a call is also the call's authenticated
    customer for the services that follow it in the flow."""

    _name = "hotline.selfservice.transaction"
    _inherit = ["hotline.company.guard"]
    _description = "Self-service Transaction"
    _order = "id desc"
    _rec_name = "service"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    service = fields.Selection(SERVICES, required=True, index=True)
    outcome = fields.Selection(OUTCOMES, required=True, index=True)
    channel = fields.Selection(
        [("phone", "Phone"), ("sms", "SMS"), ("email", "E-mail")],
        required=True,
        default="phone",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index="btree_not_null"
    )
    call_id = fields.Many2one("hotline.call", index="btree_not_null")
    linkedid = fields.Char(index=True, help="Asterisk's Linkedid of the call.")
    caller = fields.Char(string="Calling number")
    started_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    duration = fields.Float(help="Seconds the transaction took (the caller's time).")
    detail = fields.Char(help="What was asked or what went wrong, without secrets.")
    previous_outcome = fields.Selection(
        OUTCOMES,
        string="Outcome before leaving",
        help="The service's own outcome when the caller then left the IVR "
        "(outcome transferred or hung up).",
    )

    @api.model
    def _hotline_log(self, request, service, outcome, partner=None, **values):
        """Record one transaction of the IVR ``request`` (the connector's dict:
        ``caller``, ``linkedid``, ...); ``values`` are further fields."""
        linkedid = (request or {}).get("linkedid") or False
        call = self.env["hotline.call"]
        if linkedid and "call_id" not in values:
            # only the company: the call's whole row is not needed here
            call = call.sudo().search_fetch(
                [("linkedid", "=", linkedid)], ["company_id"], limit=1
            )
        vals = {
            "service": service,
            "outcome": outcome,
            "partner_id": partner.id if partner else False,
            "linkedid": linkedid,
            "call_id": call.id,
            "caller": (request or {}).get("caller") or False,
            "company_id": (call.company_id or self.env.company).id,
        }
        vals.update(values)
        # a call that turns out a confidential reporter's is blanked later
        # (hotline.call._hotline_forget_caller); the IVR runs before that
        return self.sudo().create(vals)

    @api.model
    def _hotline_authenticated_partner(self, request):
        """The customer who identified themselves (customer number + PIN) in
        this call, an empty recordset when nobody did."""
        linkedid = (request or {}).get("linkedid")
        if not linkedid:
            return self.env["res.partner"]
        login = self.sudo().search_fetch(
            [
                ("linkedid", "=", linkedid),
                ("service", "=", "login"),
                "|",
                ("outcome", "=", "served"),
                ("previous_outcome", "=", "served"),
            ],
            ["partner_id"],
            limit=1,
        )
        return login.partner_id

    @api.model
    def _hotline_caller_left(self, linkedids, outcome):
        """The callers of these calls left the IVR (``outcome`` transferred or
        hung_up) after self-service: their call's last transaction says so,
        its own outcome kept in ``previous_outcome``. Once per call."""
        if not linkedids:
            return self.browse()
        self.flush_model(["linkedid"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (linkedid) id FROM %s WHERE linkedid = ANY(%s) "
                "ORDER BY linkedid, id DESC",
                SQL.identifier(self._table),
                list(linkedids),
            )
        )
        last = self.sudo().browse(row[0] for row in self.env.cr.fetchall())
        last = last.filtered(lambda tx: tx.outcome not in ("transferred", "hung_up"))
        for tx in last:
            tx.write({"previous_outcome": tx.outcome, "outcome": outcome})
        return last
