# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

WORK_ORDER_STATES = [
    ("dispatched", "Dispatched"),
    ("departed", "Departed"),
    ("on_site", "On site"),
    ("done", "Done"),
    ("returned", "Returned"),
]
OUT_STATES = ("departed", "on_site")
# bus notification the supervisors' work order board reloads on
BOARD_NOTIFICATION = "hotline/work_order_changed"
BOARD_FIELDS = {"state", "user_id", "ticket_id"}
NEXT_STATES = {
    "dispatched": ("departed", "returned"),
    "departed": ("on_site", "returned"),
    "on_site": ("done", "returned"),
    "done": (),
    "returned": (),
}


class HotlineWorkOrder(models.Model):
    """Field dispatch (派工跟踪) of a repair or fault case to field staff."""

    _name = "hotline.work.order"
    _description = "Field Work Order"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: self.env._("New")
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Field staff", required=True, tracking=True, index=True
    )
    team_id = fields.Many2one(related="ticket_id.team_id", store=True)
    state = fields.Selection(
        WORK_ORDER_STATES,
        default="dispatched",
        required=True,
        tracking=True,
        group_expand="_group_expand_states",
    )
    state_changed_at = fields.Datetime(
        string="In this status since",
        default=fields.Datetime.now,
        readonly=True,
        copy=False,
    )
    state_hours = fields.Float(
        string="Time in status",
        compute="_compute_state_hours",
        help="Hours since the last status change.",
    )
    is_out = fields.Boolean(
        string="Out in the field",
        compute="_compute_is_out",
        search="_search_is_out",
        help="Departed or on site.",
    )
    location = fields.Char(related="ticket_id.event_location", string="Address")
    instructions = fields.Text()
    dispatched_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    departed_at = fields.Datetime(readonly=True)
    on_site_at = fields.Datetime(readonly=True)
    done_at = fields.Datetime(readonly=True)
    returned_at = fields.Datetime(readonly=True)
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    photo = fields.Image(max_width=1920, max_height=1920)
    result_note = fields.Text(string="Result")

    def _group_expand_states(self, states, domain):
        return [key for key, _label in WORK_ORDER_STATES]

    @api.depends("state_changed_at")
    def _compute_state_hours(self):
        now = fields.Datetime.now()
        for order in self:
            since = order.state_changed_at or order.dispatched_at
            order.state_hours = (
                max((now - since).total_seconds(), 0) / 3600 if since else 0.0
            )

    @api.depends("state")
    def _compute_is_out(self):
        for order in self:
            order.is_out = order.state in OUT_STATES

    def _search_is_out(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on 'Out in the field'."))
        positive = (operator == "=") == bool(value)
        return [("state", "in" if positive else "not in", OUT_STATES)]

    def _hotline_notify_board(self):
        """Tell the supervisors' open work order boards to reload: one bus
        notification on the supervisor group's channel, which Odoo's bus
        subscribes every member to (sent when the transaction commits)."""
        if not self:
            return
        self.env.ref("hotline_base.group_supervisor").sudo()._bus_send(
            BOARD_NOTIFICATION,
            {
                "work_order_ids": self.ids,
                "states": {str(order.id): order.state for order in self},
            },
        )

    def write(self, vals):
        if "state" in vals and "state_changed_at" not in vals:
            vals = dict(vals, state_changed_at=fields.Datetime.now())
        result = super().write(vals)
        if BOARD_FIELDS & set(vals):
            self._hotline_notify_board()
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "hotline.work.order"
                ) or self.env._("New")
        orders = super().create(vals_list)
        orders._hotline_notify_board()
        for order in orders:
            order.ticket_id._hotline_log_event(
                "work_order",
                note=self.env._(
                    "%(order)s dispatched to %(user)s.",
                    order=order.name,
                    user=order.user_id.name,
                ),
            )
        return orders

    def hotline_set_state(
        self, state, latitude=None, longitude=None, photo=None, note=None
    ):
        """Move the work order on; only its field staff or a supervisor may."""
        for order in self:
            if not (
                self.env.user == order.user_id
                or self.env.user.has_group("hotline_base.group_supervisor")
                or self.env.su
            ):
                raise AccessError(
                    self.env._(
                        "Only the assigned field staff can update %s.", order.name
                    )
                )
            if state not in NEXT_STATES[order.state]:
                raise UserError(
                    self.env._(
                        "%(order)s cannot go from %(old)s to %(new)s.",
                        order=order.name,
                        old=dict(WORK_ORDER_STATES)[order.state],
                        new=dict(WORK_ORDER_STATES).get(state, state),
                    )
                )
            vals = {"state": state, f"{state}_at": fields.Datetime.now()}
            if latitude is not None and longitude is not None:
                if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                    raise UserError(self.env._("The location is not valid."))
                vals.update(latitude=latitude, longitude=longitude)
            if photo:
                vals["photo"] = photo
            if note:
                vals["result_note"] = note
            order.sudo().write(vals)
            order.ticket_id.sudo()._hotline_log_event(
                "work_order",
                note=self.env._(
                    "%(order)s: %(state)s.",
                    order=order.name,
                    state=dict(WORK_ORDER_STATES)[state],
                ),
            )
            if state == "departed":
                order._hotline_care_departed()
        return True

    def _hotline_care_departed(self):
        """派工已出发: tell the customer the field staff are on their way."""
        self.ensure_one()
        ticket = self.sudo().ticket_id
        self.env["hotline.care.message"]._hotline_send_care(
            "work_order",
            ticket.partner_id,
            self,
            template=self.env.ref("hotline_complaints.sms_template_care_work_order"),
            number=ticket._hotline_care_number(),
            company=ticket.company_id,
        )

    def action_depart(self):
        return self.hotline_set_state("departed")

    def action_on_site(self):
        return self.hotline_set_state("on_site")

    def action_done(self):
        return self.hotline_set_state("done")

    def action_return(self):
        return self.hotline_set_state("returned")
