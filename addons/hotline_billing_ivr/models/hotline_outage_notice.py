# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

NOTICE_TYPES = [
    ("planned", "Planned outage"),
    ("unplanned", "Unplanned outage"),
    ("announcement", "Announcement"),
]
# groups that publish (the access rights say the same: write on notices)
PUBLISHERS = (
    "hotline_base.group_supervisor",
    "hotline_base.group_finance",
    "hotline_base.group_admin",
)
SMS_BODY_LIMIT = 300


class HotlineOutageNotice(models.Model):
    """An outage notice or announcement (停气通知/公告) for areas of the area
    tree: the IVR plays it to callers of those areas (an area includes its
    sub-areas), the caller card shows it, publishing can text the customers."""

    _name = "hotline.outage.notice"
    _description = "Outage Notice"
    _inherit = ["hotline.company.guard", "mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    body = fields.Text(string="Text", required=True)
    notice_type = fields.Selection(
        NOTICE_TYPES, string="Type", required=True, default="planned", tracking=True
    )
    area_ids = fields.Many2many(
        "hotline.area",
        "hotline_outage_notice_area_rel",
        "notice_id",
        "area_id",
        string="Areas",
        help="Customers of these areas and of every area inside them.",
    )
    date_start = fields.Datetime(
        string="Valid from", required=True, default=fields.Datetime.now, tracking=True
    )
    date_end = fields.Datetime(
        string="Valid until",
        required=True,
        default=lambda self: fields.Datetime.now() + timedelta(days=1),
        tracking=True,
        help="The expected end of the outage; expire the notice by hand when it "
        "ends earlier.",
    )
    prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Recorded prompt",
        check_company=True,
        help="What the IVR plays, one recording per language; callers whose "
        "language has no recording do not hear the notice. Empty: the notice is "
        "shown to agents only.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("expired", "Expired")],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    notify_sms = fields.Boolean(
        string="Notify customers by SMS",
        help="On publishing, queue one text message per mobile number of the "
        "customers of the areas (blacklisted numbers excepted).",
    )
    sms_queued_at = fields.Datetime(string="SMS queued on", readonly=True, copy=False)
    sms_count = fields.Integer(string="SMS queued", readonly=True, copy=False)
    is_current = fields.Boolean(
        compute="_compute_is_current", string="Current", search="_search_is_current"
    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for notice in self:
            if notice.date_end <= notice.date_start:
                raise ValidationError(
                    self.env._(
                        "Notice %s: the end of its validity must come after its start.",
                        notice.name,
                    )
                )

    def _compute_is_current(self):
        now = fields.Datetime.now()
        for notice in self:
            notice.is_current = (
                notice.state == "published"
                and notice.date_start <= now
                and notice.date_end > now
            )

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on current notices."))
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "published"),
            ("date_start", "<=", now),
            ("date_end", ">", now),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", *domain]

    # -- workflow ----------------------------------------------------------------
    def _check_publisher(self):
        if self.env.su:
            return
        if not any(self.env.user.has_group(group) for group in PUBLISHERS):
            raise UserError(
                self.env._(
                    "Only supervisors, finance and Hotline admins publish notices."
                )
            )

    def action_publish(self):
        self._check_publisher()
        for notice in self:
            if not notice.area_ids:
                raise UserError(
                    self.env._("Notice %s: choose the areas it is for.", notice.name)
                )
            if notice.date_end <= fields.Datetime.now():
                raise UserError(
                    self.env._(
                        "Notice %s: its validity has ended, it cannot be published.",
                        notice.name,
                    )
                )
        self.write({"state": "published"})
        self.filtered(lambda n: n.notify_sms and not n.sms_queued_at)._queue_sms()
        return True

    def action_expire(self):
        self._check_publisher()
        self.filtered(lambda n: n.state == "published").write({"state": "expired"})
        return True

    def action_draft(self):
        self._check_publisher()
        self.write({"state": "draft"})
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(notice.state != "draft" for notice in self):
            raise UserError(
                self.env._("Only draft notices are deleted; expire the others.")
            )

    @api.model
    def _cron_expire(self):
        """Published notices whose validity has ended become expired."""
        self.search(
            [("state", "=", "published"), ("date_end", "<=", fields.Datetime.now())]
        ).write({"state": "expired"})

    # -- who is concerned ----------------------------------------------------------
    @api.model
    def _hotline_current_rows(self, partners, companies):
        """``[(id, name, notice_type, date_start, date_end), ...]`` of the
        notices current now for the areas of ``partners`` (their own area and
        their service sites'), a notice's area including its sub-areas: one
        query (the caller card and the IVR ask it on every call)."""
        if not partners or not companies:
            return []
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                SELECT n.id, n.name, n.notice_type, n.date_start, n.date_end
                  FROM hotline_outage_notice n
                 WHERE n.state = 'published'
                   AND n.company_id = ANY(%(companies)s)
                   AND n.date_start <= %(now)s
                   AND n.date_end > %(now)s
                   AND EXISTS (
                        SELECT 1
                          FROM hotline_outage_notice_area_rel rel
                          JOIN hotline_area notice_area
                            ON notice_area.id = rel.area_id
                          JOIN hotline_area caller_area
                            ON starts_with(caller_area.parent_path,
                                           notice_area.parent_path)
                         WHERE rel.notice_id = n.id
                           AND caller_area.id IN (
                                SELECT p.hotline_area_id FROM res_partner p
                                 WHERE p.id = ANY(%(partners)s)
                                 UNION
                                SELECT s.area_id FROM hotline_service_site s
                                 WHERE s.partner_id = ANY(%(partners)s) AND s.active
                           )
                   )
              ORDER BY n.notice_type = 'unplanned' DESC, n.date_start DESC, n.id DESC
                """,
                companies=list(companies.ids),
                partners=list(partners.ids),
                now=now,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _hotline_current_for(self, partners, companies):
        """The notices current for the areas of ``partners``."""
        rows = self._hotline_current_rows(partners, companies)
        return self.browse([row[0] for row in rows])

    def _hotline_customers(self):
        """Customers of the notices' areas (own area or a service site's)."""
        areas = self.env["hotline.area"].search([("id", "child_of", self.area_ids.ids)])
        if not areas:
            return self.env["res.partner"]
        Partner = self.env["res.partner"].sudo()
        return Partner.search([("hotline_area_id", "in", areas.ids)]) | Partner.search(
            [("hotline_site_ids.area_id", "in", areas.ids)]
        )

    # -- SMS -----------------------------------------------------------------------
    def _hotline_sms_body(self):
        self.ensure_one()
        body = f"{self.name}: {self.body}"
        return body[:SMS_BODY_LIMIT]

    def _queue_sms(self):
        """Queue one SMS per mobile number of the customers of the areas
        (deduplicated, never to a number on the SMS blacklist or refused by the
        hotline blacklist); Odoo's SMS queue sends them in the background."""
        Blacklist = self.env["hotline.blacklist"].sudo()
        for notice in self:
            targets = {}
            for partner in notice._hotline_customers().sorted("id"):
                if not partner.mobile:
                    continue
                number = partner._phone_format(number=partner.mobile) or partner.mobile
                targets.setdefault(number, partner)
            refused = set(
                self.env["phone.blacklist"]
                .sudo()
                .search([("number", "in", list(targets))])
                .mapped("number")
            )
            for number in list(targets):
                entry = Blacklist.hotline_check_number(number)
                if number in refused or (entry and entry.get("action") == "refuse"):
                    del targets[number]
            body = notice._hotline_sms_body()
            # through the care service: company switch, quiet hours (held
            # until the morning), never to a confidential reporter
            Care = self.env["hotline.care.message"].with_context(
                hotline_care_no_trigger=True
            )
            sent = Care
            for number, partner in targets.items():
                sent |= Care._hotline_send_care(
                    "outage",
                    partner,
                    notice,
                    body=body,
                    number=number,
                    company=notice.company_id,
                )
            count = len(sent.filtered(lambda care: care.state != "skipped"))
            notice.write({"sms_queued_at": fields.Datetime.now(), "sms_count": count})
            notice.message_post(
                body=self.env._("%s text messages queued to the customers.", count)
            )
        if self:
            self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger()
