# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from datetime import UTC, datetime

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.hotline_base.tools import webhook

from ..pbx.hangup_causes import HANGUP_CAUSES, hangup_cause_code

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
    # the IVR ended these calls (pbx.ivr_engine.END_VARIABLE): not abandoned
    ("refused_blacklist", "Refused (blacklist)"),
    ("ended_by_ivr", "Ended by the IVR"),
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
    "voicemail_channel": "voicemail_channel",
}
DATETIME_KEYS = ("started_at", "queued_at", "answered_at", "ended_at")
LIVE_POP_TYPES = ("ringing", "transferred")
# queues a call entered, as stored in queue_path (the report splits on it)
QUEUE_PATH_SEP = " → "
# bus notification carrying one queue's waiting callers (see _hotline_waiting_send)
WAITING_NOTIFICATION = "hotline/waiting"
WAITING_SUBCHANNEL = "hotline_waiting"
# a write of these fields may add a caller to a waiting list or take one off it
WAITING_FIELDS = frozenset(
    {"queue_id", "queued_at", "answered_at", "ended_at", "user_id", "partner_id"}
)
PENDING_WAITING_KEY = "hotline.call.waiting_queue_ids"
# a write of these fields changes what a live caller card shows (its timer)
CARD_FIELDS = frozenset({"answered_at", "ended_at", "hangup_cause"})
# a write of these fields may move an agent to another status (on a call, wrap-up)
AGENT_STATUS_FIELDS = frozenset({"answered_at", "ended_at", "user_id"})
# a write of these fields changes a queue's tile on the wallboard
WALLBOARD_FIELDS = frozenset(
    {
        "queue_id",
        "queued_at",
        "answered_at",
        "ended_at",
        "user_id",
        "disposition",
        "wait_seconds",
        "started_at",
        "direction",
        "company_id",
    }
)
# callers listed per queue in a notification (longest waits first) and the total:
# a surge of hundreds of callers must not make every join cost O(callers)
WAITING_LIST_MAX = 50


RATINGS = [
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
    ("complaint", "Complaint about the service"),
]
RATING_BY_DIGIT = {
    "1": "satisfied",
    "2": "neutral",
    "3": "dissatisfied",
    "0": "complaint",
}
WAIT_BUCKETS = [
    ("0_15", "0-15 s"),
    ("15_30", "15-30 s"),
    ("30_45", "30-45 s"),
    ("45_60", "45-60 s"),
    ("60_90", "60-90 s"),
    ("90_plus", "90 s and more"),
]
DEFAULT_SHORT_ABANDON = 5


def wait_bucket(seconds):
    for limit, key in (
        (15, "0_15"),
        (30, "15_30"),
        (45, "30_45"),
        (60, "45_60"),
        (90, "60_90"),
    ):
        if seconds < limit:
            return key
    return "90_plus"


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
    _inherit = ["hotline.company.guard"]
    _order = "started_at desc, id desc"
    _rec_name = "caller_number"

    pbx_id = fields.Many2one(
        "hotline.pbx", string="PBX", index=True, ondelete="restrict", check_company=True
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
    queue_name = fields.Char(
        string="Queue name",
        help="Queue name in Asterisk: the queue that answered the call, else the "
        "last one it entered.",
    )
    queue_path = fields.Char(
        readonly=True,
        help="Queues the call entered, in order (Asterisk names); more than one "
        "when a queue timed out and the call overflowed to the next.",
    )
    supervisor_leg_ids = fields.One2many(
        "hotline.call.supervisor.leg",
        "call_id",
        string="Supervisor legs",
        readonly=True,
        groups="hotline_base.group_agent",
    )
    conference_room = fields.Char(
        readonly=True,
        copy=False,
        help="ConfBridge room the call was moved into (three-way call or "
        "emergency call of the agent).",
    )
    cti_event_ids = fields.One2many(
        "hotline.cti.event",
        "call_id",
        string="CTI events",
        readonly=True,
        groups="hotline_base.group_agent",
        help="Emergency calls and three-way calls on this call.",
    )
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
    hangup_cause_code = fields.Selection(
        HANGUP_CAUSES,
        string="Hang-up cause",
        compute="_compute_hangup_cause_code",
        store=True,
        help="Why the call ended, in words (the Q.850 cause Asterisk reported).",
    )
    voicemail_channel = fields.Char(
        readonly=True,
        index="btree_not_null",
        help="The channel that ran VoiceMail: a message's file names it "
        "(callerchan), which links the message to this call.",
    )
    # after-call work (话后小结): the agent's code and note, and its duration
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
    # queue, post-call rating and the per-call facts call-centre reports add up
    queue_id = fields.Many2one("hotline.queue", index=True, check_company=True)
    queue_options = fields.Char(
        string="Queue() options",
        readonly=True,
        help="Options of the Queue() the caller waited in, as the IVR sent them "
        "(t: the agent may transfer the caller).",
    )
    ivr_flow_id = fields.Many2one(
        "hotline.ivr.flow", string="IVR flow", check_company=True
    )
    # post-call rating (服务满意度评价)
    rating = fields.Selection(RATINGS, index=True, readonly=True)
    rating_digit = fields.Char(readonly=True)
    rated_at = fields.Datetime(readonly=True)
    rating_complaint = fields.Boolean(
        string="Complaint about the service",
        readonly=True,
        help="The caller pressed 0 at the satisfaction prompt.",
    )
    team_id = fields.Many2one(
        "hotline.skill.group",
        compute="_compute_team_id",
        store=True,
        index=True,
        help="The agent's skill group when the call was served: the one that "
        "made the agent a member of the call's queue, else the agent's first. "
        "Kept when the agent changes teams later, so ratings stay with the "
        "team that earned them.",
        check_company=True,
    )
    # missed-call worklist (未接来电): who should call the caller back
    missed_assignee_id = fields.Many2one(
        "res.users",
        string="Call back by",
        index="btree_not_null",
        readonly=True,
        help="The agent a supervisor asked to call this missed caller back.",
    )
    # report facts, one per call
    is_offered = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="The caller asked for an agent (reached a queue or an agent).",
    )
    is_answered = fields.Boolean(compute="_compute_report_facts", store=True)
    is_abandoned = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="Hung up while waiting, short abandons excluded.",
    )
    is_short_abandon = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="Hung up in the queue before the queue's short-abandon threshold.",
    )
    answered_within_15 = fields.Boolean(
        string="Answered within 15 s", compute="_compute_report_facts", store=True
    )
    answered_within_20 = fields.Boolean(
        string="Answered within 20 s", compute="_compute_report_facts", store=True
    )
    abandoned_within_20 = fields.Boolean(
        string="Abandoned within 20 s", compute="_compute_report_facts", store=True
    )
    wait_bucket = fields.Selection(
        WAIT_BUCKETS, compute="_compute_report_facts", store=True
    )
    call_hour = fields.Integer(
        string="Hour", compute="_compute_report_facts", store=True, aggregator=None
    )

    _sql_constraints = [
        (
            "linkedid_pbx_uniq",
            "UNIQUE(pbx_id, linkedid)",
            "A call is recorded once per PBX and Linkedid.",
        ),
    ]

    def init(self):
        res = super().init()
        # the callers waiting now (waiting lists, wallboard) among millions
        tools.create_index(
            self.env.cr,
            "hotline_call_waiting_index",
            self._table,
            ["company_id", "queue_id", "queued_at"],
            where="queued_at IS NOT NULL AND answered_at IS NULL AND ended_at IS NULL",
        )
        return res

    @api.depends("caller_number", "called_number", "direction")
    def _compute_display_name(self):
        for call in self:
            call.display_name = (
                f"{call.caller_number or '?'} → {call.called_number or '?'}"
            )

    @api.depends("hangup_cause")
    def _compute_hangup_cause_code(self):
        for call in self:
            call.hangup_cause_code = hangup_cause_code(call.hangup_cause) or False

    @api.depends("wrapup_started_at", "wrapup_ended_at")
    def _compute_wrapup_seconds(self):
        for call in self:
            if call.wrapup_started_at and call.wrapup_ended_at:
                delta = call.wrapup_ended_at - call.wrapup_started_at
                call.wrapup_seconds = max(int(delta.total_seconds()), 0)
            else:
                call.wrapup_seconds = 0

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
        path = data.get("queue_path")
        if path is not None and (
            not isinstance(path, list | tuple)
            or not all(isinstance(q, str) and q for q in path)
        ):
            return self.env._("bad queue path")
        modes = dict(self.env["hotline.call.supervisor.leg"]._fields["mode"].selection)
        legs = data.get("supervisor_legs")
        if legs is not None and not isinstance(legs, list | tuple):
            return self.env._("bad supervisor legs")
        for leg in legs or ():
            if not isinstance(leg, dict) or leg.get("mode") not in modes:
                return self.env._("bad supervisor leg %s", leg)
            if not isinstance(leg.get("started_at"), datetime | int | float | str):
                return self.env._("bad time in a supervisor leg")
        holds = data.get("agent_holds")
        if holds is not None and (
            not isinstance(holds, dict)
            or not all(
                isinstance(hold, list | tuple)
                and len(hold) == 2
                and all(isinstance(v, int | float) and v >= 0 for v in hold)
                for hold in holds.values()
            )
        ):
            return self.env._("bad hold times")
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
        if data.get("queue_path"):
            vals["queue_path"] = QUEUE_PATH_SEP.join(data["queue_path"])
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
            ``rejected`` (list of ``(linkedid, reason)``), ``calls`` (records),
            ``identified`` (``{number: partner ids}`` looked up)
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
        valid = self._hotline_drop_supervisor_calls(pbx, valid)
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
        identified = {}
        for linkedid, data in by_linkedid.items():
            vals = self._hotline_values(data, queues)
            agents = [str(ext) for ext in (data.get("agents") or []) if ext]
            call = existing.get(linkedid)
            if call is None:
                vals.update(
                    linkedid=linkedid, pbx_id=pbx.id, company_id=pbx.company_id.id
                )
                vals["partner_id"] = self._hotline_identify(data, identified)
                vals["agent_line_ids"] = [
                    fields.Command.create(
                        {
                            "sequence": seq,
                            "extension": ext,
                            "user_id": users[ext].id if ext in users else False,
                            **self._hotline_leg_hold(data, ext),
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
                            **self._hotline_leg_hold(data, ext),
                        }
                    )
                    for seq, ext in enumerate(agents, 1)
                ]
                last = users.get(agents[-1])
                changes["user_id"] = last.id if last else False
            elif data.get("agent_holds"):
                changes.update(call._hotline_hold_changes(data))
            if not call.partner_id:
                partner = self._hotline_identify(data, identified)
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
        records._hotline_sync_supervisor_legs(by_linkedid, pbx)
        result["calls"] = records
        result["identified"] = identified
        return result

    @api.model
    def _hotline_leg_hold(self, data, ext):
        """Hold time and count of ``ext``'s leg in a call dict's
        ``agent_holds`` (``{extension: [seconds, count]}``)."""
        hold = (data.get("agent_holds") or {}).get(ext)
        if not isinstance(hold, list | tuple) or len(hold) != 2:
            return {}
        return {"hold_seconds": int(hold[0] or 0), "hold_count": int(hold[1] or 0)}

    def _hotline_hold_changes(self, data):
        """Commands updating the hold of this call's legs from ``data``."""
        self.ensure_one()
        commands = []
        for leg in self.agent_line_ids:
            hold = self._hotline_leg_hold(data, leg.extension)
            if hold and (leg.hold_seconds, leg.hold_count) != (
                hold["hold_seconds"],
                hold["hold_count"],
            ):
                commands.append(fields.Command.update(leg.id, hold))
        return {"agent_line_ids": commands} if commands else {}

    @api.model
    def _hotline_drop_supervisor_calls(self, pbx, calls):
        """A supervisor's listen/whisper/barge/conference is a leg of the call
        it monitors, not a call: its own dict (``supervisor_leg_of``) is not
        stored and the record an earlier dict of it created goes."""
        legs = {d["linkedid"] for d in calls if d.get("supervisor_leg_of")}
        legs |= {
            leg["linkedid"]
            for d in calls
            for leg in d.get("supervisor_legs") or []
            if leg.get("linkedid")
        }
        if legs:
            self.sudo().search(
                [("pbx_id", "=", pbx.id), ("linkedid", "in", list(legs))]
            ).unlink()
        return [d for d in calls if d["linkedid"] not in legs]

    def _hotline_sync_supervisor_legs(self, by_linkedid, pbx):
        """Write the supervisor legs of the call dicts that carry them, a leg
        known by its Linkedid and start updated in place, never removed."""
        Users = self.env["res.users"].sudo()
        for call in self.sudo():
            data = by_linkedid.get(call.linkedid) or {}
            if "supervisor_legs" not in data:
                continue
            current = {
                (leg.linkedid or False, leg.started_at): leg
                for leg in call.supervisor_leg_ids
            }
            commands = []
            for leg in data["supervisor_legs"]:
                ext = str(leg.get("extension") or "")
                values = {
                    "linkedid": leg.get("linkedid") or False,
                    "extension": ext or "?",
                    "mode": leg.get("mode") or "listen",
                    "started_at": _naive_utc(leg.get("started_at")),
                    "ended_at": _naive_utc(leg.get("ended_at")),
                    "duration_seconds": int(leg.get("duration_seconds") or 0),
                }
                record = current.pop((values["linkedid"], values["started_at"]), None)
                if record is None:
                    user = Users.search(
                        [
                            ("hotline_extension", "=", ext),
                            ("company_ids", "in", pbx.company_id.ids),
                        ],
                        limit=1,
                    )
                    commands.append(
                        fields.Command.create(dict(values, user_id=user.id))
                    )
                    continue
                changes = {
                    key: value
                    for key, value in values.items()
                    if (record[key] or False) != (value or False)
                }
                if changes:
                    commands.append(fields.Command.update(record.id, changes))
            # a leg the dict lacks stays: a connector that restarted mid-call
            # does not know the legs made before
            if commands:
                call.supervisor_leg_ids = commands

    def _hotline_diff(self, vals):
        """The part of ``vals`` that differs from the record.

        A value the connector does not know (empty, zero, or "In progress"
        for a disposition) never replaces a known one: after a restart the
        connector may know less of a live call than was stored.
        """
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
            if current == value:
                continue
            if (
                fname == "queue_path"
                and current
                and value
                and current.endswith(QUEUE_PATH_SEP + value)
            ):
                continue  # a connector restarted mid-call saw the last queues only
            unknown = not value or (fname == "disposition" and value == "ringing")
            if unknown and current:
                continue
            changes[fname] = value
        return changes

    @api.model
    def _hotline_identify(self, data, identified=None):
        """The customer the call is with, when exactly one matches the number.

        :param identified: dict filled with ``{number: partner ids}`` (every
            match), for the caller card of the same batch
        """
        number = (
            data.get("called_number")
            if data.get("direction") == "outbound"
            else data.get("caller_number")
        )
        if not number:
            return False
        partners = self.env["res.partner"].sudo().hotline_identify_caller(number)
        if identified is not None:
            identified[number] = partners.ids
        return partners.id if len(partners) == 1 else False

    @api.model
    def hotline_stored_calls(self, pbx_id, linkedids):
        """What is stored of these calls, as the connector's call dicts, so a
        restarted connector knows the live calls it resynchronises (the
        ``CoreShowChannels`` snapshot has no start, answer or queue time).

        :param linkedids: Asterisk Linkedids
        :return: list of dicts with the keys of ``pbx.correlator`` snapshots
        """
        self._hotline_check_connector()
        calls = self.sudo().search(
            [("pbx_id", "=", pbx_id), ("linkedid", "in", list(linkedids))]
        )
        out = []
        for call in calls:
            data = {
                key: call[fname] or None
                for key, fname in SCALAR_KEYS.items()
                if fname not in ("wait_seconds", "talk_seconds")
            }
            data["linkedid"] = call.linkedid
            data["agents"] = call.agent_line_ids.sorted("sequence").mapped("extension")
            data["queue_path"] = (
                call.queue_path.split(QUEUE_PATH_SEP) if call.queue_path else []
            )
            out.append(data)
        return out

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
    def hotline_live_events(self, pbx_id, events, known_calls=None, identified=None):
        """Pop the caller card for ringing and transferred events; tell agents
        how their click-to-dial ended (``click_to_dial`` results of
        ``pbx.originate_tracker``).

        :param events: live event dicts of ``pbx.correlator`` (``type``,
            ``linkedid``, ``extension``, ``caller_number``, ``did``, ``queue``)
            and of ``pbx.originate_tracker``
        :param known_calls: ``hotline.call`` records the same transaction just
            ingested (``hotline_ingest``'s ``calls``): not searched again
        :param identified: ``hotline_ingest``'s ``identified`` of the same
            transaction: the card does not identify these callers again
        :return: the ``res.users`` notified
        """
        self._hotline_check_connector()
        pbx = self.env["hotline.pbx"].sudo().browse(pbx_id)
        if not (known_calls and pbx in known_calls.sudo().pbx_id):
            # else the ingest of the same batch checked it; with its company
            # (the agents' lookup), in one query
            pbx = pbx.with_context(active_test=False).search_fetch(
                [("id", "=", pbx_id)], ["company_id"]
            )
        if not pbx:
            raise ValidationError(self.env._("Unknown PBX %s.", pbx_id))
        notified = self.env["res.users"]
        dial_results = [e for e in events if e.get("type") == "click_to_dial"]
        if dial_results:
            notified |= self.env["hotline.pbx"]._hotline_click_to_dial_results(
                pbx, dial_results
            )
        wanted = [
            e for e in events if e.get("type") in LIVE_POP_TYPES and e.get("extension")
        ]
        if not wanted:
            return notified
        Call = self.sudo()
        calls = {
            c.linkedid: c
            for c in (known_calls or Call.browse()).sudo()
            if c.pbx_id == pbx
        }
        linkedids = list({e["linkedid"] for e in wanted} - set(calls))
        if linkedids:
            calls.update(
                (c.linkedid, c)
                for c in Call.search_fetch(
                    [("pbx_id", "=", pbx.id), ("linkedid", "in", linkedids)],
                    self.env["hotline.screen.pop"]._hotline_card_call_fields(),
                )
            )
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
        identified = dict(identified or {})
        if missing:
            ingested = self.hotline_ingest(pbx.id, missing)
            identified.update(ingested["identified"])
            for call in ingested["calls"]:
                calls[call.linkedid] = call
        # the agents rung (and the ones transferring) in one query, not one a ring
        pop = (
            self.env["hotline.screen.pop"]
            .sudo()
            ._hotline_with_users(
                pbx.company_id,
                {e["extension"] for e in wanted}
                | {e["transferred_from"] for e in wanted if e.get("transferred_from")},
            )
            ._hotline_with_identified(identified)
        )
        for event in wanted:
            call = calls.get(event["linkedid"])
            if call:
                notified |= pop.hotline_ringing(
                    call,
                    event["extension"],
                    transferred_from=event.get("transferred_from")
                    if event["type"] == "transferred"
                    else None,
                )
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

    # ------------------------------------------------------------------
    # Waiting callers, pushed live to the agents of their queue (抢接)
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        self.env["hotline.wallboard"]._hotline_touch(calls.sudo().company_id)
        if any(WAITING_FIELDS.intersection(vals) for vals in vals_list):
            calls._hotline_waiting_touch(calls._hotline_waiting_queues())
        if any(AGENT_STATUS_FIELDS.intersection(vals) for vals in vals_list):
            self.env["hotline.agent.status"]._hotline_follow_calls(calls, {})
        if any(vals.get("ended_at") for vals in vals_list):
            calls.filtered("ended_at")._hotline_webhook_ended()
        return calls

    def write(self, vals):
        if CARD_FIELDS.intersection(vals):
            # the caller card's timer and hang-up cause follow the call
            self.env["hotline.screen.pop"]._hotline_card_touch(self)
        waiting = WAITING_FIELDS.intersection(vals)
        status = AGENT_STATUS_FIELDS.intersection(vals)
        before = self._hotline_waiting_queues() if waiting else None
        if WALLBOARD_FIELDS.intersection(vals):
            wallboard = self.sudo().company_id
            if vals.get("company_id"):
                wallboard |= self.env["res.company"].browse(vals["company_id"])
            self.env["hotline.wallboard"]._hotline_touch(wallboard)
        agents_before = (
            {call.id: call.sudo().user_id for call in self} if status else None
        )
        ending = (
            self.sudo().filtered(lambda call: not call.ended_at)
            if vals.get("ended_at")
            else None
        )
        res = super().write(vals)
        if ending:
            ending.with_env(self.env)._hotline_webhook_ended()
        if waiting:
            self._hotline_waiting_touch(before | self._hotline_waiting_queues())
        if status:
            # the agent's status follows the call: on a call, then wrap-up
            self.env["hotline.agent.status"]._hotline_follow_calls(self, agents_before)
        return res

    def action_hotline_wrapup(self):
        """*Wrap-up code* on the call's form: the wrap-up dialog, for the
        call's agent or a supervisor."""
        self.ensure_one()
        return self.env["hotline.agent.status"].hotline_wrapup_dialog(self.id)

    def _hotline_waiting_queues(self):
        """Queues in which these calls wait (queued, neither answered nor ended)."""
        return (
            self.sudo()
            .filtered(
                lambda call: (
                    call.queue_id
                    and call.queued_at
                    and not call.answered_at
                    and not call.ended_at
                )
            )
            .queue_id
        )

    def _hotline_waiting_touch(self, queues):
        """Send the waiting lists of ``queues`` when the transaction commits.

        However many calls of a queue the transaction changes (a connector
        batch, a pick-up), the queue gets one notification, built in the
        commit's precommit phase from what the transaction wrote.
        """
        if not queues:
            return
        data = self.env.cr.precommit.data
        if PENDING_WAITING_KEY not in data:
            data[PENDING_WAITING_KEY] = set()
            env = self.sudo().env

            @self.env.cr.precommit.add
            def send_waiting_lists():
                queue_ids = data.pop(PENDING_WAITING_KEY, set())
                env["hotline.call"]._hotline_waiting_send(
                    env["hotline.queue"].browse(sorted(queue_ids))
                )

        data[PENDING_WAITING_KEY].update(queues.ids)

    @api.model
    def _hotline_waiting_send(self, queues):
        """One ``hotline/waiting`` notification per queue, with the queue's
        whole waiting list (clients replace theirs), on the queue's channel:
        ``ir.websocket`` subscribes the queue's member agents and the
        supervisors of its company to it, nobody else."""
        queues = queues.sudo().exists()
        Bus = self.env["bus.bus"].sudo()
        for queue in queues:
            Bus._sendone(
                (queue, WAITING_SUBCHANNEL),
                WAITING_NOTIFICATION,
                self._hotline_waiting_payload(queue),
            )

    @api.model
    def _hotline_waiting_payload(self, queue):
        """A queue's waiting callers as the agent's list shows them (the rows
        of ``hotline.queue.hotline_waiting_calls`` plus VIP and since when).

        A caller an agent has picked up (the call has its agent but the PBX
        has not bridged it yet) is left out: nobody else may take it. Only the
        ``WAITING_LIST_MAX`` longest waits are listed, ``total`` counts all.
        """
        Queue = self.env["hotline.queue"].sudo()
        domain = Queue._hotline_waiting_domain(queue.ids) + [("user_id", "=", False)]
        Call = self.sudo()
        calls = Call.search(domain, order="queued_at, id", limit=WAITING_LIST_MAX)
        now = fields.Datetime.now()
        return {
            "queue_id": queue.id,
            "queue": queue.name,
            "server_time": time.time(),
            "calls": [
                dict(
                    Queue._hotline_waiting_row(call, now),
                    queue_id=queue.id,
                    queued_at=fields.Datetime.to_string(call.queued_at),
                    vip=bool(call.partner_id.hotline_is_vip),
                )
                for call in calls
            ],
            "total": Call.search_count(domain),
        }

    @api.model
    def _hotline_waiting_queues_of(self, user):
        """Queues whose callers ``user`` sees (and whose bus channel they
        listen to): a supervisor all the queues of their companies, an agent
        the queues they are a member of, other users none."""
        Queue = self.env["hotline.queue"].sudo()
        if user.has_group("hotline_base.group_supervisor"):
            return Queue.search([("company_id", "in", user.company_ids.ids)])
        if user.has_group("hotline_base.group_agent"):
            return (
                self.env["hotline.queue.member"]
                .sudo()
                .search([("user_id", "=", user.id)])
                .queue_id.filtered("active")
                .sorted(lambda q: (q.sequence, q.name))
            )
        return Queue

    def _hotline_waiting_check_agent(self):
        if not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(
                self.env._("Only agents and supervisors see the waiting callers.")
            )

    @api.model
    def hotline_waiting_snapshot(self):
        """The waiting callers of my queues, for the systray list at start;
        ``hotline/waiting`` notifications then replace one queue at a time.

        :return: dict ``server_time`` (epoch, to align the wait clocks) and
            ``queues`` (list of :meth:`_hotline_waiting_payload`)
        """
        self._hotline_waiting_check_agent()
        queues = self._hotline_waiting_queues_of(self.env.user)
        return {
            "server_time": time.time(),
            "queues": [self._hotline_waiting_payload(queue) for queue in queues],
        }

    @api.model
    def hotline_waiting_pickup(self, call_id):
        """Pick up (抢接) a waiting caller of one of my queues.

        The row is locked so that two agents clicking at once cannot both
        take it; the caller's channel is redirected to my phone
        (``action_hotline_pickup``), the caller card pops on my screen at once
        (as when the connector sees the call ring me) and the caller leaves
        every agent's waiting list when this transaction commits.

        :return: dict ``call_id``, ``number``
        """
        self._hotline_waiting_check_agent()
        user = self.env.user
        gone = self.env._("This caller is no longer waiting.")
        call = self.sudo().browse(int(call_id)).exists()
        if not call or not call.queue_id:
            raise UserError(gone)
        if call.queue_id not in self._hotline_waiting_queues_of(user):
            raise AccessError(
                self.env._("You are not a member of the queue %s.", call.queue_id.name)
            )
        if user.hotline_agent_state == "logged_out":
            raise UserError(
                self.env._("Log in to your queues before picking up a caller.")
            )
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM hotline_call WHERE id = %s FOR UPDATE NOWAIT",
                        call.id,
                    ),
                    log_exceptions=False,
                )
        except LockNotAvailable as exc:
            raise UserError(
                self.env._("Another agent is picking up this caller.")
            ) from exc
        call.invalidate_recordset()
        if call.answered_at or call.ended_at or not call.queued_at:
            raise UserError(gone)
        if call.user_id == user:
            raise UserError(self.env._("You already picked up this caller."))
        if call.user_id:
            raise UserError(
                self.env._("%s already picked up this caller.", call.user_id.name)
            )
        call.with_user(user).action_hotline_pickup()
        # the data follows the call: the card pops for me now
        self.env["hotline.screen.pop"].sudo().hotline_ringing(
            call, user.hotline_extension
        )
        return {"call_id": call.id, "number": call.caller_number or ""}

    def action_hotline_waiting_pickup(self):
        """The *Pick up* button of the Waiting Callers list: the same checks
        and lock as the systray (:meth:`hotline_waiting_pickup`)."""
        self.ensure_one()
        res = self.hotline_waiting_pickup(self.id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The caller %s is ringing your phone.", res["number"]
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.depends("user_id", "queue_id")
    def _compute_team_id(self):
        Member = self.env["hotline.queue.member"].sudo()
        Group = self.env["hotline.skill.group"].sudo()
        for call in self:
            user = call.user_id
            team = Group
            if user and call.queue_id:
                team = Member.search(
                    [
                        ("queue_id", "=", call.queue_id.id),
                        ("user_id", "=", user.id),
                        ("skill_group_id", "!=", False),
                    ],
                    limit=1,
                ).skill_group_id
            if user and not team:
                groups = Group.search(
                    [
                        ("user_ids", "in", user.ids),
                        ("company_id", "in", [call.company_id.id, False]),
                    ],
                    order="name, id",
                )
                in_queue = groups & call.queue_id.sudo().skill_group_ids
                team = in_queue[:1] or groups[:1]
            call.team_id = team

    @api.depends(
        "disposition",
        "queued_at",
        "answered_at",
        "wait_seconds",
        "started_at",
        "queue_id.short_abandon_seconds",
        # not company_id.hotline_short_abandon_seconds: changing it would
        # recompute a year of calls; it applies to the calls stored after it
    )
    def _compute_report_facts(self):
        for call in self:
            wait = call.wait_seconds or 0
            threshold = (
                call.queue_id.short_abandon_seconds
                if call.queue_id
                else call.company_id.hotline_short_abandon_seconds
            )
            answered = call.disposition == "answered" and bool(call.answered_at)
            abandoned = call.disposition == "abandoned_queue"
            short = abandoned and wait < threshold
            call.is_short_abandon = short
            call.is_abandoned = abandoned and not short
            call.is_answered = answered
            call.is_offered = (
                answered or abandoned or bool(call.queued_at)
            ) and not short
            call.answered_within_15 = answered and wait <= 15
            call.answered_within_20 = answered and wait <= 20
            call.abandoned_within_20 = call.is_abandoned and wait <= 20
            call.wait_bucket = wait_bucket(wait) if (answered or abandoned) else False
            call.call_hour = call.started_at.hour if call.started_at else 0

    # ------------------------------------------------------------------
    # rating
    # ------------------------------------------------------------------
    # -- confidentiality hooks (hotline_complaints decides, others comply) ----
    def _hotline_caller_hidden(self):
        """Whether the caller of this call must not be named outside it (a
        confidential reporter's call): add-ons that keep a copy of the caller
        (number, customer) elsewhere check it before writing one."""
        self.ensure_one()
        return False

    def _hotline_forget_caller(self):
        """These calls became confidential reporters' calls: add-ons blank
        the copies of their caller kept outside the call."""
        # webhooks not sent yet (call ended, voicemail) lose the caller
        Delivery = self.env["hotline.webhook.delivery"]
        Delivery._hotline_redact(self)
        Delivery._hotline_redact(
            self.env["hotline.voicemail"].sudo().search([("call_id", "in", self.ids)])
        )
        return True

    # ------------------------------------------------------------ webhooks
    def _hotline_webhook_ended(self):
        """Event ``call.ended`` of these calls (after the commit)."""
        self.env["hotline.webhook.delivery"]._hotline_emit_records(
            "call.ended", self, lambda call: call._hotline_webhook_data()
        )

    def _hotline_webhook_data(self):
        """The call in webhook payloads (readme/USAGE.md): no outside party
        (number, contact) when the caller is hidden."""
        self.ensure_one()
        call = self.sudo()
        number = (
            call.called_number if call.direction == "outbound" else call.caller_number
        )
        hidden = call._hotline_caller_hidden() or self.env[
            "hotline.webhook.delivery"
        ]._hotline_identity_hidden(call.partner_id, call, number)
        party = None
        if not hidden:
            party = {
                "number": number or None,
                "partner_id": call.partner_id.id or None,
                "name": call.partner_id.name or None,
                "customer_number": call.partner_id.hotline_customer_number or None,
            }
        return {
            "call": {
                "id": call.id,
                "uniqueid": call.uniqueid or None,
                "linkedid": call.linkedid or None,
                "direction": call.direction,
                "did": call.did or None,
                "queue": call.queue_name or None,
                "agent": (
                    {"id": call.user_id.id, "name": call.user_id.name}
                    if call.user_id
                    else None
                ),
                "started_at": webhook.iso(call.started_at),
                "answered_at": webhook.iso(call.answered_at),
                "ended_at": webhook.iso(call.ended_at),
                "wait_seconds": call.wait_seconds,
                "talk_seconds": call.talk_seconds,
                "disposition": call.disposition,
                "hangup_cause": call.hangup_cause or None,
                "has_recording": bool(call.recording_file),
                "caller_hidden": bool(hidden),
                "party": party,
            }
        }

    def _hotline_store_rating(self, digit):
        """Store the caller's key at the rating prompt; 0 flags a complaint."""
        self.ensure_one()
        rating = RATING_BY_DIGIT.get(digit)
        if not rating:
            raise UserError(self.env._("%s is not a rating key (1, 2, 3 or 0).", digit))
        self.write(
            {
                "rating": rating,
                "rating_digit": digit,
                "rated_at": fields.Datetime.now(),
                "rating_complaint": rating == "complaint",
            }
        )
        if rating == "complaint":
            self._hotline_on_rating_complaint()
        return rating

    def _hotline_on_rating_complaint(self):
        """Hook: the caller complained about the service (key 0).

        hotline_complaints overrides it to open a case linked to the call and
        its agent. Returns nothing.
        """
        _logger.info(
            "call %s: complaint about agent %s at the rating prompt",
            self.id,
            self.user_id.login,
        )

    # ------------------------------------------------------------------
    # pick-up (抢接)
    # ------------------------------------------------------------------
    def action_hotline_pickup(self):
        """Take a waiting caller: AMI Redirect of the caller's channel to my phone."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group("hotline_base.group_agent"):
            raise UserError(self.env._("Only agents pick up waiting callers."))
        if not user.hotline_extension:
            raise UserError(self.env._("You have no phone extension."))
        call = self.sudo()
        if call.answered_at or call.ended_at or not call.queued_at:
            raise UserError(self.env._("This caller is no longer waiting."))
        pbx = call.pbx_id or call.queue_id.pbx_id
        if not pbx:
            raise UserError(self.env._("The call has no PBX."))
        from ..pbx.ami_client import AmiError

        try:
            with call.queue_id._hotline_ami(pbx) as ami:
                _response, channels = ami.action_list("CoreShowChannels")
                channel = next(
                    (
                        c.get("Channel")
                        for c in channels
                        if call.uniqueid and c.get("Uniqueid") == call.uniqueid
                    ),
                    None,
                )
                if not channel:
                    raise UserError(self.env._("This caller is no longer waiting."))
                ami.action(
                    "Redirect",
                    Channel=channel,
                    Exten=user.hotline_extension,
                    Context=pbx.internal_context,
                    Priority="1",
                )
        except AmiError as exc:
            raise UserError(
                self.env._("Asterisk refused the pick-up: %s", str(exc))
            ) from exc
        call.user_id = user
        return True
