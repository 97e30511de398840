# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One sampled case, call or work order to call back (回访任务).

The call itself is a contact of the plan's campaign (``contact_id``): the
outbound engine dials, retries and records it; the answers are a
``survey.user_input`` linked back here (``user_input_id``, the one kept).
"""

from odoo import fields, models
from odoo.exceptions import UserError

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
        self.filtered(lambda task: task.plan_id.link_fallback)._hotline_send_link()

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
            hotline_ticket_id=self.ticket_id.id,
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
