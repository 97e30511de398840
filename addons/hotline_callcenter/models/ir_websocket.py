# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from .hotline_call import WAITING_SUBCHANNEL
from .hotline_campaign import COUNTERS_SUBCHANNEL
from .hotline_wallboard import WALLBOARD_SUBCHANNEL


class IrWebsocket(models.AbstractModel):
    """Agents listen to the waiting-callers channel of their queues,
    supervisors to their companies' campaign counters, wallboard users to
    their companies' wallboards."""

    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        channels = super()._build_bus_channel_list(channels)
        channels.extend(self._hotline_waiting_channels())
        channels.extend(self._hotline_campaign_channels())
        channels.extend(self._hotline_wallboard_channels())
        return channels

    def _hotline_wallboard_channels(self):
        """``(company, "hotline_wallboard")`` of each company whose wallboard
        the user (wallboard user, supervisor, leader) sees."""
        user = self.env.user
        if not user or user._is_public():
            return []
        companies = self.env["hotline.wallboard"]._hotline_companies_of(user)
        return [(company, WALLBOARD_SUBCHANNEL) for company in companies]

    def _hotline_campaign_channels(self):
        """``(company, "hotline_campaign")`` of each company whose campaigns'
        live counters the user (a supervisor) sees."""
        user = self.env.user
        if not user or user._is_public():
            return []
        companies = self.env["hotline.campaign"]._hotline_counters_companies_of(user)
        return [(company, COUNTERS_SUBCHANNEL) for company in companies]

    def _hotline_waiting_channels(self):
        """``(queue, "hotline_waiting")`` of each queue whose waiting callers
        the user sees (the server decides: clients cannot ask for others)."""
        user = self.env.user
        if not user or user._is_public():
            return []
        queues = self.env["hotline.call"]._hotline_waiting_queues_of(user)
        return [(queue, WAITING_SUBCHANNEL) for queue in queues]
