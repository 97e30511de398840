# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.hotline_call import DIRECTIONS, RATINGS


class HotlineAgentCallReport(models.Model):
    """Agent call detail (座席通话明细): one row per agent leg of a call.

    A call's agents are its ``hotline.call.agent`` lines in answering order
    (a transfer appends one); a call an agent had without such a line (an
    agent's own dial) is one leg of its agent. The call log keeps its times
    per call, not per leg: the wait belongs to the first leg; the talk time,
    the rating, the wrap-up code and time to the last (the agent who had the
    call last); earlier legs show whom they transferred to.
    """

    _name = "hotline.agent.call.report"
    _inherit = ["hotline.day.bounded.report", "hotline.report.without.jit"]
    _description = "Agent Call Detail"
    _auto = False
    _rec_name = "call_id"
    _order = "started_at desc, call_id desc, leg_sequence"
    _day_bounds_field = "started_at"

    call_id = fields.Many2one("hotline.call", readonly=True)
    leg_sequence = fields.Integer(string="Leg", readonly=True, aggregator=None)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    extension = fields.Char(readonly=True)
    team_id = fields.Many2one("hotline.skill.group", readonly=True)
    queue_id = fields.Many2one("hotline.queue", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    started_at = fields.Datetime(readonly=True)
    answered_at = fields.Datetime(readonly=True)
    ended_at = fields.Datetime(readonly=True)
    wait_seconds = fields.Integer(string="Wait (s)", readonly=True, aggregator="avg")
    talk_seconds = fields.Integer(string="Talk (s)", readonly=True, aggregator="sum")
    hold_seconds = fields.Integer(
        string="Hold (s)",
        readonly=True,
        aggregator="sum",
        help="How long this agent had the caller on hold during the leg.",
    )
    hold_count = fields.Integer(string="Holds", readonly=True, aggregator="sum")
    wrapup_seconds = fields.Integer(
        string="Wrap-up (s)", readonly=True, aggregator="sum"
    )
    disposition_id = fields.Many2one(
        "hotline.call.disposition", string="Wrap-up code", readonly=True
    )
    rating = fields.Selection(RATINGS, readonly=True)
    transfer_from_id = fields.Many2one(
        "res.users", string="Transferred from", readonly=True
    )
    transfer_to_id = fields.Many2one(
        "res.users", string="Transferred to", readonly=True
    )
    has_recording = fields.Boolean(string="Recorded", readonly=True)
    leg_count = fields.Integer(string="Legs", readonly=True, aggregator="sum")
    transfer_out_count = fields.Integer(
        string="Transfers out", readonly=True, aggregator="sum"
    )
    transfer_in_count = fields.Integer(
        string="Transfers in", readonly=True, aggregator="sum"
    )

    def _query(self, first=None, after=None):
        """The rows; with bounds (dates, UTC), only the rows of the calls
        started in ``[first, after)``: the legs (by their copy of the call's
        start) and the calls of those days, both read by index and joined,
        instead of every leg joined to the days' calls."""
        legs = [SQL("TRUE")]
        calls = [SQL("TRUE")]
        if first:
            since = datetime.datetime.combine(first, datetime.time())
            legs.append(SQL("l.call_started_at >= %s", since))
            calls.append(SQL("c.started_at >= %s", since))
        if after:
            until = datetime.datetime.combine(after, datetime.time())
            legs.append(SQL("l.call_started_at < %s", until))
            calls.append(SQL("c.started_at < %s", until))
        return self._query_bounded(SQL(" AND ").join(legs), SQL(" AND ").join(calls))

    def _query_bounded(self, legs_where, calls_where):
        # the legs' neighbours are stored on them (hotline.call.agent): no
        # look-up of the call's other legs per row; the leg's copy of the
        # call's start (indexed) is the legs' date: a search by date reads
        # the legs of those dates, not every leg joined to the dates' calls
        return SQL(
            """
            SELECT l.id::bigint * 2 AS id, c.id AS call_id,
                   l.sequence AS leg_sequence, l.user_id, l.extension,
                   CASE WHEN l.is_last_leg THEN c.team_id END AS team_id,
                   c.queue_id, c.company_id, c.direction,
                   l.call_started_at AS started_at, c.answered_at, c.ended_at,
                   CASE WHEN l.is_first_leg THEN c.wait_seconds END AS wait_seconds,
                   CASE WHEN l.is_last_leg
                        THEN GREATEST(COALESCE(c.talk_seconds, 0)
                                      - COALESCE(l.call_hold_seconds, 0), 0)
                        ELSE 0 END AS talk_seconds,
                   COALESCE(l.hold_seconds, 0) AS hold_seconds,
                   COALESCE(l.hold_count, 0) AS hold_count,
                   CASE WHEN l.is_last_leg AND c.wrapup_ended_at IS NOT NULL
                        THEN c.wrapup_seconds ELSE 0 END AS wrapup_seconds,
                   CASE WHEN l.is_last_leg THEN c.disposition_id END
                       AS disposition_id,
                   CASE WHEN l.is_last_leg THEN c.rating END AS rating,
                   l.previous_user_id AS transfer_from_id,
                   l.next_user_id AS transfer_to_id,
                   EXISTS (SELECT 1 FROM hotline_recording r
                            WHERE r.call_id = c.id) AS has_recording,
                   1 AS leg_count,
                   (NOT l.is_last_leg)::int AS transfer_out_count,
                   (NOT l.is_first_leg)::int AS transfer_in_count
              FROM hotline_call_agent l
              JOIN hotline_call c ON c.id = l.call_id
             WHERE %(legs_where)s AND %(calls_where)s
            UNION ALL
            SELECT c.id::bigint * 2 + 1, c.id, 1, c.user_id, NULL, c.team_id,
                   c.queue_id, c.company_id, c.direction,
                   c.started_at, c.answered_at, c.ended_at, c.wait_seconds,
                   c.talk_seconds, 0, 0,
                   CASE WHEN c.wrapup_ended_at IS NOT NULL
                        THEN c.wrapup_seconds ELSE 0 END,
                   c.disposition_id, c.rating, NULL::int, NULL::int,
                   EXISTS (SELECT 1 FROM hotline_recording r WHERE r.call_id = c.id),
                   1, 0, 0
              FROM hotline_call c
             WHERE c.user_id IS NOT NULL AND %(calls_where)s
               AND NOT EXISTS (
                    SELECT 1 FROM hotline_call_agent l
                     WHERE l.call_id = c.id AND %(legs_where)s)
            """,
            legs_where=legs_where,
            calls_where=calls_where,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def action_open_recordings(self):
        """The leg's call recordings, read with the user's own rights (a
        confidential reporter's recordings stay hidden)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recordings"),
            "res_model": "hotline.recording",
            "view_mode": "list,form",
            "domain": [("call_id", "=", self.call_id.id)],
        }
