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
        once; the first task moves, the others stay) or the task is a
        confidential reporter's and ``target`` is not confidential (the task
        names the reporter: it stays hidden with its case). The plan's
        chatter says what happened to each."""
        res = super().hotline_merge_into(target)
        Task = self.env["hotline.callback.task"].sudo()
        has_task = bool(Task.search_count([("ticket_id", "=", target.id)]))
        for task in Task.search([("ticket_id", "in", self.ids)], order="id"):
            old = task.ticket_id
            if has_task:
                note = self.env._(
                    "Case %(old)s was merged into %(new)s, which has its own "
                    "callback task: the callback task of %(old)s stays on it.",
                    old=old.number,
                    new=target.number,
                )
            elif old.is_confidential and not target.is_confidential:
                note = self.env._(
                    "Case %(old)s was merged into %(new)s: its callback task "
                    "stays on it (a confidential reporter's).",
                    old=old.number,
                    new=target.number,
                )
            else:
                task.ticket_id = target
                has_task = True
                note = self.env._(
                    "Case %(old)s was merged into %(new)s: its callback task "
                    "follows it.",
                    old=old.number,
                    new=target.number,
                )
            task.plan_id.message_post(body=note, subtype_xmlid="mail.mt_note")
        return res

    def _hotline_complaint_from_callback(self, task):
        """A dissatisfied callback answer: reopen the case or create a
        complaint case linked to it. Returns the case."""
        raise NotImplementedError  # hotline_survey wave: the statistics helper
