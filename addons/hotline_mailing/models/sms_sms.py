# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models

QUEUE_DOMAIN = [("state", "=", "outgoing"), ("to_delete", "!=", True)]


class SmsSms(models.Model):
    _inherit = "sms.sms"

    hotline_processed_at = fields.Datetime(
        string="Taken from the queue at",
        readonly=True,
        index="btree_not_null",
        help="When the SMS queue handed it to the provider (rate limit).",
    )

    def _process_queue(self, ids=None):
        """Odoo's SMS queue, throttled to the company's SMS per minute and
        holding mass SMS (mailings) during the quiet hours of care messages.

        The company is the queue's (the cron runs in the main company): one
        provider account per database is the common case.
        """
        company = self.env.company
        rate = company.hotline_sms_rate_per_minute
        wake = self.env["hotline.care.message"]._hotline_quiet_until(company)
        if not rate and not wake:
            return super()._process_queue(ids=ids)
        Sms = self.sudo()
        now = fields.Datetime.now()
        cron = self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()
        domain = list(QUEUE_DOMAIN)
        if ids:
            domain.append(("id", "in", list(ids)))
        if wake:
            held = domain + [("mailing_id", "!=", False)]
            if Sms.search_count(held, limit=1):
                cron._trigger(at=wake)
            domain.append(("mailing_id", "=", False))
        limit = None
        if rate:
            recent = Sms.search_count(
                [("hotline_processed_at", ">", now - timedelta(minutes=1))]
            )
            limit = max(rate - recent, 0)
        batch = Sms.search(domain, order="id", limit=limit) if limit != 0 else Sms
        if rate and Sms.search_count(domain) > len(batch):
            # the rest in the next minute
            cron._trigger(at=now + timedelta(minutes=1))
        if not batch:
            return None
        batch.write({"hotline_processed_at": now})
        return super()._process_queue(ids=batch.ids)
