# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One sampled case, call or work order to call back (回访任务).

The call itself is a contact of the plan's campaign (``contact_id``): the
outbound engine dials, retries and records it; the answers are a
``survey.user_input`` linked back here (``user_input_id``, the one kept).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.hotline_base.tools import phone as phone_tools

from ..tools.satisfaction import LEVELS
from .hotline_callback_plan import SOURCES

TASK_STATES = [
    ("pending", "To call"),
    ("calling", "Calling"),
    ("done", "Answered"),
    ("partial", "Partly answered"),
    ("unreachable", "Unreachable"),
    ("link_sent", "Link sent"),
    ("cancelled", "Cancelled"),
]


class HotlineCallbackTask(models.Model):
    _name = "hotline.callback.task"
    _description = "Callback task"
    _inherit = ["hotline.company.guard"]
    _order = "due_at desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "hotline.callback.plan", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    survey_id = fields.Many2one(related="plan_id.survey_id", store=True)
    mode = fields.Selection(related="plan_id.mode", store=True)
    source = fields.Selection(SOURCES, required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", index=True, ondelete="set null"
    )
    call_id = fields.Many2one("hotline.call", index=True, ondelete="set null")
    work_order_id = fields.Many2one(
        "hotline.work.order", string="Work order", index=True, ondelete="set null"
    )
    handling_user_id = fields.Many2one(
        "res.users", string="Handled by", index=True, readonly=True
    )
    team_id = fields.Many2one("helpdesk.ticket.team", index=True, readonly=True)
    case_type_id = fields.Many2one("hotline.case.type", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Calls back", index=True, help="The agent who calls."
    )
    campaign_id = fields.Many2one("hotline.campaign", readonly=True, index=True)
    contact_id = fields.Many2one(
        "hotline.campaign.contact", readonly=True, index=True, ondelete="set null"
    )
    state = fields.Selection(
        TASK_STATES, default="pending", required=True, index=True, readonly=True
    )
    sampled_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    due_at = fields.Datetime(string="Due", readonly=True)
    done_at = fields.Datetime(readonly=True)
    link_sent_at = fields.Datetime(readonly=True)
    link_channel = fields.Selection(
        [("sms", "SMS"), ("email", "E-mail")], string="Link sent by", readonly=True
    )
    link_note = fields.Char(
        string="Survey link",
        readonly=True,
        help="Where the survey link was sent, or why it could not be.",
    )
    link_user_input_id = fields.Many2one(
        "survey.user_input",
        string="Answer through the link",
        readonly=True,
        ondelete="set null",
        groups="survey.group_survey_user",
    )
    user_input_id = fields.Many2one(
        "survey.user_input", string="Answers", readonly=True, ondelete="set null"
    )
    user_input_ids = fields.One2many(
        "survey.user_input", "hotline_callback_task_id", string="All answers"
    )
    satisfaction = fields.Selection(LEVELS, readonly=True, index=True)
    complaint_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint raised", readonly=True, index=True
    )

    _sql_constraints = [
        ("ticket_once", "UNIQUE(ticket_id)", "A case is called back once."),
        ("call_once", "UNIQUE(call_id)", "A call is called back once."),
        (
            "work_order_once",
            "UNIQUE(work_order_id)",
            "A work order is called back once.",
        ),
    ]

    def _hotline_survey_done(self, user_input):
        """A survey of this task was completed (by the agent, on the keypad or
        through the link). The first completed answer is the one kept: a
        customer answering again (link after callback, the link twice) does
        not count twice. Returns whether ``user_input`` was kept."""
        self.ensure_one()
        kept = self.user_input_id
        if kept and kept != user_input and kept.state == "done":
            return False
        level = user_input.survey_id._hotline_satisfaction_of(user_input)
        user_input.hotline_satisfaction = level
        self.write(
            {
                "state": "done",
                "done_at": fields.Datetime.now(),
                "user_input_id": user_input.id,
                "satisfaction": level,
            }
        )
        if level == "dissatisfied" and self.plan_id.complaint_on_dissatisfied:
            complaint = self.env["helpdesk.ticket"]._hotline_complaint_from_callback(
                self
            )
            self.complaint_ticket_id = complaint
        return True

    def _hotline_on_unreachable(self):
        """The campaign gave up on these tasks' customers (last attempt, no
        valid number): unreachable, then the survey link when the plan says so."""
        self.write({"state": "unreachable"})
        to_link = self.filtered(lambda task: task.plan_id.link_fallback)
        if to_link:
            to_link._hotline_send_link()

    def _hotline_send_link(self):
        """SMS (or e-mail) with a personal link to the survey: state link_sent.

        The link opens the task's own answer (``survey.user_input`` with its
        access token), so whatever the customer answers is linked back to the
        task, case, call, agent and team; it works for public and
        invited-only surveys alike. SMS to the customer's mobile, else e-mail,
        else nothing is sent and ``link_note`` says why (the task stays
        unreachable). Never sent twice for a task."""
        for task in self.sudo():
            if task.link_sent_at or task.state != "unreachable":
                continue
            reason = task._hotline_link_refusal()
            if reason:
                task.link_note = reason
                continue
            try:
                answer = task._hotline_link_answer()
            except UserError as error:
                task.link_note = self.env._(
                    "No survey link: %s", error.args[0] if error.args else ""
                )
                continue
            task.link_user_input_id = answer
            mobile = task._hotline_link_mobile()
            if mobile:
                task._hotline_link_send_sms(mobile)
                channel = "sms"
                note = self.env._("Survey link sent by SMS to %s", mobile)
            elif task.partner_id.email:
                task._hotline_link_send_email()
                channel = "email"
                note = self.env._(
                    "Survey link sent by e-mail to %s", task.partner_id.email
                )
            else:
                task.link_note = self.env._(
                    "No survey link sent: the customer has neither a mobile "
                    "number nor an e-mail address."
                )
                continue
            task.write(
                {
                    "state": "link_sent",
                    "link_sent_at": fields.Datetime.now(),
                    "link_channel": channel,
                    "link_note": note,
                }
            )
        return True

    def _hotline_link_refusal(self):
        """Why no link may be sent to this task's customer (a message), or
        ``False``."""
        self.ensure_one()
        ticket = self.ticket_id
        if ticket.is_confidential and not ticket.hotline_callback_consent:
            return self.env._(
                "No survey link: the reporter of this confidential case did not "
                "ask for a callback."
            )
        if self.partner_id.hotline_no_callback:
            return self.env._(
                "No survey link: the customer asked not to be contacted for surveys."
            )
        if self.partner_id.hotline_do_not_call:
            return self.env._("No survey link: the customer asked not to be contacted.")
        mobile = self._hotline_link_mobile()
        block = mobile and self.env["hotline.blacklist"].sudo().hotline_check_number(
            mobile
        )
        if block and block["action"] == "refuse":
            return self.env._("No survey link: %s is on the blacklist.", mobile)
        survey = self.survey_id
        if not survey.active:
            return self.env._("No survey link: the survey is closed.")
        if survey.users_login_required:
            return self.env._(
                "No survey link: the survey requires a login, which customers "
                "do not have."
            )
        return False

    def _hotline_link_answer(self):
        """The task's answer the link opens: one not finished yet, else a new
        one for the customer (an invitation: it opens invited-only surveys)."""
        self.ensure_one()
        answer = (
            self.link_user_input_id
            or self.user_input_ids.filtered(
                lambda a: (
                    a.state in ("new", "in_progress")
                    and not a.test_entry
                    and a.partner_id == self.partner_id
                )
            ).sorted("id")[-1:]
        )
        if answer and answer.state != "done":
            answer.hotline_source = "link"
            return answer
        return self.survey_id._create_answer(
            partner=self.partner_id,
            check_attempts=False,
            hotline_callback_task_id=self.id,
            hotline_ticket_id=self._hotline_case().id,
            hotline_call_id=self.call_id.id,
            hotline_agent_id=self.handling_user_id.id,
            hotline_team_id=self.team_id.id,
            hotline_source="link",
        )

    def _hotline_link_url(self):
        """The absolute personal link of the task's survey answer."""
        self.ensure_one()
        answer = self.sudo().link_user_input_id
        if not answer:
            return ""
        return self.get_base_url() + answer.get_start_url()

    def _hotline_link_mobile(self):
        """The customer's mobile number (E.164 when it parses): the mobile
        field, else a mobile among their numbers, else the phone field when
        it is a mobile number. ``False`` without one."""
        self.ensure_one()
        partner = self.partner_id
        country = partner._hotline_phone_country()
        if partner.mobile:
            return phone_tools.normalize(partner.mobile, country) or partner.mobile
        numbers = partner.hotline_phone_ids.filtered(
            lambda p: p.kind == "mobile"
        ).mapped("number")
        for number in [*numbers, partner.phone]:
            if number and phone_tools.number_kind(number, country) == "mobile":
                return phone_tools.normalize(number, country)
        return False

    def _hotline_link_send_sms(self, number):
        """Queue the SMS of the link (the customer's language) for Odoo's SMS
        sender. Not posted on the customer's chatter: the link is personal."""
        self.ensure_one()
        template = self.env.ref("hotline_survey.sms_template_survey_link")
        body = template._render_field("body", self.ids, compute_lang=True)[self.id]
        self.env["sms.sms"].sudo().create(
            {"number": number, "partner_id": self.partner_id.id, "body": body}
        )
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _hotline_link_send_email(self):
        """Queue the e-mail of the link (the customer's language)."""
        self.ensure_one()
        template = self.env.ref("hotline_survey.mail_template_survey_link")
        template.sudo().send_mail(self.id)

    # ------------------------------------------------------------------
    # Agent callback (回访 by an agent): what the task form shows, the
    # task's state from the campaign engine, the agent's buttons
    # ------------------------------------------------------------------
    cancel_reason = fields.Selection(
        [
            ("declined", "Customer declined"),
            ("wrong_person", "Wrong person"),
        ],
        string="Not surveyed because",
        readonly=True,
    )
    case_number = fields.Char(related="ticket_id.number", string="Case number")
    case_summary = fields.Char(related="ticket_id.name", string="Case summary")
    case_confidential = fields.Boolean(related="ticket_id.is_confidential")
    identity_hidden = fields.Boolean(
        compute="_compute_identity_hidden",
        help="The customer is a confidential reporter and you may not see "
        "their identity.",
    )
    customer_label = fields.Char(compute="_compute_identity_hidden", string="Callee")
    attempt_count = fields.Integer(
        related="contact_id.attempt_count", string="Attempts made"
    )
    last_result = fields.Selection(related="contact_id.last_result")
    next_attempt_at = fields.Datetime(related="contact_id.next_attempt_at")
    attempt_ids = fields.One2many(
        "hotline.campaign.attempt", compute="_compute_attempt_ids", string="Attempts"
    )
    callback_call_id = fields.Many2one(
        "hotline.call",
        compute="_compute_attempt_ids",
        string="Callback call",
        help="The call of the latest attempt, when the call log has it.",
    )
    campaign_running = fields.Boolean(compute="_compute_campaign_running")
    is_mine = fields.Boolean(compute="_compute_is_mine")

    @api.depends_context("uid")
    @api.depends("ticket_id", "partner_id")
    def _compute_identity_hidden(self):
        allowed = self.env.su or self.env.user.has_group(
            "hotline_complaints.group_reporter_identity"
        )
        for task in self:
            hidden = task.sudo().ticket_id.is_confidential and not allowed
            task.identity_hidden = hidden
            task.customer_label = (
                self.env._("Confidential reporter")
                if hidden
                else task.sudo().partner_id.display_name
            )

    @api.depends("contact_id")
    def _compute_attempt_ids(self):
        for task in self:
            attempts = task.sudo().contact_id.attempt_ids
            task.attempt_ids = attempts
            task.callback_call_id = attempts.filtered("call_id")[:1].call_id

    @api.depends("campaign_id")
    def _compute_campaign_running(self):
        for task in self:
            task.campaign_running = task.sudo().campaign_id.state == "running"

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        for task in self:
            task.is_mine = task.user_id == self.env.user

    @api.depends("partner_id", "ticket_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        hidden = self.filtered("identity_hidden")
        for task in hidden:
            task.display_name = self.env._(
                "Callback of case %s", task.case_number or ""
            )
        return super(HotlineCallbackTask, self - hidden)._compute_display_name()

    def _read_format(self, fnames, load="_classic_read"):
        """A confidential reporter's identity stays with the Reporter
        identity group: others read no customer on the task (they dial it
        with the task's button, the number never reaches them)."""
        result = super()._read_format(fnames, load=load)
        if "partner_id" in (fnames or ()):
            hidden = set(
                self.browse(row["id"] for row in result).filtered("identity_hidden").ids
            )
            for row in result:
                if row["id"] in hidden and "partner_id" in row:
                    row["partner_id"] = False
        return result

    def write(self, vals):
        """Agents change their tasks through the buttons only (the state
        follows the calls and the survey)."""
        if not self.env.su and not self.env.user.has_group(
            "hotline_base.group_supervisor"
        ):
            raise AccessError(
                self.env._(
                    "Callback tasks change through their buttons (dial, survey, "
                    "declined, wrong person)."
                )
            )
        res = super().write(vals)
        if "user_id" in vals:
            # the preview campaign's contact follows the task's agent
            for task in self.sudo():
                contact = task.contact_id
                if contact.state in ("pending", "retry") and (
                    contact.user_id != task.user_id
                ):
                    contact.user_id = task.user_id
        return res

    def _hotline_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def _hotline_systray_label(self):
        """The line of the preview systray for this task (回访 of a case)."""
        self.ensure_one()
        if self.case_number:
            return self.env._(
                "Callback of %(case)s · %(campaign)s",
                case=self.case_number,
                campaign=self.sudo().campaign_id.display_name,
            )
        return self.env._(
            "Callback · %(campaign)s", campaign=self.sudo().campaign_id.display_name
        )

    # state from the engine (called as superuser by the campaign contact)
    def _hotline_on_attempt_started(self):
        self.filtered(lambda task: task.state == "pending").write({"state": "calling"})

    def _hotline_on_retry(self):
        """The attempt failed (busy, no answer...); the contact waits for its
        next attempt: to call again."""
        self.filtered(lambda task: task.state == "calling").write({"state": "pending"})

    def _hotline_on_reached(self):
        """The customer answered. Agent callbacks stay *calling* until the
        agent submits the survey (or records that the customer declined);
        keypad surveys left half answered are *partly answered*."""
        for task in self.filtered(lambda t: t.state in ("pending", "calling")):
            if task.user_input_id.state == "done":
                task.state = "done"
            elif task.mode == "keypad":
                if task.user_input_ids.filtered(
                    lambda answer: answer.state == "in_progress"
                ):
                    task.state = "partial"
            elif task.state == "pending":
                task.state = "calling"

    # the agent's buttons
    def _hotline_check_agent(self):
        """The task's agent only (other agents do not see it at all: the
        record rule; supervisors and leaders see it but do not call)."""
        self.ensure_one()
        self.check_access("read")
        if self.user_id != self.env.user:
            raise UserError(
                self.env._(
                    "This callback is %s's task: only they call the customer.",
                    self.user_id.name or self.env._("nobody"),
                )
            )
        if self.mode != "agent":
            raise UserError(self.env._("This callback is an automated keypad survey."))

    def _hotline_check_open(self):
        self.ensure_one()
        if self.state in ("done", "link_sent", "cancelled", "unreachable"):
            raise UserError(
                self.env._(
                    "This callback is closed (%s).",
                    dict(self._fields["state"]._description_selection(self.env))[
                        self.state
                    ],
                )
            )

    def action_dial(self):
        """Click-to-dial the customer through the preview campaign: the
        attempt is recorded and followed by the engine."""
        self._hotline_check_agent()
        self._hotline_check_open()
        contact = self.sudo().contact_id
        if not contact:
            raise UserError(self.env._("This callback has no call to make."))
        if contact.campaign_id.state != "running":
            raise UserError(
                self.env._(
                    "Campaign “%s” is not running: ask a supervisor.",
                    contact.campaign_id.display_name,
                )
            )
        # the PBX refusing the call (no extension, PBX down...) leaves no
        # attempt behind
        with self.env.cr.savepoint():
            action = contact.with_user(self.env.user).action_preview_dial()
        if isinstance(action, dict) and action.get("tag") == "display_notification":
            # the form shows the task being called (and the attempt)
            action["params"]["next"] = {
                "type": "ir.actions.client",
                "tag": "soft_reload",
            }
        return action

    def _hotline_case(self):
        """The case the callback is about: the task's, or the case it was
        merged into (a merged case is cancelled with its target as
        duplicate)."""
        self.ensure_one()
        ticket = self.sudo().ticket_id
        seen = set()
        while (
            ticket.duplicate_id
            and ticket.hotline_state == "cancelled"
            and ticket.id not in seen
        ):
            seen.add(ticket.id)
            ticket = ticket.duplicate_id
        return ticket

    def _hotline_callback_answer(self):
        """The answer the agent is filling for this task (not yet submitted),
        or a new one for the task's customer, case and handling agent."""
        self.ensure_one()
        task = self.sudo()
        answer = task.user_input_ids.filtered(
            lambda a: (
                a.hotline_source == "callback"
                and a.state in ("new", "in_progress")
                and not a.test_entry
            )
        )[:1]
        if answer:
            return answer
        survey = task.survey_id
        if not survey.active or not survey.question_ids:
            raise UserError(
                self.env._(
                    "Survey “%s” has no questions or is closed.", survey.display_name
                )
            )
        return survey._create_answer(
            partner=task.partner_id,
            check_attempts=False,
            hotline_callback_task_id=task.id,
            hotline_ticket_id=task._hotline_case().id,
            hotline_call_id=task.call_id.id,
            hotline_agent_id=task.handling_user_id.id,
            hotline_team_id=task.team_id.id,
            hotline_source="callback",
            hotline_callback_user_id=self.env.user.id,
        )

    def action_open_survey(self):
        """The survey, prefilled for this task, on Odoo's own survey page in
        a new window, while the agent is on the phone."""
        self._hotline_check_agent()
        self._hotline_check_open()
        answer = self._hotline_callback_answer()
        survey = answer.survey_id
        return {
            "type": "ir.actions.act_url",
            "url": f"/survey/start/{survey.access_token}"
            f"?answer_token={answer.access_token}",
            "target": "new",
        }

    def _hotline_cancel(self, reason):
        self._hotline_check_agent()
        self._hotline_check_open()
        task = self.sudo()
        task.write({"state": "cancelled", "cancel_reason": reason})
        contact = task.contact_id
        if contact.state in ("pending", "retry"):
            # nothing more to dial for this customer
            contact._hotline_exclude(
                dict(self._fields["cancel_reason"]._description_selection(self.env))[
                    reason
                ]
            )
        return True

    def action_declined(self):
        """The customer does not want to answer the survey."""
        return self._hotline_cancel("declined")

    def action_wrong_person(self):
        """The number reached someone else than the customer."""
        return self._hotline_cancel("wrong_person")
