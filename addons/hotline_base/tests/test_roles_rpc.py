# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged

from .common import HotlineCommon

ALL_ROLES = frozenset(
    {"agent", "supervisor", "handler", "leader", "finance", "hotline_admin"}
)
# model -> roles that may (read, write) it, checked over XML-RPC
MATRIX = {
    "res.partner": {
        "read": ALL_ROLES,
        "write": {"agent", "supervisor", "finance", "hotline_admin"},
    },
    "hotline.partner.phone": {
        "read": ALL_ROLES,
        "write": {"agent", "supervisor", "hotline_admin"},
    },
    "hotline.area": {
        "read": ALL_ROLES,
        "write": {"hotline_admin"},
    },
    "hotline.customer.category": {
        "read": ALL_ROLES,
        "write": {"hotline_admin"},
    },
    "hotline.service.site": {
        "read": ALL_ROLES,
        "write": {"agent", "supervisor", "hotline_admin"},
    },
    "hotline.blacklist": {
        "read": {"agent", "supervisor", "hotline_admin"},
        "write": {"supervisor", "hotline_admin"},
    },
    "hotline.knowledge.article": {
        "read": ALL_ROLES,
        "write": {"supervisor", "hotline_admin"},
    },
}


@tagged("post_install", "-at_install")
class TestRolesRpc(HotlineCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        customer = cls.env["res.partner"].create(
            {"name": "王建华", "mobile": "13812345678", "hotline_is_customer": True}
        )
        cls.records = {
            "res.partner": customer,
            "hotline.partner.phone": customer.hotline_phone_ids[:1],
            "hotline.area": cls.env["hotline.area"].create({"name": "朝阳区"}),
            "hotline.customer.category": cls.env["hotline.customer.category"].create(
                {"name": "Resident"}
            ),
            "hotline.service.site": cls.env["hotline.service.site"].create(
                {"partner_id": customer.id, "name": "家", "meter_number": "RPC-1"}
            ),
            "hotline.blacklist": cls.env["hotline.blacklist"].create(
                {"number": "13900000000", "reason": "test", "state": "active"}
            ),
            "hotline.knowledge.article": cls.env["hotline.knowledge.article"].create(
                {"name": "安全用气"}
            ),
        }
        cls.write_values = {
            "res.partner": {"hotline_room": "501"},
            "hotline.partner.phone": {"note": "home"},
            "hotline.area": {"code": "RPC-CY"},
            "hotline.customer.category": {"code": "RPC-RES"},
            "hotline.service.site": {"room": "101"},
            "hotline.blacklist": {"reason": "changed"},
            "hotline.knowledge.article": {"sequence": 3},
        }

    def rpc(self, user, model, method, *args):
        return self.xmlrpc_object.execute(
            self.env.cr.dbname, user.id, user.login, model, method, *args
        )

    def allowed(self, user, model, method, *args):
        try:
            self.rpc(user, model, method, *args)
        except Fault as fault:
            self.assertEqual(fault.faultCode, 4, fault.faultString)  # AccessError
            return False
        return True

    def test_matrix_over_rpc(self):
        for model, rights in MATRIX.items():
            record = self.records[model]
            for role, user in self.role_users.items():
                can_read = self.allowed(user, model, "read", [record.id], ["id"])
                self.assertEqual(
                    can_read, role in rights["read"], f"{role} read {model}"
                )
                can_write = self.allowed(
                    user, model, "write", [record.id], self.write_values[model]
                )
                self.assertEqual(
                    can_write, role in rights["write"], f"{role} write {model}"
                )
            if model.startswith("hotline."):
                self.assertFalse(
                    self.allowed(self.user_internal, model, "write", [record.id], {}),
                    model,
                )

    def test_agent_proposes_block_over_rpc(self):
        agent = self.role_users["agent"]
        entry_id = self.rpc(
            agent,
            "hotline.blacklist",
            "create",
            [{"number": "13700000000", "reason": "Abuse"}],
        )
        entry = self.env["hotline.blacklist"].browse(entry_id)
        self.assertEqual(entry.state, "proposed")
        self.assertFalse(
            self.allowed(
                agent,
                "hotline.blacklist",
                "action_lift",
                [self.records["hotline.blacklist"].id],
            )
        )
        self.assertTrue(
            self.allowed(
                self.role_users["supervisor"],
                "hotline.blacklist",
                "action_activate",
                entry_id,
            )
        )
        self.assertEqual(entry.state, "active")

    def test_caller_lookup_over_rpc(self):
        found = self.rpc(
            self.role_users["agent"],
            "res.partner",
            "hotline_identify_caller",
            "+86 138 1234 5678",
        )
        self.assertEqual(found, self.records["res.partner"].ids)

    def test_export_and_menus_per_role(self):
        exporters = {"supervisor", "hotline_admin"}
        for role, user in self.role_users.items():
            self.assertEqual(
                user.has_group("base.group_allow_export"), role in exporters, role
            )
        config = self.env.ref("hotline_base.hotline_config_menu")
        blacklist = self.env.ref("hotline_base.hotline_blacklist_menu")
        knowledge = self.env.ref("hotline_base.hotline_knowledge_article_menu")
        for role, user in self.role_users.items():
            menus = self.visible_menus(user)
            self.assertEqual(config in menus, role == "hotline_admin", role)
            self.assertEqual(
                blacklist in menus,
                role in ("agent", "supervisor", "hotline_admin"),
                role,
            )
            self.assertIn(knowledge, menus, role)
