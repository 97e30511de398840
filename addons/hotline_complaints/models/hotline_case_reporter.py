# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

IDENTITY_FIELDS = (
    "name",
    "phone",
    "email",
    "id_number",
    "address",
    "partner_id",
    "call_ids",
    "recording_ids",
)


class HotlineCaseReporter(models.Model):
    """Identity of the reporter of a confidential case (举报人保密).

    Only ``group_reporter_identity`` has access rights on this model; the case
    itself keeps the content only. Every read of identity fields is logged.
    """

    _name = "hotline.case.reporter"
    _description = "Confidential Reporter"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    anonymous = fields.Boolean(help="The reporter did not give a name.")
    name = fields.Char()
    phone = fields.Char(string="Numbers")
    email = fields.Char()
    id_number = fields.Char(string="ID number")
    address = fields.Char()
    partner_id = fields.Many2one("res.partner", string="Contact")
    call_ids = fields.Many2many("hotline.call", string="Calls")
    recording_ids = fields.Many2many(
        "hotline.recording", string="Recordings", compute="_compute_recording_ids"
    )
    log_ids = fields.One2many("hotline.case.identity.log", "reporter_id", readonly=True)

    @api.depends("ticket_id")
    def _compute_display_name(self):
        for reporter in self:
            reporter.display_name = self.env._(
                "Reporter of %s", reporter.ticket_id.sudo().number or ""
            )

    @api.depends("call_ids")
    def _compute_recording_ids(self):
        Recording = self.env["hotline.recording"]
        for reporter in self:
            reporter.recording_ids = (
                Recording.search([("call_id", "in", reporter.call_ids.ids)])
                if reporter.call_ids
                else Recording
            )

    # Every way identity leaves the server is logged: read, web_read and
    # search_read format their rows in _read_format; export (also the nested
    # export of a case's reporter_id/...) in _export_rows; read_group and
    # web_read_group aggregate in _read_group.
    def _hotline_log_identity_read(self):
        if self.env.su or not self:
            return
        self.env["hotline.case.identity.log"].sudo().create(
            [
                {
                    "reporter_id": rec.id,
                    "ticket_id": rec.ticket_id.id,
                    "user_id": self.env.uid,
                }
                for rec in self.sudo()
            ]
        )

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if set(fnames or IDENTITY_FIELDS) & set(IDENTITY_FIELDS):
            self.browse(row["id"] for row in result)._hotline_log_identity_read()
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        result = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        if {path[0] for path in fields if path} & set(IDENTITY_FIELDS):
            self._hotline_log_identity_read()
        return result

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        result = super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )
        used = {
            spec.strip().split(":")[0].split(".")[0].split(" ")[0]
            for spec in (*groupby, *aggregates, *(order or "").split(","))
        }
        if used & set(IDENTITY_FIELDS) and not self.env.su:
            self.search(domain or [])._hotline_log_identity_read()
        return result
