# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

_logger = logging.getLogger(__name__)

DIRECTIONS = [
    ("inbound", "Inbound"),
    ("outbound", "Outbound"),
    ("internal", "Internal"),
]
DISPOSITIONS = [
    ("ringing", "In progress"),
    ("answered", "Answered"),
    ("abandoned_ivr", "Abandoned in IVR"),
    ("abandoned_queue", "Abandoned in queue"),
    ("busy", "Busy"),
    ("no_answer", "No answer"),
    ("failed", "Failed"),
    ("voicemail", "Voicemail"),
]
# call dict key -> field, as produced by pbx.correlator.CallCorrelator
SCALAR_KEYS = {
    "uniqueid": "uniqueid",
    "direction": "direction",
    "caller_number": "caller_number",
    "called_number": "called_number",
    "did": "did",
    "queue": "queue_name",
    "started_at": "started_at",
    "queued_at": "queued_at",
    "answered_at": "answered_at",
    "ended_at": "ended_at",
    "wait_seconds": "wait_seconds",
    "talk_seconds": "talk_seconds",
    "disposition": "disposition",
    "recording_file": "recording_file",
    "hangup_cause": "hangup_cause",
}
DATETIME_KEYS = ("started_at", "queued_at", "answered_at", "ended_at")
LIVE_POP_TYPES = ("ringing", "transferred")


def _naive_utc(value):
    """Odoo stores naive UTC datetimes; accept aware datetimes, epochs, strings."""
    if not value:
        return False
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        value = fields.Datetime.to_datetime(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.replace(microsecond=0)


class HotlineCall(models.Model):
    """One call as Asterisk reported it: exactly one record per Linkedid and PBX."""

    _name = "hotline.call"
    _description = "Hotline Call"
    _order = "started_at desc, id desc"
    _rec_name = "caller_number"

    pbx_id = fields.Many2one(
        "hotline.pbx", string="PBX", index=True, ondelete="restrict"
    )
    linkedid = fields.Char(
        string="Linked ID", index=True, readonly=True, help="Asterisk's Linkedid."
    )
    uniqueid = fields.Char(string="Unique ID", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    direction = fields.Selection(DIRECTIONS, required=True, default="inbound")
    caller_number = fields.Char(index="trigram")
    called_number = fields.Char(index="trigram")
    did = fields.Char(
        string="DID", help="The number dialled: 400, 800 or a local number."
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        index=True,
        help="The agent who had the call last (after transfers).",
    )
    agent_line_ids = fields.One2many(
        "hotline.call.agent", "call_id", string="Agents", readonly=True
    )
    agent_extensions = fields.Char(
        compute="_compute_agent_extensions",
        help="Extensions that answered, in order (transfers appended).",
    )
    queue_name = fields.Char(string="Queue name", help="Queue name in Asterisk.")
    started_at = fields.Datetime(index=True)
    queued_at = fields.Datetime()
    answered_at = fields.Datetime()
    ended_at = fields.Datetime()
    wait_seconds = fields.Integer(aggregator="avg")
    talk_seconds = fields.Integer(aggregator="sum")
    disposition = fields.Selection(DISPOSITIONS, default="ringing", index=True)
    recording_file = fields.Char(
        help="Path of the MixMonitor recording as Asterisk wrote it."
    )
    hangup_cause = fields.Char(help="Asterisk's hangup cause code and text.")

    _sql_constraints = [
        (
            "linkedid_pbx_uniq",
            "UNIQUE(pbx_id, linkedid)",
            "A call is recorded once per PBX and Linkedid.",
        ),
    ]

    @api.depends("caller_number", "called_number", "direction")
    def _compute_display_name(self):
        for call in self:
            call.display_name = (
                f"{call.caller_number or '?'} → {call.called_number or '?'}"
            )

    @api.depends("agent_line_ids.extension", "agent_line_ids.sequence")
    def _compute_agent_extensions(self):
        for call in self:
            call.agent_extensions = " → ".join(
                call.agent_line_ids.sorted("sequence").mapped("extension")
            )

    # ------------------------------------------------------------------
    # Connector API
    # ------------------------------------------------------------------
    def _hotline_check_connector(self):
        if not self.env.su and not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only the PBX connector can record calls."))

    @api.model
    def _hotline_validate(self, data):
        """Reason why a call dict cannot be stored, or ``None``."""
        if not isinstance(data, dict):
            return self.env._("not a call record")
        if not data.get("linkedid") or not isinstance(data.get("linkedid"), str):
            return self.env._("missing Linkedid")
        if data.get("direction") not in dict(DIRECTIONS):
            return self.env._("unknown direction %s", data.get("direction"))
        if data.get("disposition", "ringing") not in dict(DISPOSITIONS):
            return self.env._("unknown disposition %s", data.get("disposition"))
        for key in DATETIME_KEYS:
            value = data.get(key)
            if value and not isinstance(value, datetime | int | float | str):
                return self.env._("bad time in %s", key)
        return None

    @api.model
    def _hotline_values(self, data, queues):
        vals = {}
        for key, fname in SCALAR_KEYS.items():
            if key not in data:
                continue
            value = data[key]
            if key in DATETIME_KEYS:
                value = _naive_utc(value)
            elif fname in ("wait_seconds", "talk_seconds"):
                value = int(value or 0)
            elif value is None:
                value = False
            vals[fname] = value
        queue = queues.get(data.get("queue"))
        if queue is not None:
            vals["queue_id"] = queue.id
        return vals

    @api.model
    def hotline_ingest(self, pbx_id, calls):
        """Create or update calls from the connector's call dicts.

        Upserts by (PBX, Linkedid): replaying the same dicts writes nothing.
        The customer is identified once, from the caller (inbound) or the
        dialled number (outbound); agents are mapped by their extension.

        :param pbx_id: id of the ``hotline.pbx`` the calls come from
        :param calls: list of dicts (see ``pbx.correlator``)
        :return: dict ``created``, ``updated``, ``unchanged`` (counts),
            ``rejected`` (list of ``(linkedid, reason)``), ``calls`` (records)
        """
        self._hotline_check_connector()
        pbx = self.env["hotline.pbx"].sudo().browse(pbx_id).exists()
        if not pbx:
            raise ValidationError(self.env._("Unknown PBX %s.", pbx_id))
        result = {"created": 0, "updated": 0, "unchanged": 0, "rejected": []}
        valid = []
        for data in calls:
            reason = self._hotline_validate(data)
            if reason:
                linkedid = data.get("linkedid") if isinstance(data, dict) else None
                result["rejected"].append((linkedid, reason))
                _logger.warning(
                    "PBX %s: call %s rejected: %s", pbx.name, linkedid, reason
                )
                continue
            valid.append(data)
        # the last dict of a Linkedid wins when a batch holds several
        by_linkedid = {data["linkedid"]: data for data in valid}
        Call = self.sudo().with_context(tracking_disable=True)
        existing = {
            call.linkedid: call
            for call in Call.search(
                [("pbx_id", "=", pbx.id), ("linkedid", "in", list(by_linkedid))]
            )
        }
        queue_names = {d.get("queue") for d in by_linkedid.values() if d.get("queue")}
        queues = {}
        if queue_names:
            for queue in (
                self.env["hotline.queue"]
                .sudo()
                .search(
                    [
                        ("code", "in", list(queue_names)),
                        ("company_id", "=", pbx.company_id.id),
                    ]
                )
            ):
                queues.setdefault(queue.code, queue)
        extensions = {
            ext for d in by_linkedid.values() for ext in (d.get("agents") or []) if ext
        }
        users = {}
        if extensions:
            for user in (
                self.env["res.users"]
                .sudo()
                .search(
                    [
                        ("hotline_extension", "in", list(extensions)),
                        ("company_ids", "in", pbx.company_id.ids),
                    ]
                )
            ):
                users.setdefault(user.hotline_extension, user)
        records = Call.browse()
        to_create = []
        for linkedid, data in by_linkedid.items():
            vals = self._hotline_values(data, queues)
            agents = [str(ext) for ext in (data.get("agents") or []) if ext]
            call = existing.get(linkedid)
            if call is None:
                vals.update(
                    linkedid=linkedid, pbx_id=pbx.id, company_id=pbx.company_id.id
                )
                vals["partner_id"] = self._hotline_identify(data)
                vals["agent_line_ids"] = [
                    fields.Command.create(
                        {
                            "sequence": seq,
                            "extension": ext,
                            "user_id": users[ext].id if ext in users else False,
                        }
                    )
                    for seq, ext in enumerate(agents, 1)
                ]
                last = users.get(agents[-1]) if agents else None
                vals["user_id"] = last.id if last else False
                to_create.append(vals)
                continue
            changes = call._hotline_diff(vals)
            current = call.agent_line_ids.sorted("sequence").mapped("extension")
            if agents and current != agents:
                changes["agent_line_ids"] = [fields.Command.clear()] + [
                    fields.Command.create(
                        {
                            "sequence": seq,
                            "extension": ext,
                            "user_id": users[ext].id if ext in users else False,
                        }
                    )
                    for seq, ext in enumerate(agents, 1)
                ]
                last = users.get(agents[-1])
                changes["user_id"] = last.id if last else False
            if not call.partner_id:
                partner = self._hotline_identify(data)
                if partner:
                    changes["partner_id"] = partner
            if changes:
                call.write(changes)
                result["updated"] += 1
            else:
                result["unchanged"] += 1
            records |= call
        if to_create:
            records |= Call.create(to_create)
            result["created"] += len(to_create)
        result["calls"] = records
        return result

    def _hotline_diff(self, vals):
        """The part of ``vals`` that differs from the record."""
        self.ensure_one()
        changes = {}
        for fname, value in vals.items():
            field = self._fields[fname]
            current = self[fname]
            if field.type == "many2one":
                current = current.id or False
            elif field.type in ("char", "selection", "datetime"):
                current = current or False
                value = value or False
            if current != value:
                changes[fname] = value
        return changes

    @api.model
    def _hotline_identify(self, data):
        """The customer the call is with, when exactly one matches the number."""
        number = (
            data.get("called_number")
            if data.get("direction") == "outbound"
            else data.get("caller_number")
        )
        if not number:
            return False
        partners = self.env["res.partner"].sudo().hotline_identify_caller(number)
        return partners.id if len(partners) == 1 else False

    @api.model
    def hotline_close_stale(self, pbx_id, live_linkedids, reason=None):
        """After the connector (re)connects: end the calls still open in the
        database that Asterisk no longer has (``CoreShowChannels``).

        Their end is the resynchronisation time and ``hangup_cause`` says so;
        the disposition follows what was recorded (answered, abandoned...).
        :return: the calls closed
        """
        self._hotline_check_connector()
        calls = self.sudo().search(
            [
                ("pbx_id", "=", pbx_id),
                ("ended_at", "=", False),
                ("linkedid", "not in", list(live_linkedids)),
            ]
        )
        now = fields.Datetime.now()
        reason = reason or "ended while the connector was disconnected"
        for call in calls:
            if call.answered_at:
                disposition = "answered"
            elif call.direction != "inbound":
                disposition = "no_answer"
            elif call.queued_at:
                disposition = "abandoned_queue"
            else:
                disposition = "abandoned_ivr"
            start = call.answered_at or call.queued_at or call.started_at or now
            values = {
                "ended_at": now,
                "hangup_cause": reason,
                "disposition": disposition,
            }
            if call.answered_at:
                values["talk_seconds"] = int((now - call.answered_at).total_seconds())
            else:
                values["wait_seconds"] = int((now - start).total_seconds())
            call.write(values)
        return calls

    @api.model
    def hotline_live_events(self, pbx_id, events):
        """Pop the caller card for ringing and transferred events.

        :param events: live event dicts of ``pbx.correlator`` (``type``,
            ``linkedid``, ``extension``, ``caller_number``, ``did``, ``queue``)
        :return: the ``res.users`` notified
        """
        self._hotline_check_connector()
        pbx = self.env["hotline.pbx"].sudo().browse(pbx_id).exists()
        if not pbx:
            raise ValidationError(self.env._("Unknown PBX %s.", pbx_id))
        wanted = [
            e for e in events if e.get("type") in LIVE_POP_TYPES and e.get("extension")
        ]
        notified = self.env["res.users"]
        if not wanted:
            return notified
        Call = self.sudo()
        linkedids = list({e["linkedid"] for e in wanted})
        calls = {
            c.linkedid: c
            for c in Call.search(
                [("pbx_id", "=", pbx.id), ("linkedid", "in", linkedids)]
            )
        }
        missing = [
            {
                "linkedid": e["linkedid"],
                "direction": "inbound",
                "caller_number": e.get("caller_number"),
                "called_number": e.get("did"),
                "did": e.get("did"),
                "queue": e.get("queue"),
                "disposition": "ringing",
            }
            for e in wanted
            if e["linkedid"] not in calls
        ]
        if missing:
            for call in self.hotline_ingest(pbx.id, missing)["calls"]:
                calls[call.linkedid] = call
        pop = self.env["hotline.screen.pop"].sudo()
        for event in wanted:
            call = calls.get(event["linkedid"])
            if call:
                notified |= pop.hotline_ringing(call, event["extension"])
        return notified

    def action_hotline_propose_block(self):
        """A blacklist proposal form for the caller's number (exact match).

        Agents only propose; supervisors get the same proposal and approve it on
        the form (the entry keeps the proposal history in its chatter)."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(
                self.env._("Only agents and supervisors may propose a block.")
            )
        if not self.caller_number:
            raise UserError(
                self.env._("This call has no caller number to propose a block for.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Propose block"),
            "res_model": "hotline.blacklist",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "current",
            "context": {
                "default_number": self.caller_number,
                "default_match_type": "exact",
                "default_state": "proposed",
                "default_call_id": self.id,
            },
        }
