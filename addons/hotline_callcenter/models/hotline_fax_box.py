# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_split

from ..pbx.fax import split_numbers


class HotlineFaxBox(models.Model):
    """A personal or team fax box (传真信箱): the fax numbers (DIDs) whose
    faxes land in it, who reads them, and what happens to each received fax
    (forwarded by e-mail, a case opened)."""

    _name = "hotline.fax.box"
    _description = "Fax box"
    _inherit = ["hotline.company.guard"]
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one(
        "hotline.pbx",
        string="PBX",
        required=True,
        check_company=True,
        help="The Asterisk server the fax numbers arrive on and faxes are sent "
        "through.",
    )
    numbers = fields.Char(
        string="Fax numbers (DID)",
        help="The numbers (as Asterisk sees the dialled extension) whose faxes "
        "land in this box, separated by commas. The dialplan must send them to "
        "the fax receive context.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        domain=[("share", "=", False)],
        help="Personal box: the user who reads its faxes.",
    )
    member_ids = fields.Many2many(
        "res.users",
        string="Team",
        domain=[("share", "=", False)],
        help="Team box: the users who read its faxes.",
    )
    station_id = fields.Char(
        string="Station ID",
        help="Our fax identity (TSI/CSI) sent to the far end, e.g. "
        "+86 10 8100 0300 (20 characters at most).",
    )
    header = fields.Char(
        string="Page header",
        help="Header line printed on top of every page sent.",
    )
    forward_emails = fields.Char(
        string="Forward to",
        help="E-mail addresses every received fax is forwarded to (PDF attached), "
        "separated by commas.",
    )
    open_case = fields.Boolean(
        help="Open a case from every received fax (needs the complaints add-on).",
    )
    retry_count = fields.Integer(
        string="Retries",
        default=2,
        help="How many times a fax that could not be sent (busy, no answer, "
        "transmission failed) is sent again.",
    )
    retry_minutes = fields.Integer(
        string="Retry after (minutes)",
        default=5,
    )
    fax_ids = fields.One2many("hotline.fax", "box_id", string="Faxes")
    fax_count = fields.Integer(compute="_compute_fax_count")

    _sql_constraints = [
        (
            "retry_positive",
            "CHECK(retry_count >= 0 AND retry_minutes >= 0)",
            "Retries and their delay cannot be negative.",
        ),
    ]

    @api.depends("fax_ids")
    def _compute_fax_count(self):
        counts = dict(
            self.env["hotline.fax"]._read_group(
                [("box_id", "in", self.ids)], ["box_id"], ["__count"]
            )
        )
        for box in self:
            box.fax_count = counts.get(box, 0)

    def _number_list(self):
        self.ensure_one()
        return split_numbers(self.numbers)

    @api.constrains("numbers", "pbx_id", "active")
    def _check_numbers(self):
        for box in self:
            for part in re.split(r"[,;\n]+", box.numbers or ""):
                part = part.strip()
                if part and not re.fullmatch(r"\+?[\d\s\-()]{2,30}", part):
                    raise ValidationError(self.env._("%s is not a fax number.", part))
            for number in box._number_list():
                others = self.search(
                    [
                        ("id", "!=", box.id),
                        ("pbx_id", "=", box.pbx_id.id),
                        ("numbers", "ilike", number),
                    ]
                ).filtered(lambda b, n=number: n in b._number_list())
                if others:
                    raise ValidationError(
                        self.env._(
                            "The fax number %(number)s is already in the box %(box)s.",
                            number=number,
                            box=others[0].name,
                        )
                    )

    @api.constrains("forward_emails")
    def _check_forward_emails(self):
        for box in self:
            raw = [p.strip() for p in (box.forward_emails or "").split(",")]
            for part in filter(None, raw):
                if email_split(part) != [part]:
                    raise ValidationError(
                        self.env._("%s is not an e-mail address.", part)
                    )

    @api.constrains("station_id")
    def _check_station_id(self):
        for box in self:
            if box.station_id and len(box.station_id) > 20:
                raise ValidationError(
                    self.env._("A fax station ID has 20 characters at most.")
                )

    @api.model
    def _hotline_box_of_number(self, pbx, number):
        """The active box of ``pbx`` receiving on ``number`` (the dialled
        extension), or an empty recordset."""
        if not number:
            return self.browse()
        digits = re.sub(r"[^\d+]", "", number)
        candidates = self.search(
            [("pbx_id", "=", pbx.id), ("numbers", "ilike", digits)]
        )
        return candidates.filtered(lambda b: digits in b._number_list())[:1]

    def action_open_faxes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_callcenter.hotline_fax_action"
        )
        action["domain"] = [("box_id", "=", self.id)]
        action["context"] = {"default_box_id": self.id}
        return action

    def action_send_fax(self):
        self.ensure_one()
        return self.env["hotline.fax"]._hotline_send_wizard_action(box=self)
