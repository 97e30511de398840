# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

# the legs' neighbours, one UPDATE for the legs of some calls (or all of them)
LINK_LEGS = """
    UPDATE hotline_call_agent l
       SET previous_user_id = n.previous_user_id,
           next_user_id = n.next_user_id,
           is_first_leg = n.is_first_leg,
           is_last_leg = n.is_last_leg,
           call_hold_seconds = n.call_hold_seconds
      FROM (SELECT id,
                   LAG(user_id) OVER w AS previous_user_id,
                   LEAD(user_id) OVER w AS next_user_id,
                   ROW_NUMBER() OVER w = 1 AS is_first_leg,
                   LEAD(id) OVER w IS NULL AS is_last_leg,
                   SUM(COALESCE(hold_seconds, 0))
                       OVER (PARTITION BY call_id)::int AS call_hold_seconds
              FROM hotline_call_agent
             WHERE {where}
            WINDOW w AS (PARTITION BY call_id ORDER BY sequence, id)) n
     WHERE l.id = n.id
       AND (l.is_first_leg IS DISTINCT FROM n.is_first_leg
            OR l.is_last_leg IS DISTINCT FROM n.is_last_leg
            OR l.previous_user_id IS DISTINCT FROM n.previous_user_id
            OR l.next_user_id IS DISTINCT FROM n.next_user_id
            OR l.call_hold_seconds IS DISTINCT FROM n.call_hold_seconds)
"""


class HotlineCallAgent(models.Model):
    """An agent who answered a call, in answering order (transfers appended).

    Each leg keeps its neighbours (the agent before and after it, whether it is
    the first or the last leg of its call, the hold time of all its legs) so
    that the agent call detail reads them without looking up the call's other
    legs per row; they are set by SQL whenever legs are added, moved or
    removed (:meth:`_hotline_link_legs`).
    ``hold_seconds``/``hold_count``: how long (how many times) this agent had
    the caller on hold during the leg (the connector's correlator, from AMI).
    """

    _name = "hotline.call.agent"
    _description = "Hotline Call Agent"
    _inherit = ["hotline.company.guard"]
    _order = "call_id, sequence, id"

    call_id = fields.Many2one(
        "hotline.call", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=1)
    extension = fields.Char(required=True)
    user_id = fields.Many2one("res.users", string="Agent", index=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True)
    # the call's start on the leg: the agent call detail searched by date
    # reads the legs of those dates by this index, not every leg
    call_started_at = fields.Datetime(
        related="call_id.started_at", store=True, index=True, string="Call started"
    )
    hold_seconds = fields.Integer(string="Hold (s)", default=0, readonly=True)
    hold_count = fields.Integer(string="Holds", default=0, readonly=True)
    previous_user_id = fields.Many2one(
        "res.users", string="Transferred from", readonly=True
    )
    next_user_id = fields.Many2one("res.users", string="Transferred to", readonly=True)
    is_first_leg = fields.Boolean(readonly=True)
    is_last_leg = fields.Boolean(readonly=True)
    call_hold_seconds = fields.Integer(
        readonly=True, help="Hold time of all the legs of the call."
    )

    def init(self):
        # legs stored before these columns existed (an update): linked once
        self.env.cr.execute(
            SQL(
                LINK_LEGS.format(where="%s"),
                SQL(
                    "call_id IN (SELECT call_id FROM hotline_call_agent"
                    " WHERE is_last_leg IS NULL)"
                ),
            )
        )

    @api.model
    def _hotline_link_legs(self, call_ids):
        """Set the neighbours of the legs of ``call_ids``."""
        call_ids = [cid for cid in set(call_ids) if cid]
        if not call_ids:
            return
        self.flush_model(["call_id", "sequence", "user_id", "hold_seconds"])
        self.env.cr.execute(
            SQL(LINK_LEGS.format(where="%s"), SQL("call_id = ANY(%s)", call_ids))
        )
        self.invalidate_model(
            [
                "previous_user_id",
                "next_user_id",
                "is_first_leg",
                "is_last_leg",
                "call_hold_seconds",
            ]
        )

    @api.model_create_multi
    def create(self, vals_list):
        legs = super().create(vals_list)
        self._hotline_link_legs(legs.call_id.ids)
        return legs

    def write(self, vals):
        before = self.call_id.ids
        res = super().write(vals)
        if {"call_id", "sequence", "user_id", "hold_seconds"} & set(vals):
            self._hotline_link_legs(before + self.call_id.ids)
        return res

    def unlink(self):
        call_ids = self.call_id.ids
        res = super().unlink()
        self._hotline_link_legs(call_ids)
        return res
