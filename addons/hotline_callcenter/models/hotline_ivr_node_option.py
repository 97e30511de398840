# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HotlineIvrNodeOption(models.Model):
    """One branch of a node: a DTMF key of a menu, or an outcome of a business
    query (service node), and the node it leads to."""

    _name = "hotline.ivr.node.option"
    _description = "IVR Menu Option"
    _order = "digit, outcome, id"

    node_id = fields.Many2one(
        "hotline.ivr.node", required=True, ondelete="cascade", index=True
    )
    flow_id = fields.Many2one(related="node_id.flow_id", store=True)
    node_type = fields.Selection(related="node_id.node_type")
    digit = fields.Selection(
        [(str(d), str(d)) for d in range(10)] + [("*", "*"), ("#", "#")],
        help="Menu key.",
    )
    outcome = fields.Char(
        help="Business query nodes: the outcome of the service that leads here."
    )
    label = fields.Char(translate=True, help="What the key does, for the editor.")
    target_node_id = fields.Many2one(
        "hotline.ivr.node",
        string="Goes to",
        ondelete="set null",
        domain="[('flow_id', '=', flow_id)]",
    )

    _sql_constraints = [
        ("digit_uniq", "UNIQUE(node_id, digit)", "Each key is used once per menu."),
        (
            "outcome_uniq",
            "UNIQUE(node_id, outcome)",
            "Each outcome has one branch per node.",
        ),
        (
            "digit_or_outcome",
            "CHECK(digit IS NOT NULL OR outcome IS NOT NULL)",
            "A branch needs a key or an outcome.",
        ),
    ]

    @api.constrains("digit", "outcome", "node_id")
    def _check_kind(self):
        for option in self:
            if option.node_id.node_type == "menu" and not option.digit:
                raise ValidationError(
                    self.env._(
                        "Menu node %s: each option needs a key.", option.node_id.name
                    )
                )
            if option.node_id.node_type == "service" and not option.outcome:
                raise ValidationError(
                    self.env._(
                        "Business query node %s: each branch needs an outcome.",
                        option.node_id.name,
                    )
                )

    @api.constrains("digit", "outcome", "target_node_id")
    def _check_flow_graph(self):
        if not self.env.context.get("hotline_flow_write"):
            flows = self.node_id.flow_id
            flows.filtered(lambda f: f.state == "published")._hotline_check_graph()
