# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.misc import OrderedSet

# ``cr.postcommit.data`` key: a callable taking the NOTIFY payloads, set by a
# process that keeps a connection of its own for them (the PBX connector's
# ``BusNotifier``); without it, Odoo's way (a new connection each commit)
NOTIFIER_KEY = "hotline.bus.notifier"
CHANNELS_KEY = "bus.bus.channels"  # bus.bus._ensure_hooks's


class BusBus(models.Model):
    _inherit = "bus.bus"

    def _ensure_hooks(self):
        """The NOTIFY after the commit through the notifier the transaction
        was given (a long-lived connection: Odoo opens and closes one to the
        ``postgres`` database per commit, a backend started each time)."""
        postcommit = self.env.cr.postcommit
        notifier = postcommit.data.get(NOTIFIER_KEY)
        if notifier is not None and CHANNELS_KEY not in postcommit.data:
            postcommit.data[CHANNELS_KEY] = OrderedSet()

            @postcommit.add
            def notify():
                from odoo.addons.bus.models.bus import get_notify_payloads

                notifier(get_notify_payloads(list(postcommit.data.pop(CHANNELS_KEY))))

        # with the channels' set there, Odoo's adds the precommit part only
        return super()._ensure_hooks()
