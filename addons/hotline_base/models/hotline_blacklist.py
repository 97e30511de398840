# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import phone

DURATIONS = {
    "5min": timedelta(minutes=5),
    "30min": timedelta(minutes=30),
    "1day": timedelta(days=1),
}
SUPERVISOR = "hotline_base.group_supervisor"


class HotlineBlacklist(models.Model):
    """A blocked number or number prefix. Never deleted: entries expire or are
    lifted, and the chatter keeps who did what."""

    _name = "hotline.blacklist"
    _description = "Blacklisted number"
    _inherit = ["mail.thread", "mail.activity.mixin", "hotline.company.guard"]
    _order = "start_datetime desc, id desc"
    _rec_name = "number"

    number = fields.Char(required=True, tracking=True, help="Number or prefix.")
    match_type = fields.Selection(
        [("exact", "Exact number"), ("prefix", "Prefix")],
        string="Match",
        required=True,
        default="exact",
        tracking=True,
    )
    number_key = fields.Char(
        string="Normalised number",
        compute="_compute_number_key",
        store=True,
        precompute=True,
        index=True,
    )
    reason = fields.Text(required=True, tracking=True)
    added_by_id = fields.Many2one(
        "res.users",
        string="Added by",
        default=lambda self: self.env.user,
        readonly=True,
        required=True,
    )
    start_datetime = fields.Datetime(
        string="Start", required=True, default=fields.Datetime.now, tracking=True
    )
    duration = fields.Selection(
        [
            ("5min", "5 minutes"),
            ("30min", "30 minutes"),
            ("1day", "1 day"),
            ("permanent", "Permanent"),
            ("custom", "Custom end"),
        ],
        required=True,
        default="30min",
        tracking=True,
    )
    end_datetime = fields.Datetime(
        string="Until",
        compute="_compute_end_datetime",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Empty for a permanent block.",
    )
    action = fields.Selection(
        [
            ("warn_continue", "Play a warning, then continue"),
            ("refuse", "Refuse service"),
        ],
        required=True,
        default="warn_continue",
        tracking=True,
    )
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("lifted", "Lifted"),
        ],
        required=True,
        default=lambda self: (
            "active" if self.env.user.has_group(SUPERVISOR) else "proposed"
        ),
        tracking=True,
        index=True,
    )
    is_blocking = fields.Boolean(string="Blocking now", compute="_compute_is_blocking")
    lifted_by_id = fields.Many2one("res.users", string="Lifted by", readonly=True)
    lifted_at = fields.Datetime(readonly=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )

    @api.depends("number", "match_type")
    def _compute_number_key(self):
        country = self.env["res.partner"]._hotline_phone_country()
        for entry in self:
            if entry.match_type == "prefix":
                entry.number_key = phone.prefix_key(entry.number, country)
            else:
                entry.number_key = phone.lookup_key(entry.number, country)

    @api.depends("start_datetime", "duration")
    def _compute_end_datetime(self):
        for entry in self:
            if entry.duration in DURATIONS and entry.start_datetime:
                entry.end_datetime = entry.start_datetime + DURATIONS[entry.duration]
            elif entry.duration == "permanent":
                entry.end_datetime = False
            # custom: keep what the user typed

    @api.depends("state", "start_datetime", "end_datetime")
    def _compute_is_blocking(self):
        now = fields.Datetime.now()
        for entry in self:
            entry.is_blocking = (
                entry.state == "active"
                and entry.start_datetime <= now
                and (not entry.end_datetime or entry.end_datetime > now)
            )

    @api.constrains(
        "number_key", "duration", "end_datetime", "start_datetime", "reason"
    )
    def _check_entry(self):
        for entry in self:
            if not entry.number_key:
                raise ValidationError(
                    self.env._("%s is not a phone number or prefix.", entry.number)
                )
            if entry.duration == "custom" and not entry.end_datetime:
                raise ValidationError(self.env._("A custom block needs an end date."))
            if entry.end_datetime and entry.end_datetime <= entry.start_datetime:
                raise ValidationError(self.env._("A block must end after it starts."))
            if not (entry.reason or "").strip():
                raise ValidationError(self.env._("A block needs a reason."))

    # ------------------------------------------------------------------
    # Who may do what: agents propose, supervisors add and lift
    # ------------------------------------------------------------------
    def _check_supervisor(self):
        if not self.env.su and not self.env.user.has_group(SUPERVISOR):
            raise AccessError(
                self.env._(
                    "Only supervisors may add, approve or lift a block; "
                    "agents may propose one."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "proposed") != "proposed" for vals in vals_list):
            self._check_supervisor()
        if not self.env.su:
            for vals in vals_list:
                vals.pop("added_by_id", None)
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals or any(entry.state != "proposed" for entry in self):
            self._check_supervisor()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("Blacklist entries are history: lift them instead of deleting.")
        )

    def action_activate(self):
        self._check_supervisor()
        for entry in self.filtered(lambda e: e.state == "proposed"):
            vals = {"state": "active"}
            if entry.start_datetime < fields.Datetime.now():
                vals["start_datetime"] = fields.Datetime.now()
            entry.write(vals)
        return True

    def action_lift(self):
        self._check_supervisor()
        for entry in self.filtered(lambda e: e.state in ("proposed", "active")):
            entry.write(
                {
                    "state": "lifted",
                    "lifted_by_id": self.env.user.id,
                    "lifted_at": fields.Datetime.now(),
                }
            )
            entry.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Block lifted by %s.", self.env.user.name)
            )
        return True

    @api.model
    def _cron_expire(self):
        """Mark ended blocks as expired (the check does not need it: it compares
        the end with the clock; this keeps the list and the history readable)."""
        expired = self.sudo().search(
            [
                ("state", "=", "active"),
                ("end_datetime", "!=", False),
                ("end_datetime", "<=", fields.Datetime.now()),
            ]
        )
        expired.write({"state": "expired"})
        return expired

    # ------------------------------------------------------------------
    # Service for the IVR
    # ------------------------------------------------------------------
    @api.model
    def hotline_check_number(self, number):
        """Is ``number`` blocked now, and how?

        :return: ``None`` or ``{"id", "action", "reason", "until", "match_type"}``
            (``until`` is a UTC datetime, ``None`` when permanent). Refusals win
            over warnings, then the exact number over the longest prefix.

        One indexed query: the number's every prefix is matched with ``IN``.
        """
        country = self.env["res.partner"]._hotline_phone_country()
        key = phone.lookup_key(number, country)
        if not key:
            return None
        now = fields.Datetime.now()
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, action, reason, end_datetime, match_type
                  FROM hotline_blacklist
                 WHERE number_key IN %(prefixes)s
                   AND (match_type = 'prefix' OR number_key = %(key)s)
                   AND state = 'active'
                   AND start_datetime <= %(now)s
                   AND (end_datetime IS NULL OR end_datetime > %(now)s)
                   AND (company_id IS NULL OR company_id IN %(companies)s)
              ORDER BY action = 'refuse' DESC, match_type = 'exact' DESC,
                       length(number_key) DESC, id DESC
                 LIMIT 1
                """,
                prefixes=tuple(phone.prefixes(key)),
                key=key,
                now=now,
                companies=tuple(self.env.companies.ids),
            )
        )
        if not rows:
            return None
        entry_id, action, reason, until, match_type = rows[0]
        return {
            "id": entry_id,
            "action": action,
            "reason": reason,
            "until": until,
            "match_type": match_type,
        }
