# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models

IDENTITY_GROUP = "hotline_complaints.group_reporter_identity"
# wkhtmltopdf states in which ir.actions.report prints PDF
PDF_STATES = ("ok", "upgrade")


class ReportReplyLetter(models.AbstractModel):
    """The reply letter (回复函) of a case, on the company letterhead.

    The addressee of a confidential case is its reporter, printed only for the
    Reporter identity group (the read is logged); anyone else gets the letter
    without name and address.
    """

    _name = "report.hotline_complaints.report_reply_letter"
    _description = "Case Reply Letter"

    @api.model
    def _hotline_recipient(self, ticket):
        if ticket.is_confidential:
            if not self.env.user.has_group(IDENTITY_GROUP):
                return {"hidden": True, "name": False, "address": []}
            reporter = ticket.reporter_id
            # read() as the user: the identity log records who printed it
            values = (
                reporter.read(["name", "address", "anonymous"])[0] if reporter else {}
            )
            name = not values.get("anonymous") and values.get("name")
            address = (values.get("address") or "").splitlines()
            return {"hidden": False, "name": name or False, "address": address}
        partner = ticket.partner_id
        name = ticket.partner_name or partner.name
        address = []
        if partner:
            address = [
                line
                for line in partner._display_address(without_company=True).splitlines()
                if line.strip() and line.strip() != (name or "").strip()
            ]
        return {"hidden": False, "name": name or False, "address": address}

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["helpdesk.ticket"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "helpdesk.ticket",
            "docs": docs,
            "recipients": {doc.id: self._hotline_recipient(doc) for doc in docs},
            "today": fields.Date.context_today(self),
        }

    @api.model
    def hotline_file_letters(self, tickets):
        """Render each case's reply letter and attach it: PDF when wkhtmltopdf is
        installed, otherwise the HTML rendering (printable from the browser).

        A letter that names a confidential reporter is filed on the reporter
        record (Reporter identity group only), never on the case.
        """
        Report = self.env["ir.actions.report"]
        report = self.env.ref("hotline_complaints.action_report_reply_letter")
        attachments = self.env["ir.attachment"]
        for ticket in tickets:
            if Report.get_wkhtmltopdf_state() in PDF_STATES:
                content, kind = Report._render_qweb_pdf(report, [ticket.id])
            else:
                content, kind = Report._render_qweb_html(report, [ticket.id])
            if isinstance(content, str):
                content = content.encode()
            kind = "pdf" if kind == "pdf" else "html"
            name = self.env._("Reply letter %s", ticket.number)
            holder = ticket
            recipient = self._hotline_recipient(ticket)
            if ticket.is_confidential and not recipient["hidden"]:
                holder = ticket.reporter_id
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{name}.{kind}",
                    "datas": base64.b64encode(content),
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                    "res_model": holder._name,
                    "res_id": holder.id,
                }
            )
            attachments |= attachment
            if holder == ticket:
                ticket.message_post(
                    body=self.env._("Reply letter printed."),
                    attachment_ids=attachment.ids,
                    subtype_xmlid="mail.mt_note",
                )
            else:
                ticket.message_post(
                    body=self.env._(
                        "Reply letter printed; it names the reporter and is filed "
                        "with the reporter identity."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return attachments
