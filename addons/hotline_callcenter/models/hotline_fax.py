# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
import posixpath
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..pbx import fax as faxlib
from ..pbx.cti_actions import NotDialable, dialable
from .hotline_recording import allowed_root, resolve_under

_logger = logging.getLogger(__name__)

# a fax call lasts about a minute a page: an attempt without any result this
# long after its ring timeout is given up (the connector missed its events)
STALE_SECONDS = 3600

# fax on demand: at most this many faxes a day per caller and per number
ON_DEMAND_DAILY_LIMIT = 3

STATES = [
    ("receiving", "Receiving"),
    ("received", "Received"),
    ("queued", "Queued"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]


class HotlineFax(models.Model):
    """A fax received on a fax number or sent through Asterisk's res_fax.

    Received: the connector reads res_fax's AMI events (``FAXStatus``,
    ``VarSet`` of the FAX* variables, ``ReceiveFAX``, see ``pbx/fax.py``),
    converts the TIFF Asterisk wrote into the fax spool to a PDF, files it in
    the box of the dialled number, forwards it and/or opens a case.
    Sent: queued here (the documents converted to TIFF-F at once); the
    connector writes the TIFF into the spool, originates the number into the
    PBX's fax send context (SendFAX) and records the result, retrying as the
    box says.
    """

    _name = "hotline.fax"
    _description = "Fax"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _order = "create_date desc, id desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    direction = fields.Selection(
        [("in", "Received"), ("out", "Sent")], required=True, readonly=True
    )
    state = fields.Selection(STATES, required=True, tracking=True, readonly=True)
    box_id = fields.Many2one(
        "hotline.fax.box", string="Fax box", index=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one(
        "hotline.pbx", string="PBX", required=True, check_company=True
    )
    remote_number = fields.Char(
        string="Fax number",
        help="Received: the caller's number. Sent: the number dialled.",
    )
    did = fields.Char(
        string="Our number", help="The fax number (DID) the fax arrived on."
    )
    remote_station_id = fields.Char(string="Remote station ID", readonly=True)
    local_station_id = fields.Char(string="Local station ID", readonly=True)
    pages = fields.Integer(readonly=True)
    resolution = fields.Char(readonly=True)
    transfer_rate = fields.Char(readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Document (PDF)", readonly=True
    )
    source_attachment_ids = fields.Many2many(
        "ir.attachment",
        "hotline_fax_source_attachment_rel",
        "fax_id",
        "attachment_id",
        string="Documents sent",
        readonly=True,
    )
    tiff_attachment_id = fields.Many2one(
        "ir.attachment", string="TIFF-F", readonly=True
    )
    error = fields.Char(readonly=True)
    attempts = fields.Integer(readonly=True)
    max_attempts = fields.Integer(default=1, readonly=True)
    retry_minutes = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    sending_since = fields.Datetime(readonly=True, copy=False)
    done_at = fields.Datetime(string="Received/sent at", readonly=True)
    uniqueid = fields.Char(readonly=True, index=True, copy=False)
    linkedid = fields.Char(readonly=True, copy=False)
    file_name = fields.Char(
        string="Spool file", readonly=True, help="The TIFF as Asterisk names it."
    )
    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )
    forwarded = fields.Boolean(readonly=True, copy=False)
    on_demand_caller = fields.Char(
        string="Asked by (fax on demand)", readonly=True, copy=False, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda s: s.env.user
    )

    _sql_constraints = [
        (
            "uniqueid_unique",
            "UNIQUE(pbx_id, uniqueid)",
            "A fax call is recorded once.",
        ),
    ]

    @api.depends("direction", "remote_number", "create_date")
    def _compute_name(self):
        for fax in self:
            number = fax.remote_number or self.env._("unknown number")
            fax.name = (
                self.env._("Fax from %s", number)
                if fax.direction == "in"
                else self.env._("Fax to %s", number)
            )

    # -- the fax spool -----------------------------------------------------------
    @api.model
    def _hotline_spool_path(self, pbx, asterisk_path):
        """The file ``asterisk_path`` (as Asterisk names it, inside the PBX's
        fax folder on its side) as Odoo reads it: inside the PBX's fax folder
        and the server's media roots, else ``None``."""
        root = (pbx.fax_asterisk_dir or "").rstrip("/")
        path = posixpath.normpath(asterisk_path or "")
        if not root or not path.startswith(root + "/"):
            return None
        return resolve_under(pbx.fax_path, path[len(root) + 1 :])

    # -- received faxes ----------------------------------------------------------
    @api.model
    def hotline_fax_results(self, pbx_id, results, now=None):
        """Write what :class:`pbx.fax.FaxTracker` found (the connector, as
        superuser, one transaction per batch)."""
        pbx = self.env["hotline.pbx"].browse(pbx_id)
        now = now or fields.Datetime.now()
        if now.tzinfo:
            now = now.replace(tzinfo=None)
        for result in results:
            kind = result.get("kind")
            if kind == "receiving":
                self._hotline_fax_receiving(pbx, result)
            elif kind == "done" and result.get("direction") == "in":
                self._hotline_fax_received(pbx, result, now)
            elif kind == "done":
                fax = self.browse(result.get("fax_id") or 0).exists()
                if fax and fax.direction == "out":
                    fax._hotline_fax_sent(result, now)
            elif kind == "not_sent":
                fax = self.browse(result.get("fax_id") or 0).exists()
                if fax and fax.direction == "out":
                    fax._hotline_fax_not_sent(result, now)
        return True

    def _hotline_fax_find(self, pbx, uniqueid):
        return self.search(
            [("pbx_id", "=", pbx.id), ("uniqueid", "=", uniqueid)], limit=1
        )

    @api.model
    def _hotline_fax_receiving(self, pbx, result):
        fax = self._hotline_fax_find(pbx, result["uniqueid"])
        if fax:
            return fax
        box = self.env["hotline.fax.box"]._hotline_box_of_number(
            pbx, result.get("exten")
        )
        return self.create(
            {
                "direction": "in",
                "state": "receiving",
                "pbx_id": pbx.id,
                "company_id": (box.company_id or pbx.company_id).id,
                "box_id": box.id,
                "did": result.get("exten") or False,
                "remote_number": result.get("caller") or False,
                "uniqueid": result["uniqueid"],
                "linkedid": result.get("linkedid") or False,
                "local_station_id": result.get("local_station_id") or False,
                "user_id": False,
            }
        )

    @api.model
    def _hotline_fax_received(self, pbx, result, now):
        fax = self._hotline_fax_find(pbx, result["uniqueid"])
        if fax and fax.state != "receiving":
            return fax  # replayed event: already filed
        if not fax:
            fax = self._hotline_fax_receiving(pbx, result)
        files = result.get("files") or []
        values = {
            "remote_station_id": result.get("remote_station_id") or False,
            "local_station_id": result.get("local_station_id") or False,
            "pages": result.get("pages") or 0,
            "resolution": result.get("resolution") or False,
            "transfer_rate": result.get("rate") or False,
            "file_name": files[0] if files else False,
            "done_at": now,
        }
        if result.get("status") != "SUCCESS":
            values.update(
                state="failed",
                error=result.get("error") or result.get("status_text") or "FAILED",
            )
            fax.write(values)
            return fax
        error = False
        pdf = None
        path = self._hotline_spool_path(pbx, files[0]) if files else None
        if not path:
            error = self.env._(
                "The fax file %s is not in the PBX's fax folder.",
                files[0] if files else "-",
            )
        else:
            try:
                with open(path, "rb") as handle:
                    tiff = handle.read()
                pdf, pages = faxlib.tiff_to_pdf(tiff)
                values["pages"] = pages
            except OSError as exc:
                error = self.env._("The fax file cannot be read: %s", exc.strerror)
            except faxlib.FaxDocumentError as exc:
                error = self.env._("The fax file is not a valid TIFF: %s", exc)
        if error:
            values.update(state="failed", error=error)
            fax.write(values)
            return fax
        values["state"] = "received"
        fax.write(values)
        fax.attachment_id = self.env["ir.attachment"].create(
            {
                "name": fax._hotline_file_name("pdf"),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": fax.id,
            }
        )
        fax._hotline_fax_dispatch()
        return fax

    def _hotline_file_name(self, extension):
        self.ensure_one()
        stamp = fields.Datetime.context_timestamp(
            self, self.done_at or self.create_date or fields.Datetime.now()
        )
        number = "".join(c for c in (self.remote_number or "") if c.isdigit())
        return f"fax-{number or 'unknown'}-{stamp:%Y%m%d-%H%M%S}.{extension}"

    def _hotline_fax_dispatch(self):
        """What the box does with a received fax: forward it by e-mail, open
        a case."""
        self.ensure_one()
        box = self.box_id
        if not box:
            return
        if box.forward_emails:
            self._hotline_fax_forward()
        if box.open_case:
            self._hotline_fax_open_case()
        partners = (box.user_id | box.member_ids).partner_id
        if partners:
            self.message_subscribe(partner_ids=partners.ids)
            self.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Fax of %(pages)s page(s) received from %(number)s.",
                    pages=self.pages,
                    number=self.remote_number or self.env._("unknown number"),
                ),
                attachment_ids=self.attachment_id.ids,
                partner_ids=partners.ids,
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
            )

    def _hotline_fax_forward(self):
        """fax-to-mail: the PDF to the box's addresses, as one e-mail."""
        self.ensure_one()
        box = self.box_id
        recipients = ", ".join(
            p.strip() for p in (box.forward_emails or "").split(",") if p.strip()
        )
        if not recipients or not self.attachment_id:
            return self.env["mail.mail"]
        company = self.company_id
        subject = self.env._(
            "Fax from %(number)s (%(pages)s page(s)) in %(box)s",
            number=self.remote_number or self.env._("unknown number"),
            pages=self.pages,
            box=box.name,
        )
        body = Markup("<p>%s</p><p>%s</p>") % (
            subject,
            self.env._(
                "Remote station: %(station)s. Received on %(did)s.",
                station=self.remote_station_id or "-",
                did=self.did or "-",
            ),
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body,
                    "email_to": recipients,
                    "email_from": company.email_formatted
                    or self.env.user.email_formatted,
                    "model": self._name,
                    "res_id": self.id,
                    "attachment_ids": [(4, self.attachment_id.id)],
                    "auto_delete": False,
                }
            )
        )
        self.forwarded = True
        return mail

    def _hotline_fax_open_case(self):
        """A case from the received fax: hotline_complaints' fax intake."""
        self.ensure_one()
        return False

    # -- sending -----------------------------------------------------------------
    @api.model
    def _hotline_send_wizard_action(self, box=None, res_model=None, res_id=None):
        context = {}
        if box:
            context["default_box_id"] = box.id
        if res_model and res_id:
            context.update(default_res_model=res_model, default_res_id=res_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send a fax"),
            "res_model": "hotline.fax.send.wizard",
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.model
    def _hotline_queue_faxes(
        self, box, numbers, documents, res_model=False, res_id=False
    ):
        """One queued fax per number (broadcast), the documents (PDF
        attachments) converted to one TIFF-F now: a document that cannot be
        converted stops everything before anything is queued."""
        if not box:
            raise UserError(self.env._("Choose the fax box to send from."))
        targets = []
        region = (box.company_id.country_id.code or "CN").upper()
        for number in faxlib.split_numbers(numbers):
            try:
                targets.append(dialable(number, region))
            except NotDialable as exc:
                raise UserError(self.env._("%s is not a fax number.", number)) from exc
        if not targets:
            raise UserError(self.env._("Give at least one fax number."))
        if not documents:
            raise UserError(self.env._("Choose the PDF document(s) to send."))
        datas = []
        for document in documents:
            raw = document.raw or b""
            if raw[:5] != b"%PDF-":
                raise UserError(self.env._("%s is not a PDF document.", document.name))
            datas.append(raw)
        try:
            tiff, pages = faxlib.pdf_to_tiff(datas)
        except faxlib.FaxDocumentError as exc:
            raise UserError(
                self.env._("The document cannot be converted to a fax: %s", exc)
            ) from exc
        faxes = self.browse()
        now = fields.Datetime.now()
        for number in dict.fromkeys(targets):
            fax = self.create(
                {
                    "direction": "out",
                    "state": "queued",
                    "box_id": box.id,
                    "company_id": box.company_id.id,
                    "pbx_id": box.pbx_id.id,
                    "remote_number": number,
                    "pages": pages,
                    "local_station_id": box.station_id or False,
                    "max_attempts": 1 + box.retry_count,
                    "retry_minutes": box.retry_minutes,
                    "next_attempt_at": now,
                    "res_model": res_model or False,
                    "res_id": res_id or False,
                    "source_attachment_ids": [(6, 0, documents.ids)],
                }
            )
            # image_no_postprocess: Odoo would shrink (and re-encode) a large
            # TIFF like a photo; the fax needs its 1728-dot lines as they are
            fax.tiff_attachment_id = (
                self.env["ir.attachment"]
                .with_context(image_no_postprocess=True)
                .create(
                    {
                        "name": fax._hotline_file_name("tif"),
                        "raw": tiff,
                        "mimetype": "image/tiff",
                        "res_model": self._name,
                        "res_id": fax.id,
                    }
                )
            )
            fax.attachment_id = documents[:1]
            faxes |= fax
        return faxes

    @api.model
    def _hotline_fax_on_demand(self, request, document_id, box_id, number):
        """Fax on demand (IVR): queue ``document_id`` from ``box_id`` to the
        ``number`` the caller typed. Returns the engine's outcome:
        ``queued`` or ``invalid_number`` (no number, not dialable, or the
        caller's number is blacklisted with refusal is not checked here: the
        IVR's own blacklist node does it)."""
        box = self.env["hotline.fax.box"].browse(box_id or 0).exists()
        document = self.env["ir.attachment"].browse(document_id or 0).exists()
        if not box or not document:
            raise UserError(self.env._("The fax on demand node has no document."))
        number = (number or "").strip()
        if len(number) < 5:
            return {"outcome": "invalid_number"}
        caller = request.get("caller") or ""
        since = fields.Datetime.now() - timedelta(days=1)
        recent = self.search_count(
            [
                ("on_demand_caller", "!=", False),
                ("create_date", ">=", since),
                "|",
                ("on_demand_caller", "=", caller),
                ("remote_number", "like", number[-8:]),
            ]
        )
        if recent >= ON_DEMAND_DAILY_LIMIT:
            # fax on demand is not a way to flood a number or to run up calls
            return {"outcome": "limit"}
        try:
            faxes = self._hotline_queue_faxes(box, number, document)
        except UserError:
            return {"outcome": "invalid_number"}
        faxes.write({"user_id": False, "on_demand_caller": caller or "-"})
        faxes.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Fax on demand asked by %(caller)s on %(did)s.",
                caller=request.get("caller") or "-",
                did=request.get("did") or "-",
            )
        )
        return {"outcome": "queued", "variables": {"fax_id": faxes[:1].id}}

    @api.model
    def hotline_fax_plan(self, pbx_id, now=None, limit=10):
        """The faxes of ``pbx_id`` to send now: each written into the fax
        spool, marked sending (one more attempt) and returned as Originate
        specs. The connector commits before it sends them."""
        pbx = self.env["hotline.pbx"].browse(pbx_id)
        now = (now or fields.Datetime.now()).replace(tzinfo=None)
        self._hotline_fax_resolve_stale(pbx, now)
        faxes = self.search(
            [
                ("pbx_id", "=", pbx.id),
                ("direction", "=", "out"),
                ("state", "=", "queued"),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", now),
            ],
            order="next_attempt_at, id",
            limit=limit,
        )
        specs = []
        for fax in faxes:
            spec = fax._hotline_fax_spec(pbx, now)
            if spec:
                specs.append(spec)
        return specs

    @api.model
    def _hotline_fax_resolve_stale(self, pbx, now):
        """Faxes left "sending" with no result long after their call could
        have ended (the connector was down when it came): counted as a failed
        attempt, never sent again blindly before that."""
        limit = now - timedelta(seconds=(pbx.fax_ring_timeout or 60) + STALE_SECONDS)
        stale = self.search(
            [
                ("pbx_id", "=", pbx.id),
                ("direction", "=", "out"),
                ("state", "=", "sending"),
                ("sending_since", "<", limit),
            ]
        )
        for fax in stale:
            fax._hotline_fax_retry_or_fail(
                self.env._("No result from the PBX for this attempt."), now
            )
        return stale

    def _hotline_fax_spec(self, pbx, now):
        self.ensure_one()
        name = f"fax-{self.id}-{self.attempts + 1}.tif"
        folder = allowed_root(pbx.fax_path or "")
        if not folder or not self.tiff_attachment_id:
            self._hotline_fax_give_up(
                self.env._("The PBX has no fax folder Odoo may write into.")
            )
            return None
        try:
            os.makedirs(os.path.join(folder, "out"), exist_ok=True)
            with open(os.path.join(folder, "out", name), "wb") as handle:
                handle.write(self.tiff_attachment_id.raw)
        except OSError as exc:
            self._hotline_fax_give_up(
                self.env._("The fax file cannot be written: %s", exc.strerror)
            )
            return None
        asterisk_file = posixpath.join(
            (pbx.fax_asterisk_dir or "").rstrip("/"), "out", name
        )
        channel_id = faxlib.make_channel_id(self.id)
        self.write(
            {
                "state": "sending",
                "sending_since": now,
                "attempts": self.attempts + 1,
                "uniqueid": channel_id,
                "file_name": asterisk_file,
                "error": False,
            }
        )
        return {
            "fax_id": self.id,
            "action_id": faxlib.make_action_id(self.id),
            "channel_id": channel_id,
            "channel": pbx.trunk_channel_template.replace(
                "{number}", self.remote_number
            ),
            "context": pbx.fax_send_context,
            "file": asterisk_file,
            "timeout": pbx.fax_ring_timeout or 60,
            "station_id": self.box_id.station_id or "",
            "header": self.box_id.header or "",
            "caller_id": self.box_id._number_list()[0]
            if self.box_id._number_list()
            else "",
        }

    def _hotline_fax_give_up(self, error):
        self.write({"state": "failed", "error": error, "next_attempt_at": False})

    def _hotline_fax_retry_or_fail(self, error, now):
        self.ensure_one()
        if self.attempts < self.max_attempts:
            self.write(
                {
                    "state": "queued",
                    "error": error,
                    "next_attempt_at": now + timedelta(minutes=self.retry_minutes),
                }
            )
        else:
            self.write(
                {
                    "state": "failed",
                    "error": error,
                    "next_attempt_at": False,
                    "done_at": now,
                }
            )

    def _hotline_fax_sent(self, result, now):
        self.ensure_one()
        if self.state != "sending":
            return
        if result.get("status") == "SUCCESS":
            self.write(
                {
                    "state": "sent",
                    "pages": result.get("pages") or self.pages,
                    "remote_station_id": result.get("remote_station_id") or False,
                    "local_station_id": result.get("local_station_id")
                    or self.local_station_id,
                    "resolution": result.get("resolution") or False,
                    "transfer_rate": result.get("rate") or False,
                    "error": False,
                    "done_at": now,
                    "next_attempt_at": False,
                }
            )
            return
        error = result.get("error") or result.get("status_text") or "FAILED"
        self._hotline_fax_retry_or_fail(error, now)

    def _hotline_fax_not_sent(self, result, now):
        self.ensure_one()
        if self.state != "sending":
            return
        self._hotline_fax_retry_or_fail(
            self._hotline_call_result_text(result.get("result")), now
        )

    def _hotline_call_result_text(self, code):
        """Why the fax call was not answered, in words (codes of
        pbx.dialer.attempt_result)."""
        texts = {
            "busy": self.env._("Busy"),
            "no_answer": self.env._("No answer"),
            "invalid_number": self.env._("Number does not exist"),
            "rejected": self.env._("Rejected"),
            "congestion": self.env._("Congestion / network failure"),
        }
        return texts.get(code) or self.env._("The call failed")

    @api.model
    def hotline_fax_refused(self, fax_id, message, now=None):
        """The PBX refused the Originate (e.g. a fax send context it does not
        have): the fax fails at once, with Asterisk's words."""
        fax = self.browse(fax_id).exists()
        if fax:
            fax.write(
                {
                    "state": "failed",
                    "error": message,
                    "next_attempt_at": False,
                    "done_at": (now or fields.Datetime.now()).replace(tzinfo=None),
                }
            )
        return True

    # -- buttons -----------------------------------------------------------------
    def action_retry(self):
        for fax in self:
            if fax.direction != "out" or fax.state != "failed":
                raise UserError(
                    self.env._("Only failed outgoing faxes can be sent again.")
                )
        for fax in self:
            fax.write(
                {
                    "state": "queued",
                    "next_attempt_at": fields.Datetime.now(),
                    "max_attempts": fax.attempts + 1,
                    "error": False,
                }
            )
        return True

    def action_cancel(self):
        for fax in self:
            if fax.state != "queued":
                raise UserError(self.env._("Only queued faxes can be cancelled."))
        self.write(
            {
                "state": "failed",
                "error": self.env._("Cancelled"),
                "next_attempt_at": False,
            }
        )
        return True

    def action_reply(self):
        """Send a fax back to the sender of a received fax."""
        self.ensure_one()
        action = self._hotline_send_wizard_action(
            box=self.box_id, res_model=self._name, res_id=self.id
        )
        action["context"]["default_numbers"] = self.remote_number or ""
        action["context"]["default_attachment_ids"] = []
        return action

    def action_download(self):
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("This fax has no document."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
