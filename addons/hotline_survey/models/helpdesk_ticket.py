# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hotline_callback_consent = fields.Boolean(
        string="Reporter asked for a callback",
        tracking=True,
        help="A confidential reporter is never called back for a satisfaction "
        "survey unless they asked for it.",
    )
    hotline_callback_task_ids = fields.One2many(
        "hotline.callback.task", "ticket_id", string="Callback tasks"
    )

    def hotline_merge_into(self, target):
        """The callback tasks of the merged cases follow them into
        ``target``, unless ``target`` has one already (a case is called back
        once): then they stay on the merged case, and their plan's chatter
        says so."""
        res = super().hotline_merge_into(target)
        Task = self.env["hotline.callback.task"].sudo()
        has_task = bool(Task.search_count([("ticket_id", "=", target.id)]))
        for task in Task.search([("ticket_id", "in", self.ids)], order="id"):
            if not has_task:
                old = task.ticket_id
                task.ticket_id = target
                has_task = True
                note = self.env._(
                    "Case %(old)s was merged into %(new)s: its callback task "
                    "follows it.",
                    old=old.number,
                    new=target.number,
                )
            else:
                note = self.env._(
                    "Case %(old)s was merged into %(new)s, which has its own "
                    "callback task: the callback task of %(old)s stays on it.",
                    old=task.ticket_id.number,
                    new=target.number,
                )
            task.plan_id.message_post(body=note, subtype_xmlid="mail.mt_note")
        return res

    def _hotline_complaint_from_callback(self, task):
        """A dissatisfied callback answer: reopen the case or create a
        complaint case linked to it. Returns the case."""
        raise NotImplementedError  # hotline_survey wave: the statistics helper
