# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.hotline_base.tools import phone, webhook

from .helpdesk_ticket_stage import DONE_STATES, HOTLINE_STATES
from .hotline_case_deadline import URGENCY

OPEN_STATES = ("new", "accepted", "dispatched", "in_progress", "instruction")
DUPLICATE_DAYS = 30
SATISFACTION = [
    ("5", "Very satisfied"),
    ("4", "Satisfied"),
    ("3", "Basically satisfied"),
    ("2", "Dissatisfied"),
    ("1", "Very dissatisfied"),
]
SATISFACTION3 = [
    ("satisfied", "Satisfied"),
    ("basic", "Basically satisfied"),
    ("dissatisfied", "Dissatisfied"),
]
IDENTITY_TICKET_FIELDS = (
    "partner_id",
    "partner_name",
    "partner_email",
    "caller_number",
)


# Title words shorter than this ("in", "of", stray letters) match nearly every
# article as substrings; category and case type names are kept whole.
MIN_TITLE_WORD_LENGTH = 3


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "hotline.case.deadline.mixin",
        "hotline.case.query.mixin",
    ]
    _check_company_auto = True

    case_type_id = fields.Many2one(
        "hotline.case.type", string="Case type", index=True, tracking=True
    )
    case_type_show_accused = fields.Boolean(related="case_type_id.show_accused")
    case_type_show_location = fields.Boolean(related="case_type_id.show_location")
    case_type_show_meter = fields.Boolean(related="case_type_id.show_meter")
    case_type_show_work_orders = fields.Boolean(related="case_type_id.show_work_orders")
    channel_code = fields.Selection(related="channel_id.hotline_code")
    urgency = fields.Selection(
        URGENCY, default="normal", required=True, tracking=True, index=True
    )
    hotline_state = fields.Selection(
        string="Workflow step",
        related="stage_id.hotline_state",
        store=True,
        index=True,
    )
    owner_id = fields.Many2one(
        "res.users",
        string="First-contact owner",
        default=lambda self: self._default_owner_id(),
        tracking=True,
        help="The agent who took the case: stays its owner towards the caller.",
    )
    intake_date = fields.Datetime(
        string="Received on", default=fields.Datetime.now, required=True, copy=False
    )
    caller_number = fields.Char(index="trigram", tracking=True)
    call_ids = fields.Many2many(
        "hotline.call",
        "helpdesk_ticket_hotline_call_rel",
        "ticket_id",
        "call_id",
        string="Calls",
        copy=False,
        check_company=True,
    )
    call_id = fields.Many2one(
        "hotline.call", compute="_compute_call_id", store=True, check_company=True
    )
    knowledge_article_ids = fields.Many2many(
        "hotline.knowledge.article",
        string="Suggested articles",
        compute="_compute_knowledge_article_ids",
        help="Articles in force matching the case's category, type and title.",
    )

    recording_ids = fields.Many2many(
        "hotline.recording",
        string="Recordings",
        compute="_compute_recording_ids",
        groups="hotline_base.group_case_handler",
        help="Recordings of the case's calls (those of confidential reporters stay "
        "hidden outside the Reporter identity group).",
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        "helpdesk_ticket_hotline_team_rel",
        "ticket_id",
        "team_id",
        string="Co-handling teams",
        help="Other teams dispatched with the lead team.",
        check_company=True,
    )
    accused_party = fields.Char(string="Party concerned")
    event_location = fields.Char(string="Location")
    meter_number = fields.Char(string="Meter/account number")
    # confidentiality
    is_confidential = fields.Boolean(
        string="Confidential reporter",
        tracking=True,
        help="The reporter's identity is kept apart and visible to the "
        "'Reporter identity' group only.",
    )
    is_anonymous = fields.Boolean(string="Anonymous")
    reporter_id = fields.Many2one(
        "hotline.case.reporter",
        string="Reporter identity",
        groups="hotline_complaints.group_reporter_identity",
        copy=False,
        readonly=True,
    )
    # result query: the portal and the IVR look cases up by number
    number = fields.Char(index=True)
    query_code = fields.Char(
        copy=False,
        readonly=True,
        groups="hotline_base.group_agent,hotline_complaints.group_reporter_identity",
        help="Given to the caller at intake to query the result.",
    )
    reply_summary = fields.Text(
        string="Reply to the caller",
        help="What the caller hears or reads when querying the result.",
    )
    reply_method = fields.Selection(
        [("sms", "SMS"), ("email", "E-mail"), ("letter", "Letter"), ("call", "Call")],
        readonly=True,
    )
    # workflow
    accepted_at = fields.Datetime(readonly=True, copy=False)
    unit_accepted_at = fields.Datetime(
        string="Taken on by the unit",
        readonly=True,
        copy=False,
        help="When the handling unit started handling the case: the end of the "
        "acceptance deadline.",
    )
    dispatched_at = fields.Datetime(readonly=True, copy=False)
    replied_at = fields.Datetime(readonly=True, copy=False)
    callback_at = fields.Datetime(readonly=True, copy=False)
    instruction = fields.Html(readonly=True, copy=False, string="Leader instruction")
    instruction_user_id = fields.Many2one("res.users", readonly=True, copy=False)
    instruction_requested = fields.Boolean(readonly=True, copy=False)
    satisfaction = fields.Selection(SATISFACTION, readonly=True, copy=False)
    satisfaction3 = fields.Selection(
        SATISFACTION3,
        string="Satisfaction (3 levels)",
        compute="_compute_satisfaction3",
        store=True,
    )
    event_ids = fields.One2many("hotline.case.event", "ticket_id", string="Timeline")
    work_order_ids = fields.One2many(
        "hotline.work.order", "ticket_id", string="Work orders"
    )
    linked_case_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_ticket_hotline_link_rel",
        "ticket_id",
        "linked_id",
        string="Linked cases",
        check_company=True,
    )
    duplicate_candidate_ids = fields.Many2many(
        "helpdesk.ticket",
        string="Possible duplicates",
        compute="_compute_duplicate_candidate_ids",
    )
    _sql_constraints = [
        (
            "query_code_len",
            "CHECK(query_code IS NULL OR length(query_code) = 6)",
            "A query code has six digits.",
        ),
    ]

    @api.model
    def _default_owner_id(self):
        """The internal user taking the case; none for portal and gateway cases
        (the agent who accepts them becomes the owner)."""
        user = self.env.user
        if user.share or user._is_superuser():
            return self.env["res.users"]
        return user

    # ------------------------------------------------------------------ computes
    @api.depends("call_ids")
    def _compute_recording_ids(self):
        # searched as the reading user, so the recordings' record rules apply
        Recording = self.env["hotline.recording"]
        for ticket in self:
            ticket.recording_ids = (
                Recording.search([("call_id", "in", ticket.call_ids.ids)])
                if ticket.call_ids
                else Recording
            )

    @api.depends("call_ids")
    def _compute_call_id(self):
        for ticket in self:
            ticket.call_id = ticket.call_ids.sorted("id")[:1]

    @api.depends("satisfaction")
    def _compute_satisfaction3(self):
        mapping = {"5": "satisfied", "4": "satisfied", "3": "basic"}
        for ticket in self:
            if not ticket.satisfaction:
                ticket.satisfaction3 = False
            else:
                ticket.satisfaction3 = mapping.get(ticket.satisfaction, "dissatisfied")

    @api.depends(
        "partner_id", "caller_number", "category_id", "case_type_id", "intake_date"
    )
    def _compute_duplicate_candidate_ids(self):
        for ticket in self:
            ticket.duplicate_candidate_ids = ticket._hotline_find_duplicates()

    def _hotline_find_duplicates(self):
        self.ensure_one()
        who = []
        if self.partner_id:
            who.append(("partner_id", "=", self.partner_id.id))
        if self.caller_number:
            who.append(("caller_number", "=", self.caller_number))
        if not who:
            return self.browse()
        what = []
        if self.category_id:
            what.append(("category_id", "=", self.category_id.id))
        if self.case_type_id:
            what.append(("case_type_id", "=", self.case_type_id.id))
        if not what:
            return self.browse()
        since = (self.intake_date or fields.Datetime.now()) - timedelta(
            days=DUPLICATE_DAYS
        )
        domain = (
            ["|"] * (len(who) - 1)
            + [leaf for leaf in who]
            + ["|"] * (len(what) - 1)
            + [leaf for leaf in what]
            + [("intake_date", ">=", since), ("duplicate_id", "=", False)]
        )
        if isinstance(self.id, int):
            domain.append(("id", "!=", self.id))
        return self.search(domain, limit=20)

    # ------------------------------------------------------------------ CRUD
    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        type_id = defaults.get("case_type_id")
        if type_id:
            case_type = self.env["hotline.case.type"].browse(type_id)
            if case_type.team_id and not defaults.get("team_id"):
                defaults["team_id"] = case_type.team_id.id
            if case_type.confidential_default:
                defaults.setdefault("is_confidential", True)
        return defaults

    @api.onchange("case_type_id")
    def _onchange_case_type_id(self):
        if self.case_type_id.team_id and not self.team_id:
            self.team_id = self.case_type_id.team_id
        if self.case_type_id.category_id and not self.category_id:
            self.category_id = self.case_type_id.category_id
        if self.case_type_id.confidential_default:
            self.is_confidential = True

    @api.model_create_multi
    def create(self, vals_list):
        reporter_vals = []
        for vals in vals_list:
            case_type = self.env["hotline.case.type"].browse(vals.get("case_type_id"))
            if case_type:
                if case_type.team_id and not vals.get("team_id"):
                    vals["team_id"] = case_type.team_id.id
                if case_type.category_id and not vals.get("category_id"):
                    vals["category_id"] = case_type.category_id.id
                if case_type.confidential_default and "is_confidential" not in vals:
                    vals["is_confidential"] = True
            if vals.get("is_anonymous"):
                vals["is_confidential"] = True
            vals.setdefault("query_code", f"{secrets.randbelow(10**6):06d}")
            reporter_vals.append(self._hotline_pop_identity(vals))
        tickets = super().create(vals_list)
        for ticket, rvals in zip(tickets, reporter_vals, strict=True):
            if rvals is not None:
                reporter = (
                    self.env["hotline.case.reporter"]
                    .sudo()
                    .create(dict(rvals, ticket_id=ticket.id))
                )
                ticket.sudo().reporter_id = reporter
                reporter.call_ids.sudo().write({"hotline_confidential": True})
            ticket._hotline_compute_deadlines()
            ticket._hotline_log_event(
                "intake",
                note=self.env._(
                    "Received by %(channel)s as %(type)s.",
                    channel=ticket.channel_id.name or "-",
                    type=ticket.case_type_id.name or "-",
                ),
                to_state=ticket.hotline_state,
            )
        tickets._hotline_care_acknowledge()
        self.env["hotline.webhook.delivery"]._hotline_emit_records(
            "case.created", tickets, lambda t: t._hotline_webhook_data()
        )
        return tickets

    def _hotline_pop_identity(self, vals):
        """For confidential cases, move the identity out of the case values."""
        if not vals.get("is_confidential"):
            return None
        partner = self.env["res.partner"].browse(vals.pop("partner_id", False))
        calls = self.env["hotline.call"]
        for command in vals.pop("call_ids", []) or []:
            if isinstance(command, (list, tuple)) and command[0] == 6:
                calls |= calls.browse(command[2])
            elif isinstance(command, (list, tuple)) and command[0] == 4:
                calls |= calls.browse(command[1])
            elif isinstance(command, int):
                calls |= calls.browse(command)
        name = vals.pop("partner_name", False) or partner.name
        email = vals.pop("partner_email", False) or partner.email
        number = vals.pop("caller_number", False) or partner.phone
        return {
            "anonymous": bool(vals.get("is_anonymous")),
            "name": vals.pop("reporter_name", False) or name,
            "phone": number,
            "email": email,
            "id_number": vals.pop("reporter_id_number", False),
            "address": vals.pop("reporter_address", False),
            "partner_id": partner.id,
            "call_ids": [fields.Command.set(calls.ids)],
        }

    def write(self, vals):
        if vals.get("is_anonymous"):
            vals["is_confidential"] = True
        switching = self.browse()
        if vals.get("is_confidential"):
            switching = self.filtered(lambda t: not t.is_confidential)
        if switching:
            # the identity leaves the case before the flag is set (the
            # constraint); fields given with the switch are the identity too
            identity = {
                key: vals.pop(key)
                for key in (*IDENTITY_TICKET_FIELDS, "call_ids")
                if key in vals
            }
            if (self - switching) and any(identity.values()):
                # cases already confidential: no identity to take, refuse it
                self._hotline_refuse_identity()
            for ticket in switching:
                ticket._hotline_move_identity_out(identity)
        states_before = (
            {ticket.id: ticket.hotline_state for ticket in self}
            if "stage_id" in vals
            else None
        )
        result = super().write(vals)
        if switching:
            # webhooks not sent yet lose the reporter
            self.env["hotline.webhook.delivery"]._hotline_redact(switching)
        if states_before:
            self._hotline_webhook_state_changed(states_before)
        if {"case_type_id", "urgency", "team_id"} & set(vals) and not {
            "accept_deadline",
            "reply_deadline",
            "close_deadline",
        } & set(vals):
            for ticket in self:
                ticket._hotline_compute_deadlines()
        return result

    # ------------------------------------------------------------ webhooks
    def _hotline_webhook_state_changed(self, states_before):
        """Events ``case.state_changed`` (and ``case.closed``) of the cases
        whose workflow step changed from ``states_before`` ({id: state})."""
        Delivery = self.env["hotline.webhook.delivery"]
        moved = self.sudo().filtered(
            lambda t: t.hotline_state != states_before.get(t.id)
        )
        Delivery._hotline_emit_records(
            "case.state_changed",
            moved,
            lambda t: dict(
                t._hotline_webhook_data(),
                from_state=states_before.get(t.id) or None,
                to_state=t.hotline_state or None,
            ),
        )
        Delivery._hotline_emit_records(
            "case.closed",
            moved.filtered(lambda t: t.hotline_state == "closed"),
            lambda t: t._hotline_webhook_data(),
        )

    def _hotline_webhook_data(self):
        """The case in webhook payloads (readme/USAGE.md of hotline_base):
        facts only; the reporter (contact, name, number, e-mail) and the
        title only when the case is not confidential."""
        self.ensure_one()
        ticket = self.sudo()
        confidential = ticket.is_confidential
        reporter = None
        if not confidential:
            reporter = {
                "partner_id": ticket.partner_id.id or None,
                "name": ticket.partner_name or ticket.partner_id.name or None,
                "phone": ticket.caller_number or None,
                "email": ticket.partner_email or ticket.partner_id.email or None,
                "customer_number": ticket.partner_id.hotline_customer_number or None,
            }

        def ref(record, *extra):
            if not record:
                return None
            return {
                "id": record.id,
                "name": record.name,
                **{key: record[key] or None for key in extra},
            }

        return {
            "case": {
                "id": ticket.id,
                "number": ticket.number,
                "title": None if confidential else ticket.name,
                "state": ticket.hotline_state or None,
                "stage": ref(ticket.stage_id),
                "case_type": ref(ticket.case_type_id, "code"),
                "channel": ticket.channel_code or None,
                "urgency": ticket.urgency,
                "team": ref(ticket.team_id),
                "category": ref(ticket.category_id),
                "intake_date": webhook.iso(ticket.intake_date),
                "accept_deadline": webhook.iso(ticket.accept_deadline),
                "reply_deadline": webhook.iso(ticket.reply_deadline),
                "close_deadline": webhook.iso(ticket.close_deadline),
                "closed_date": webhook.iso(ticket.closed_date),
                "is_confidential": confidential,
                "is_anonymous": ticket.is_anonymous,
                "reporter": reporter,
            }
        }

    def _hotline_refuse_identity(self):
        raise ValidationError(
            self.env._(
                "A confidential case keeps the reporter's identity in the "
                "reporter record only: remove the contact, number and calls "
                "from case %s.",
                ", ".join(self.filtered("is_confidential").mapped("number")),
            )
        )

    def _hotline_identity_tracking(self):
        """Tracking values of the case's identity fields (as superuser)."""
        fields_ = (
            self.env["ir.model.fields"]
            .sudo()
            .search(
                [("model", "=", self._name), ("name", "in", IDENTITY_TICKET_FIELDS)]
            )
        )
        return (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("field_id", "in", fields_.ids),
                    ("mail_message_id.model", "=", self._name),
                    ("mail_message_id.res_id", "in", self.ids),
                ]
            )
        )

    def _hotline_move_identity_out(self, identity):
        """An existing case becomes confidential: its identity (contact,
        number, calls) moves into a reporter record, and the traces it left in
        the chatter (tracking values, message texts and recipients, followers,
        attachments) are removed or moved there too, and logged."""
        self.ensure_one()
        ticket = self.sudo()
        tracking = ticket._hotline_identity_tracking()

        def current(name):
            if identity.get(name):
                return identity[name]
            if ticket[name]:
                return ticket[name]
            # cleared earlier (as the constraint asked): the chatter kept it
            for value in tracking.sorted("id", reverse=True):
                if value.field_id.name == name and value.old_value_char:
                    return value.old_value_char
            return False

        partner = self.env["res.partner"].browse(
            identity.get("partner_id") or ticket.partner_id.id
        )
        calls = ticket.call_ids
        for command in identity.get("call_ids") or []:
            if isinstance(command, (list, tuple)) and command[0] == 6:
                calls |= calls.browse(command[2])
            elif isinstance(command, (list, tuple)) and command[0] == 4:
                calls |= calls.browse(command[1])
        reporter_vals = {
            "anonymous": ticket.is_anonymous,
            "name": current("partner_name") or partner.name,
            "phone": current("caller_number") or partner.phone,
            "email": current("partner_email") or partner.email,
            "partner_id": partner.id,
            "call_ids": [fields.Command.set(calls.ids)],
        }
        reporter = ticket.reporter_id
        if reporter:
            reporter.write(reporter_vals)
        else:
            reporter = (
                self.env["hotline.case.reporter"]
                .sudo()
                .create(dict(reporter_vals, ticket_id=ticket.id))
            )
        secrets_ = {
            value
            for value in (
                reporter.name,
                reporter.phone,
                reporter.email,
                partner.phone,
                partner.mobile,
                partner.email,
                *calls.mapped("caller_number"),
            )
            if value and len(value) >= 3
        }
        # the clearing itself must not write the number into the chatter
        ticket.with_context(mail_notrack=True).write(
            {
                "partner_id": False,
                "partner_name": False,
                "partner_email": False,
                "caller_number": False,
                "call_ids": [fields.Command.clear()],
                "reporter_id": reporter.id,
            }
        )
        calls.write({"hotline_confidential": True})
        removed = ticket._hotline_scrub_identity(secrets_, partner)
        # tracking prepared earlier in this transaction is written at commit
        self.env.cr.precommit.add(
            lambda: (
                ticket.exists() and ticket._hotline_scrub_identity(secrets_, partner)
            )
        )
        self._hotline_log_event(
            "confidential",
            note=self.env._(
                "The reporter's identity was moved to the reporter record "
                "(%(calls)s call(s), %(items)s trace(s) removed from the chatter).",
                calls=len(calls),
                items=removed,
            ),
        )

    def _hotline_scrub_identity(self, secrets_, partner):
        """Remove the identity from the case's chatter; returns how many
        traces were removed or moved."""
        self.ensure_one()
        count = 0
        tracking = self._hotline_identity_tracking()
        count += len(tracking)
        tracking.unlink()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", self._name), ("res_id", "=", self.id)])
        )
        mask = self.env._("[confidential]")
        for message in messages:
            vals = {}
            body = str(message.body or "")
            if any(secret in body for secret in secrets_):
                for secret in secrets_:
                    body = body.replace(str(escape(secret)), mask)
                vals["body"] = Markup(body)
            if partner and message.author_id == partner:
                vals.update(author_id=False, email_from=False)
            elif any(secret in (message.email_from or "") for secret in secrets_):
                vals["email_from"] = False
            if partner and partner in message.partner_ids:
                vals["partner_ids"] = [fields.Command.unlink(partner.id)]
            if vals:
                message.write(vals)
                count += 1
        if partner:
            self.message_unsubscribe(partner_ids=partner.ids)
        # the SMS / fax the case came from name their sender (supervisors read
        # them); the reporter record keeps the number
        inbound = (
            self.env["hotline.inbound.message"]
            .sudo()
            .search([("ticket_id", "=", self.id), ("sender", "!=", False)])
        )
        inbound.write({"sender": False})
        count += len(inbound)
        reporter = self.reporter_id
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("id", "in", messages.attachment_ids.ids),
                ]
            )
        )
        for attachment in attachments:
            text = f"{attachment.name or ''} {attachment.index_content or ''}"
            if any(secret in text for secret in secrets_):
                # kept for those allowed to see it, with the reporter
                attachment.write({"res_model": reporter._name, "res_id": reporter.id})
                for message in messages.filtered(
                    lambda m, a=attachment: a in m.attachment_ids
                ):
                    message.attachment_ids = [fields.Command.unlink(attachment.id)]
                count += 1
        return count

    @api.constrains("is_confidential", *IDENTITY_TICKET_FIELDS, "call_ids")
    def _check_confidential_identity(self):
        for ticket in self:
            if ticket.is_confidential and (
                any(ticket[f] for f in IDENTITY_TICKET_FIELDS) or ticket.call_ids
            ):
                raise ValidationError(
                    self.env._(
                        "A confidential case keeps the reporter's identity in the "
                        "reporter record only: remove the contact, number and calls "
                        "from case %s.",
                        ticket.number,
                    )
                )

    @api.constrains("channel_id", "call_ids")
    def _check_phone_call(self):
        for ticket in self:
            if ticket.call_ids and ticket.channel_code not in (False, "phone"):
                raise ValidationError(
                    self.env._("Only phone cases can be linked to calls.")
                )

    # ------------------------------------------------------------------ timeline
    def _hotline_log_event(
        self, event_type, note="", from_state=None, to_state=None, teams=None
    ):
        for ticket in self:
            event = (
                self.env["hotline.case.event"]
                .sudo()
                .create(
                    {
                        "ticket_id": ticket.id,
                        "event_type": event_type,
                        "user_id": self.env.uid,
                        "note": note or False,
                        "from_state": from_state or False,
                        "to_state": to_state or False,
                        "team_ids": [
                            fields.Command.set((teams or ticket.browse()).ids)
                        ],
                    }
                )
            )
            label = dict(event._fields["event_type"]._description_selection(self.env))[
                event_type
            ]
            body = Markup("<b>%s</b>") % label
            if note:
                body += Markup("<br/>") + escape(note)
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _hotline_check_group(self, *groups):
        if self.env.su:
            return
        if not any(self.env.user.has_group(g) for g in groups):
            raise AccessError(
                self.env._("You are not allowed to do this step of the case.")
            )

    def _hotline_check_state(self, *states):
        for ticket in self:
            if ticket.hotline_state not in states:
                raise UserError(
                    self.env._(
                        "Case %(number)s is %(state)s: this step is not possible now.",
                        number=ticket.number,
                        state=dict(HOTLINE_STATES).get(ticket.hotline_state, "-"),
                    )
                )

    def _hotline_stage(self, state):
        self.ensure_one()
        stages = self.env["helpdesk.ticket.stage"].search(
            [
                ("hotline_state", "=", state),
                "|",
                ("team_ids", "=", False),
                ("team_ids", "in", self.team_id.ids),
            ]
        )
        stage = stages.filtered(lambda s: self.team_id in s.team_ids)[:1] or stages[:1]
        if not stage:
            raise UserError(
                self.env._("No stage is configured for the step %s.", state)
            )
        return stage

    def _hotline_move(self, state, event_type, note="", extra=None, teams=None):
        for ticket in self:
            old = ticket.hotline_state
            vals = dict(extra or {}, stage_id=ticket._hotline_stage(state).id)
            ticket.write(vals)
            ticket._hotline_log_event(
                event_type, note=note, from_state=old, to_state=state, teams=teams
            )

    # ------------------------------------------------------------------ steps
    def action_hotline_accept(self):
        self._hotline_check_group(
            "hotline_base.group_agent", "hotline_base.group_case_handler"
        )
        self._hotline_check_state("new")
        for ticket in self:
            if ticket.channel_code == "letter" and not ticket.attachment_ids:
                raise UserError(
                    self.env._(
                        "Attach the scanned letter to case %s before accepting it.",
                        ticket.number,
                    )
                )
            now = fields.Datetime.now()
            extra = {"accepted_at": now}
            if not ticket.owner_id:
                extra["owner_id"] = self.env.uid
            if ticket.accept_deadline and now > ticket.accept_deadline:
                extra["is_overdue"] = True
            ticket._hotline_move("accepted", "accept", extra=extra)

    def hotline_dispatch(self, lead_team, teams=None, user=None, note=""):
        """Dispatch to ``lead_team`` (and co-handling ``teams``)."""
        self._hotline_check_group(
            "hotline_base.group_agent", "hotline_base.group_supervisor"
        )
        self._hotline_check_state("accepted", "dispatched", "in_progress")
        if not lead_team:
            raise UserError(self.env._("Choose the lead team."))
        teams = (teams or lead_team.browse()) - lead_team
        if user and user not in lead_team.user_ids:
            raise UserError(
                self.env._(
                    "%(user)s is not a member of %(team)s.",
                    user=user.name,
                    team=lead_team.name,
                )
            )
        for ticket in self:
            event_type = "reassign" if ticket.dispatched_at else "dispatch"
            ticket._hotline_move(
                "dispatched",
                event_type,
                note=note,
                extra={
                    "team_id": lead_team.id,
                    "team_ids": [fields.Command.set(teams.ids)],
                    "user_id": user.id if user else False,
                    "dispatched_at": fields.Datetime.now(),
                },
                teams=lead_team | teams,
            )

    def action_hotline_start(self):
        self._hotline_check_group("hotline_base.group_case_handler")
        self._hotline_check_state("dispatched")
        now = fields.Datetime.now()
        for ticket in self:
            extra = {} if ticket.user_id else {"user_id": self.env.uid}
            if not ticket.unit_accepted_at:
                extra["unit_accepted_at"] = now
                if ticket.accept_deadline and now > ticket.accept_deadline:
                    extra["is_overdue"] = True
            ticket._hotline_move("in_progress", "start", extra=extra)

    def action_hotline_request_instruction(self):
        self._hotline_check_group("hotline_base.group_case_handler")
        self._hotline_check_state("in_progress")
        self._hotline_move(
            "instruction",
            "instruction_request",
            extra={"instruction_requested": True},
        )

    def hotline_instruct(self, text):
        """A leader's instruction (批示); the case goes back to its handler."""
        self._hotline_check_group("hotline_base.group_leader")
        self._hotline_check_state("instruction", "in_progress")
        if not (text or "").strip():
            raise UserError(self.env._("Write the instruction."))
        self._hotline_move(
            "in_progress",
            "instruction",
            note=text,
            extra={
                "instruction": Markup("<p>%s</p>") % text,
                "instruction_user_id": self.env.uid,
            },
        )

    def hotline_reply(self, method, body):
        """Reply to the caller by SMS, e-mail, letter or a call."""
        self._hotline_check_group("hotline_base.group_case_handler")
        self._hotline_check_state("in_progress")
        if not (body or "").strip():
            raise UserError(self.env._("Write the reply."))
        for ticket in self:
            needs = ticket.case_type_id.requires_instruction or (
                ticket.instruction_requested
            )
            if needs and not ticket.instruction_user_id:
                raise UserError(
                    self.env._(
                        "Case %s needs a leader's instruction before the reply.",
                        ticket.number,
                    )
                )
            ticket._hotline_send_reply(method, body)
            now = fields.Datetime.now()
            extra = {
                "replied_at": now,
                "reply_summary": body,
                "reply_method": method,
            }
            if ticket.reply_deadline and now > ticket.reply_deadline:
                extra["is_overdue"] = True
            label = dict(self._fields["reply_method"]._description_selection(self.env))
            ticket._hotline_move(
                "replied",
                "reply",
                note=self.env._(
                    "%(method)s: %(body)s", method=label[method], body=body
                ),
                extra=extra,
            )
            ticket._hotline_care("callback", "sms_template_care_callback")

    def _hotline_contact(self):
        """Number, e-mail and partner to reply to (the reporter's if confidential)."""
        self.ensure_one()
        if self.is_confidential:
            reporter = self.sudo().reporter_id
            return reporter.phone, reporter.email, reporter.partner_id
        return (
            self.caller_number or self.partner_id.mobile or self.partner_id.phone,
            self.partner_email or self.partner_id.email,
            self.partner_id,
        )

    def _hotline_send_reply(self, method, body):
        self.ensure_one()
        number, email, _partner = self._hotline_contact()
        text = self.env._("Case %(number)s: %(body)s", number=self.number, body=body)
        if method == "sms":
            if not number:
                raise UserError(
                    self.env._("Case %s has no number to text.", self.number)
                )
            # sms.sms directly: the number never shows in the case's chatter.
            sms = self.env["sms.sms"].sudo().create({"number": number, "body": text})
            sms.send()
            if sms.state == "error":
                # IAP refused it (credit, number, server): the user learns it
                # now and the reply is not recorded as done
                reasons = dict(
                    sms._fields["failure_type"]._description_selection(self.env)
                )
                raise UserError(
                    self.env._(
                        "The SMS reply to case %(number)s was not sent (%(reason)s). "
                        "The reply is not recorded: fix the cause or reply another "
                        "way.",
                        number=self.number,
                        reason=reasons.get(sms.failure_type) or sms.failure_type,
                    )
                )
        elif method == "email":
            if not email:
                raise UserError(
                    self.env._("Case %s has no e-mail address.", self.number)
                )
            self.env["mail.mail"].sudo().create(
                {
                    "email_to": email,
                    "subject": self.env._("Reply to case %s", self.number),
                    "body_html": Markup("<p>%s</p>") % text,
                    "auto_delete": False,
                }
            ).send()
        elif method not in ("letter", "call"):
            raise UserError(self.env._("Unknown reply method %s.", method))

    def action_hotline_dial_caller(self):
        """Click-to-dial the caller (reply by call, or the callback 回访).

        The number of a confidential reporter is dialled only for the Reporter
        identity group, and never shown in the case.
        """
        self.ensure_one()
        if self.is_confidential and not self.env.user.has_group(
            "hotline_complaints.group_reporter_identity"
        ):
            raise AccessError(
                self.env._(
                    "Only the Reporter identity group can call a confidential "
                    "reporter back."
                )
            )
        number, _email, partner = self._hotline_contact()
        if not number:
            raise UserError(self.env._("Case %s has no number to call.", self.number))
        result = self.env["hotline.pbx"].hotline_click_to_dial(
            number, partner_id=partner.id or False, call_id=False
        )
        self.message_post(
            body=self.env._("Calling the caller back."), subtype_xmlid="mail.mt_note"
        )
        return result

    def hotline_callback(self, satisfaction, note=""):
        """Record the callback (回访) with the caller's satisfaction."""
        self._hotline_check_group(
            "hotline_base.group_agent", "hotline_base.group_supervisor"
        )
        self._hotline_check_state("replied")
        if satisfaction not in dict(SATISFACTION):
            raise UserError(self.env._("Choose the caller's satisfaction."))
        label = dict(self._fields["satisfaction"]._description_selection(self.env))
        self._hotline_move(
            "callback",
            "callback",
            note=self.env._(
                "%(level)s. %(note)s", level=label[satisfaction], note=note or ""
            ),
            extra={"satisfaction": satisfaction, "callback_at": fields.Datetime.now()},
        )

    def action_hotline_close(self):
        self._hotline_check_group(
            "hotline_base.group_agent", "hotline_base.group_supervisor"
        )
        self._hotline_check_state("replied", "callback")
        for ticket in self:
            extra = {}
            now = fields.Datetime.now()
            if ticket.close_deadline and now > ticket.close_deadline:
                extra["is_overdue"] = True
            ticket._hotline_move("closed", "close", extra=extra)

    def hotline_return(self, reason):
        """The handling unit sends the case back to the hotline centre."""
        self._hotline_check_group("hotline_base.group_case_handler")
        self._hotline_check_state("dispatched", "in_progress")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for returning the case."))
        for ticket in self:
            teams = ticket.team_id | ticket.team_ids
            ticket._hotline_move(
                "accepted",
                "return",
                note=reason,
                extra={"user_id": False, "team_ids": [fields.Command.clear()]},
                teams=teams,
            )

    def hotline_remind(self, note):
        """A supervisor's manual reminder (催办) to the handler."""
        self._hotline_check_group("hotline_base.group_supervisor")
        for ticket in self:
            if ticket.hotline_state in DONE_STATES:
                raise UserError(self.env._("Case %s is closed.", ticket.number))
            ticket._hotline_notify(
                ticket.user_id or ticket.team_id.user_id or ticket.owner_id,
                self.env._("Reminder (催办): %s", ticket.number),
                note,
            )
            ticket._hotline_log_event("remind", note=note)

    def hotline_merge_into(self, target):
        """Merge these cases into ``target``: calls and timeline note move there."""
        self._hotline_check_group(
            "hotline_base.group_agent", "hotline_base.group_supervisor"
        )
        if target in self:
            raise UserError(self.env._("A case cannot be merged into itself."))
        if target.hotline_state in DONE_STATES:
            raise UserError(self.env._("Case %s is closed.", target.number))
        for ticket in self:
            calls = ticket.call_ids
            ticket._hotline_move(
                "cancelled",
                "merge",
                note=self.env._("Merged into %s.", target.number),
                extra={
                    "duplicate_id": target.id,
                    "call_ids": [fields.Command.clear()],
                },
            )
            if calls:
                target.call_ids = [fields.Command.link(c.id) for c in calls]
            target.linked_case_ids = [fields.Command.link(ticket.id)]
            target._hotline_log_event(
                "merge", note=self.env._("%s merged into this case.", ticket.number)
            )

    def hotline_link(self, others):
        for ticket in self:
            others = others - ticket
            ticket.linked_case_ids = [fields.Command.link(o.id) for o in others]
            for other in others:
                other.linked_case_ids = [fields.Command.link(ticket.id)]
            ticket._hotline_log_event(
                "link",
                note=self.env._("Linked to %s.", ", ".join(others.mapped("number"))),
            )

    # ------------------------------------------------------------------ intake
    @api.model
    def hotline_intake(self, channel_code, values):
        """Create a case from a gateway (SMS, fax…): sets the channel and the
        customer from the number when it identifies one."""
        channel = self.env["helpdesk.ticket.channel"].search(
            [("hotline_code", "=", channel_code)], limit=1
        )
        if not channel:
            raise UserError(self.env._("No intake channel %s.", channel_code))
        vals = dict(values, channel_id=channel.id)
        number = vals.get("caller_number")
        if number and not vals.get("partner_id") and not vals.get("is_confidential"):
            partners = self.env["res.partner"].hotline_identify_caller(number)
            if len(partners) == 1:
                vals.update(partner_id=partners.id, partner_name=partners.name)
        return self.create(vals)

    @api.model
    def message_new(self, msg, custom_values=None):
        custom_values = dict(custom_values or {})
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
        )
        if channel:
            custom_values.setdefault("channel_id", channel.id)
        ticket = super().message_new(msg, custom_values=custom_values)
        ticket._hotline_send_acknowledgement()
        return ticket

    def _hotline_send_acknowledgement(self):
        template = self.env.ref(
            "hotline_complaints.mail_template_case_acknowledgement",
            raise_if_not_found=False,
        )
        for ticket in self:
            if template and (ticket.partner_email or ticket.partner_id.email):
                template.sudo().send_mail(ticket.id)

    def _hotline_knowledge_keywords(self):
        """Keywords of this case: category and case type names, title words."""
        self.ensure_one()
        Article = self.env["hotline.knowledge.article"]
        keywords = [self.category_id.name, self.case_type_id.name]
        keywords += [
            word
            for word in Article._hotline_tokens(self.name or "")
            if len(word) >= MIN_TITLE_WORD_LENGTH
        ]
        keywords = [k.strip() for k in keywords if k and k.strip()]
        return list(dict.fromkeys(keywords))

    @api.depends("name", "category_id.name", "case_type_id.name")
    def _compute_knowledge_article_ids(self):
        Article = self.env["hotline.knowledge.article"]
        for ticket in self:
            keywords = ticket._hotline_knowledge_keywords()
            ticket.knowledge_article_ids = (
                Article.hotline_suggest(keywords) if keywords else Article
            )

    def action_hotline_search_knowledge(self):
        """The knowledge base list limited to this case's suggestions (the whole
        base, in force, when nothing matches)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_base.hotline_knowledge_article_action"
        )
        action["context"] = {"search_default_in_force": 1}
        articles = self.knowledge_article_ids
        if articles:
            action["domain"] = [("id", "in", articles.ids)]
            action["name"] = self.env._("Knowledge for %s", self.display_name)
        return action

    # ------------------------------------------------------------ care messages
    def _hotline_care_number(self):
        """The caller's mobile: the number that called when it is a mobile,
        else the customer's mobile."""
        self.ensure_one()
        country = self.env["res.partner"]._hotline_phone_country()
        if self.caller_number and phone.number_kind(self.caller_number, country) == (
            "mobile"
        ):
            return self.caller_number
        return self.partner_id.mobile

    def _hotline_care(self, kind, template_xmlid):
        """The care message ``kind`` to the caller (never a confidential
        reporter: the care service refuses them)."""
        template = self.env.ref(f"hotline_complaints.{template_xmlid}")
        Care = self.env["hotline.care.message"]
        for ticket in self:
            Care._hotline_send_care(
                kind,
                ticket.partner_id,
                ticket,
                template=template,
                number=ticket._hotline_care_number(),
                mail_template=self.env.ref(
                    "hotline_complaints.mail_template_case_acknowledgement"
                )
                if kind == "case_ack"
                else None,
                company=ticket.company_id,
            )

    def _hotline_care_acknowledge(self):
        """Case number and query code to the caller of every case taken by
        phone (as the e-mail and SMS intakes do)."""
        phone_channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        self.filtered(lambda t: t.channel_id == phone_channel)._hotline_care(
            "case_ack", "sms_template_care_case_ack"
        )
