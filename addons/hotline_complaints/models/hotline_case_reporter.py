# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api, fields, models

# fetched together, and only when one of them is read: reading the case link
# or the anonymous flag of a reporter does not fetch (and log) the identity
IDENTITY_PREFETCH = "hotline_identity"
# keys (reporter, user, sudo) logged when fetched, not yet read out by read()
# or an export (that read is the same one: logged once)
FETCH_LOGGED = "hotline_identity_fetch_logged"

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
    name = fields.Char(prefetch=IDENTITY_PREFETCH)
    phone = fields.Char(string="Numbers", prefetch=IDENTITY_PREFETCH)
    email = fields.Char(prefetch=IDENTITY_PREFETCH)
    id_number = fields.Char(string="ID number", prefetch=IDENTITY_PREFETCH)
    address = fields.Char(prefetch=IDENTITY_PREFETCH)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", prefetch=IDENTITY_PREFETCH
    )
    call_ids = fields.Many2many(
        "hotline.call", string="Calls", prefetch=IDENTITY_PREFETCH
    )
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

    # Every read of the identity is logged, at the depth every path goes
    # through: _fetch_query (read, search_read, web_read, record.field in
    # server code, sudo or not); values already in memory when they leave the
    # server are logged by _read_format (read, web_read, search_read) and
    # _export_rows (export, also a case's reporter_id/...); read_group and
    # web_read_group aggregate in _read_group. One read is one row: what a
    # fetch logged and read() then returns is not logged again. Not logged:
    # the superuser's own work (installation, crons, the connector) and the
    # ORM's writes and recomputations of stored fields.
    def _hotline_log_identity_read(self, returned=False):
        """Log that the current user read the identity of ``self``.

        ``returned``: the values leave the server now (read, export); a
        fetch of the same read already logged them. Else they were fetched
        from the database: logged, and remembered for that read.
        """
        env = self.env
        if not self or env.uid == SUPERUSER_ID or self._hotline_in_orm_write():
            return
        keys = {
            (rid, env.uid, env.su): rid for rid in self._ids if isinstance(rid, int)
        }
        data = env.cr.precommit.data
        # replaced, never changed in place (tests restore it between tests)
        fetched = data.get(FETCH_LOGGED, frozenset())
        if returned:
            data[FETCH_LOGGED] = fetched - set(keys)
            keys = {key: rid for key, rid in keys.items() if key not in fetched}
        else:
            data[FETCH_LOGGED] = fetched | set(keys)
        if not keys:
            return
        env["hotline.case.identity.log"].sudo().create(
            [
                {
                    "reporter_id": reporter.id,
                    "ticket_id": reporter.ticket_id.id,
                    "user_id": env.uid,
                    "is_sudo": env.su,
                }
                for reporter in self.sudo().browse(keys.values())
            ]
        )

    def _hotline_in_orm_write(self):
        """The ORM is writing or recomputing stored fields (it protects them
        meanwhile): what it fetches then is no one's read."""
        return any(field.store for field in self.env.transaction.protected)

    def _fetch_query(self, query, fields):
        fetched = super()._fetch_query(query, fields)
        if any(field.name in IDENTITY_FIELDS for field in fields):
            fetched._hotline_log_identity_read()
        return fetched

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        if set(fnames or IDENTITY_FIELDS) & set(IDENTITY_FIELDS):
            self.browse(row["id"] for row in result)._hotline_log_identity_read(
                returned=True
            )
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        result = super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        if {path[0] for path in fields if path} & set(IDENTITY_FIELDS):
            self._hotline_log_identity_read(returned=True)
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
        if used & set(IDENTITY_FIELDS):
            self.search(domain or [])._hotline_log_identity_read(returned=True)
        return result
