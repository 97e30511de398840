# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineIvrNodeOption(models.Model):
    """One DTMF key of a menu node and the node it leads to."""

    _name = "hotline.ivr.node.option"
    _description = "IVR Menu Option"
    _order = "digit"

    node_id = fields.Many2one(
        "hotline.ivr.node", required=True, ondelete="cascade", index=True
    )
    flow_id = fields.Many2one(related="node_id.flow_id", store=True)
    digit = fields.Selection(
        [(str(d), str(d)) for d in range(10)] + [("*", "*"), ("#", "#")],
        required=True,
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
    ]

    @api.constrains("digit", "target_node_id")
    def _check_flow_graph(self):
        if not self.env.context.get("hotline_flow_write"):
            flows = self.node_id.flow_id
            flows.filtered(lambda f: f.state == "published")._hotline_check_graph()
