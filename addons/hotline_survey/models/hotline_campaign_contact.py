# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The callback tasks follow their campaign contact (the outbound engine of
hotline_callcenter dials, retries and records it): an attempt starts → the
task is being called; the attempt fails and the contact waits for its next
one → to call again; the contact is unreachable (or not dialled) → the task
is unreachable; the contact is reached → see
``hotline.callback.task._hotline_on_reached``."""

from odoo import api, fields, models


class HotlineCampaignContact(models.Model):
    _inherit = "hotline.campaign.contact"

    hotline_callback_task_ids = fields.One2many(
        "hotline.callback.task", "contact_id", string="Callback task"
    )

    def _hotline_callback_tasks(self):
        return self.sudo().hotline_callback_task_ids

    def _hotline_start_attempt(self, now, user=None):
        spec = super()._hotline_start_attempt(now, user=user)
        if spec:
            self._hotline_callback_tasks()._hotline_on_attempt_started()
        return spec

    def _hotline_after_result(self, attempt, now):
        res = super()._hotline_after_result(attempt, now)
        if self.state == "retry":
            self._hotline_callback_tasks()._hotline_on_retry()
        return res

    def _hotline_on_finished(self):
        res = super()._hotline_on_finished()
        for contact in self:
            tasks = contact._hotline_callback_tasks()
            if not tasks:
                continue
            if contact.state in ("failed", "excluded"):
                tasks.filtered(
                    lambda task: task.state in ("pending", "calling")
                )._hotline_on_unreachable()
            elif contact.state == "done":
                tasks._hotline_on_reached()
        return res

    @api.model
    def hotline_my_tasks(self, limit=10):
        """The systray's preview tasks: a callback says it is one (回访) and
        about which case."""
        result = super().hotline_my_tasks(limit=limit)
        contacts = self.browse([task["id"] for task in result["tasks"]])
        labels = {}
        for contact in contacts:
            task = contact._hotline_callback_tasks()[:1]
            if task:
                labels[contact.id] = task._hotline_systray_label()
        for item in result["tasks"]:
            if item["id"] in labels:
                item["campaign"] = labels[item["id"]]
                item["hotline_callback"] = True
        return result

    def action_open_callback_task(self):
        """From the contact card: the callback task (with its survey)."""
        self.ensure_one()
        task = self.hotline_callback_task_ids[:1]
        return task._hotline_form_action()
