# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

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
        "hotline.callback.task",
        "ticket_id",
        string="Callback tasks",
        # case handlers read cases, not the callback tasks (RPC reads of all
        # the case's fields must not fail for them)
        groups="hotline_base.group_agent,hotline_base.group_supervisor,"
        "hotline_base.group_leader",
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
        complaint case linked to it. Returns the case.

        hotline_complaints has no transition out of *closed* (a closed case is
        final: 办结), so a complaint case is always created, as key 0 of the
        post-call rating does (``hotline.call._hotline_on_rating_complaint``):
        type complaint, for the task's customer, linked to the original case
        (both ways) and call, naming the agent who handled it and not owned by
        that agent. Once per task: a second call returns the first case. The
        complaint about a confidential reporter's case is confidential too:
        the customer's identity goes to a reporter record as at intake."""
        task.ensure_one()
        task = task.sudo()
        if task.complaint_ticket_id:
            return task.complaint_ticket_id
        original = task.ticket_id or task.work_order_id.ticket_id
        call = task.call_id
        if original:
            number, email, partner = original._hotline_contact()
        else:
            number, email, partner = False, False, task.partner_id
        partner = partner or task.partner_id
        number = number or partner.mobile or partner.phone or call.caller_number
        confidential = bool(original.is_confidential) or bool(
            call and call._hotline_caller_hidden()
        )
        user_input = task.user_input_id
        by_link = user_input.hotline_source == "link"
        channel = self.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_channel_web"
            if by_link
            else "helpdesk_mgmt.helpdesk_ticket_channel_phone"
        )
        agent = task.handling_user_id.name or self.env._("unknown agent")
        what = (
            original.number
            if original
            else (call.display_name if call else task.work_order_id.display_name)
        ) or "-"
        values = {
            "name": self.env._(
                "Dissatisfied at the satisfaction callback (agent %s)", agent
            ),
            "description": Markup("<p>%s</p>")
            % self.env._(
                "The customer answered the satisfaction survey %(survey)s about "
                "%(what)s as dissatisfied; it was handled by %(agent)s.",
                survey=task.survey_id.title or "-",
                what=what,
                agent=agent,
            ),
            "case_type_id": self.env.ref("hotline_complaints.case_type_complaint").id,
            "channel_id": channel.id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": email or partner.email,
            "caller_number": number,
            "company_id": task.company_id.id,
            # not owned by the agent the complaint is about
            "owner_id": False,
            "is_confidential": confidential,
        }
        if call and not by_link:
            values["call_ids"] = [fields.Command.set(call.ids)]
        complaint = self.sudo().create(values)
        if original:
            complaint.hotline_link(original)
            original.message_post(
                body=self.env._(
                    "Dissatisfied at the satisfaction callback: complaint case %s "
                    "opened.",
                    complaint.number,
                ),
                subtype_xmlid="mail.mt_note",
            )
        task.complaint_ticket_id = complaint
        return complaint
