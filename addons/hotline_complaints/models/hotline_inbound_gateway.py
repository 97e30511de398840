# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

import phonenumbers
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.hotline_base.tools import phone

from ..tools import text_query
from .helpdesk_ticket import DONE_STATES

TITLE_LENGTH = 60
# replies that opt the number out of mass and care SMS (回T退订)
OPT_OUT_KEYWORDS = frozenset({"退订", "TD", "T", "STOP", "UNSUBSCRIBE"})


class HotlineInboundGateway(models.Model):
    """An SMS gateway or fax server that posts incoming messages to
    ``/hotline/inbound/sms`` or ``/hotline/inbound/fax``.

    It authenticates with an API key of its technical user (as the customer
    sync API of hotline_base): one user, hence one key, per gateway.
    """

    _name = "hotline.inbound.gateway"
    _description = "Inbound SMS/Fax Gateway"
    _order = "channel_code, name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    channel_code = fields.Selection(
        [("sms", "SMS"), ("fax", "Fax")], string="Channel", required=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Gateway user",
        required=True,
        ondelete="restrict",
        domain=[("share", "=", False)],
        help="Technical user whose API key (scope rpc) the gateway sends as "
        "'Authorization: Bearer <key>'. Cases are created in its name.",
    )
    case_type_id = fields.Many2one(
        "hotline.case.type",
        string="Case type",
        help="Type of the cases created from this gateway (and so their team "
        "and deadlines).",
    )
    send_acknowledgement = fields.Boolean(
        default=True,
        help="Text the sender back the case number and query code (through "
        "the SMS gateway). For faxes, only when the sender is a known customer "
        "with a mobile number.",
    )
    append_days = fields.Integer(
        string="Append to open cases of the last (days)",
        default=3,
        help="An SMS from a number that has an open case received in this many "
        "days is added to that case as a message instead of opening a new "
        "case. 0 always opens a new case.",
    )
    max_kb = fields.Integer(
        string="Maximum size (KB)",
        default=20480,
        help="Larger requests are refused with HTTP 413.",
    )
    message_ids = fields.One2many(
        "hotline.inbound.message", "gateway_id", string="Messages", readonly=True
    )

    _sql_constraints = [
        (
            "append_days_positive",
            "CHECK(append_days >= 0)",
            "The number of days cannot be negative.",
        ),
        ("max_kb_positive", "CHECK(max_kb > 0)", "The maximum size must be positive."),
    ]

    # ------------------------------------------------------------------ intake
    def _hotline_find(self, message_id):
        self.ensure_one()
        return self.env["hotline.inbound.message"].search(
            [("gateway_id", "=", self.id), ("message_id", "=", message_id)], limit=1
        )

    def _hotline_partner(self, number):
        partners = self.env["res.partner"].hotline_identify_caller(number)
        return partners if len(partners) == 1 else partners.browse()

    def _hotline_open_case(self, number):
        """The latest open case of ``number`` received in ``append_days``."""
        self.ensure_one()
        if not self.append_days:
            return self.env["helpdesk.ticket"]
        country = self.env["res.partner"]._hotline_phone_country()
        key = phone.lookup_key(number, country)
        if not key:
            return self.env["helpdesk.ticket"]
        forms = {number, key, "".join(c for c in number if c.isdigit())}
        if key.startswith("+"):
            forms.add("00" + key[1:])
            parsed = phonenumbers.parse(key)
            national = phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.NATIONAL
            )
            forms.add("".join(c for c in national if c.isdigit()))
        since = fields.Datetime.now() - timedelta(days=self.append_days)
        candidates = self.env["helpdesk.ticket"].search(
            [
                ("caller_number", "in", sorted(forms)),
                ("intake_date", ">=", since),
                ("hotline_state", "not in", DONE_STATES),
                ("is_confidential", "=", False),
            ],
            order="intake_date desc, id desc",
            limit=20,
        )
        return candidates.filtered(
            lambda c: phone.lookup_key(c.caller_number, country) == key
        )[:1]

    def _hotline_acknowledge(self, case, number, partner, appended=False):
        """Queue an SMS to ``number`` with the case number (and query code)."""
        self.ensure_one()
        if not (self.send_acknowledgement and number):
            return self.env["sms.sms"]
        env = self.with_context(lang=self._hotline_lang(partner)).env
        if appended:
            body = env._("Your message was added to case %s.", case.number)
        else:
            body = env._(
                "Case %(number)s received. Query the result with the code %(code)s.",
                number=case.number,
                code=case.sudo().query_code,
            )
        return self._hotline_send_sms(number, body)

    def _hotline_lang(self, partner):
        return partner.lang or self.user_id.lang or self.env.lang

    def _hotline_send_sms(self, number, body):
        sms = self.env["sms.sms"].sudo().create({"number": number, "body": body})
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action", False)
        if cron:
            cron.sudo()._trigger()
        return sms

    def _hotline_text_query(self, message_id, number, text, recipient, received_at):
        """The query service's dispatch step (短信查询): a keyword command
        (``tools/text_query.py``) registered on ``hotline.text.query`` is
        answered by SMS to the sender and logged as a ``query`` message, with
        no case; returns ``(status, inbound message)``, or ``None`` when the
        text is no command (it then opens or extends a case)."""
        self.ensure_one()
        command = text_query.parse(text)
        if command is None:
            return None
        partner = self._hotline_partner(number)
        Query = self.env["hotline.text.query"].with_context(
            lang=self._hotline_lang(partner)
        )
        answer = Query._hotline_text_answer(
            command.command,
            {
                "channel": "sms",
                "sender": number,
                "company": self.user_id.company_id,
                "args": command.args,
                "complete": command.complete,
            },
        )
        if answer is None:
            return None
        message = self._hotline_log(
            message_id,
            {
                # who asked about a case is not kept (it may be a confidential
                # reporter's); the answer goes to the number all the same
                "sender": False
                if command.command == text_query.CASE_STATUS
                else number,
                "recipient": recipient,
                "received_at": received_at,
                "query_command": command.command,
            },
            self.env["helpdesk.ticket"],
            "query",
        )
        self._hotline_send_sms(number, answer)
        return "query", message

    def _hotline_log(self, message_id, values, case, result):
        if case.is_confidential:
            # the reporter's number stays in the reporter record only
            values = dict(values, sender=False)
        return (
            self.env["hotline.inbound.message"]
            .sudo()
            .create(
                dict(
                    values,
                    gateway_id=self.id,
                    message_id=message_id,
                    ticket_id=case.id,
                    result=result,
                )
            )
        )

    def _hotline_new_case(self, number, received_at, title, description):
        self.ensure_one()
        country = self.env["res.partner"]._hotline_phone_country()
        values = {
            "name": title,
            "description": description,
            "caller_number": phone.lookup_key(number, country) or number,
            "owner_id": False,
        }
        if received_at:
            values["intake_date"] = received_at
        if self.case_type_id:
            values["case_type_id"] = self.case_type_id.id
        return self.env["helpdesk.ticket"].hotline_intake(self.channel_code, values)

    def hotline_receive_sms(self, message_id, number, text, recipient, received_at):
        """An incoming SMS: a query command answered by SMS, a new case, or a
        message on the sender's open case.

        Returns ``(status, inbound message)``: ``query``, ``created``,
        ``appended`` or ``duplicate`` (the message id was already received:
        nothing is done).
        """
        self.ensure_one()
        known = self._hotline_find(message_id)
        if known:
            return "duplicate", known
        # -- opt-out hook (退订 → phone.blacklist; mass SMS of hotline_mailing) --
        if self._hotline_sms_opt_out(number, text):
            log = {"sender": number, "recipient": recipient, "received_at": received_at}
            no_case = self.env["helpdesk.ticket"]
            return "opted_out", self._hotline_log(message_id, log, no_case, "opted_out")
        # -- end of the opt-out hook --
        queried = self._hotline_text_query(
            message_id, number, text, recipient, received_at
        )
        if queried:
            return queried
        partner = self._hotline_partner(number)
        case = self._hotline_open_case(number)
        log_values = {
            "sender": number,
            "recipient": recipient,
            "received_at": received_at,
        }
        if case:
            body = Markup("<p><b>%s</b></p><p>%s</p>") % (
                self.env._("SMS from the caller"),
                text,
            )
            case.message_post(
                body=body,
                author_id=partner.id or None,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            case._hotline_notify(
                case.user_id or case.team_id.user_id or case.owner_id,
                self.env._("New SMS from the caller: %s", case.number),
                text,
            )
            result = "appended"
        else:
            short = text if len(text) <= TITLE_LENGTH else text[:TITLE_LENGTH] + "…"
            title = self.env._("SMS: %s", " ".join(short.split()))
            case = self._hotline_new_case(
                number, received_at, title, Markup("<p>%s</p>") % text
            )
            result = "created"
        message = self._hotline_log(message_id, log_values, case, result)
        self._hotline_acknowledge(case, number, partner, appended=result == "appended")
        return result, message

    def _hotline_sms_opt_out(self, number, text):
        """An opt-out reply (退订, TD, T): the number goes on Odoo's SMS blacklist
        (``phone.blacklist``), which mass SMS and care messages honour."""
        keyword = "".join(ch for ch in (text or "") if ch.isalnum()).upper()
        if keyword not in OPT_OUT_KEYWORDS or not number:
            return False
        country = self.env["res.partner"]._hotline_phone_country()
        key = phone.normalize(number, country) or number
        self.env["phone.blacklist"].sudo()._add(
            [key], message=self.env._("Opted out by SMS reply: %s", text.strip())
        )
        return True

    def hotline_receive_fax(
        self, message_id, number, recipient, received_at, pages, document, filename
    ):
        """An incoming fax (``document``: PDF or TIFF bytes) opens a case with
        the fax attached. Returns ``(status, inbound message)``."""
        self.ensure_one()
        known = self._hotline_find(message_id)
        if known:
            return "duplicate", known
        mimetype = fax_mimetype(document)
        if not mimetype:
            raise UserError(self.env._("The fax must be a PDF or TIFF document."))
        extension = ".pdf" if mimetype == "application/pdf" else ".tif"
        if not filename.lower().endswith((extension, ".tiff")):
            filename += extension
        partner = self._hotline_partner(number)
        title = self.env._("Fax from %s", number)
        description = Markup("<p>%s</p>") % self.env._(
            "Fax of %(pages)s page(s) received from %(number)s.",
            pages=pages or "?",
            number=number,
        )
        case = self._hotline_new_case(number, received_at, title, description)
        self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": document,
                "mimetype": mimetype,
                "res_model": "helpdesk.ticket",
                "res_id": case.id,
            }
        )
        message = self._hotline_log(
            message_id,
            {
                "sender": number,
                "recipient": recipient,
                "received_at": received_at,
                "pages": pages or 0,
            },
            case,
            "created",
        )
        mobile = partner.mobile if partner and not case.is_confidential else False
        self._hotline_acknowledge(case, mobile, partner)
        return "created", message


def fax_mimetype(document):
    """``application/pdf`` or ``image/tiff`` from the document's magic bytes."""
    if document[:5] == b"%PDF-":
        return "application/pdf"
    if document[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None
