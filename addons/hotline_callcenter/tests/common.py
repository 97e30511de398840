# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.addons.hotline_base.tests.common import HotlineCommon


class CallCenterCommon(HotlineCommon):
    """Roles, a PBX, agents with extensions and a known customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Test PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        cls.agent = cls.role_users["agent"]
        cls.supervisor = cls.role_users["supervisor"]
        cls.agent.hotline_extension = "8001"
        cls.agent.hotline_queues = "support, sales"
        cls.supervisor.hotline_extension = "9000"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Zhang Wei", "ref": "C-0001", "phone": "+86 138 0013 8000"}
        )

    def setUp(self):
        super().setUp()
        # pending notifications of earlier tests survive their rollback in
        # cr.precommit: flush them now and only look at newer ones
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        self._bus_marker = self.env.cr.fetchone()[0]

    def _new_call(self, **vals):
        values = {
            "pbx_id": self.pbx.id,
            "linkedid": f"1700000000.{self.env['hotline.call'].search_count([]) + 1}",
            "caller_number": "13800138000",
            "called_number": "4008123459",
            "direction": "inbound",
        }
        values.update(vals)
        return self.env["hotline.call"].create(values)

    def _bus_messages(self, user, notification_type):
        """Bus notifications of ``notification_type`` queued for ``user``."""
        self.env.cr.precommit.run()
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", user.partner_id.id],
            separators=(",", ":"),
        )
        notifs = (
            self.env["bus.bus"]
            .sudo()
            .search(
                [("channel", "=", channel), ("id", ">", self._bus_marker)], order="id"
            )
        )
        messages = [json.loads(n.message) for n in notifs]
        return [m["payload"] for m in messages if m["type"] == notification_type]
