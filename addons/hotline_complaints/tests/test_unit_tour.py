# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

# Data the tours look for (static/tests/tours/hotline_unit_tour.esm.js).
UNIT = "抢修二队 Tour"
HANDLER = "Unit tour handler"
CASE_NAMED = "Unit tour case 指定承办人"
CASE_UNIT = "Unit tour case 单位待领"


@tagged("post_install", "-at_install")
class TestUnitTour(HttpCase):
    """In Chinese: the Hotline administrator adds a handler to a unit under
    Hotline > Configuration > Units, the supervisor dispatches to the unit and
    is offered that handler, and the handler at once sees the unit's cases in
    the running server: the one dispatched to them and the one dispatched to
    the unit before they joined it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        modules = cls.env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "like", "hotline_%")]
        )
        cls.env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["zh_CN"], overwrite=True
        )
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"hl_unit_{role}",
                name=name,
                groups=f"hotline_base.group_{role}",
                tz="Asia/Shanghai",
                lang="zh_CN",
            )
            for role, name in (
                ("admin", "Unit tour admin"),
                ("agent", "Unit tour agent"),
                ("supervisor", "Unit tour supervisor"),
                ("case_handler", HANDLER),
            )
        }
        cls.unit = cls.env["helpdesk.ticket.team"].create({"name": UNIT})
        Ticket = cls.env["helpdesk.ticket"].with_user(cls.users["agent"])
        cls.cases = {}
        for name in (CASE_NAMED, CASE_UNIT):
            case = Ticket.create(
                {
                    "name": name,
                    "description": "<p>燃气表漏气</p>",
                    "case_type_id": cls.env.ref(
                        "hotline_complaints.case_type_complaint"
                    ).id,
                }
            )
            case.action_hotline_accept()
            cls.cases[name] = case.sudo()
        # dispatched to the unit, to nobody in particular, before the handler joins
        cls.cases[CASE_UNIT].with_user(cls.users["supervisor"]).hotline_dispatch(
            cls.unit
        )

    def test_units_membership_and_dispatch_tours(self):
        handler = self.users["case_handler"]
        Ticket = self.env["helpdesk.ticket"].with_user(handler)
        # the handler's rules are computed (and cached) while not a member,
        # here and for the web client (its context is part of the cache key)
        self.assertFalse(Ticket.search([("name", "like", "Unit tour case")]))
        self.start_tour(
            "/odoo", "hotline_unit_handler_before_tour", login="hl_unit_case_handler"
        )

        self.start_tour("/odoo", "hotline_unit_members_tour", login="hl_unit_admin")
        self.assertIn(handler, self.unit.user_ids)

        self.start_tour(
            "/odoo", "hotline_unit_dispatch_tour", login="hl_unit_supervisor"
        )
        case = self.cases[CASE_NAMED]
        self.assertEqual(case.hotline_state, "dispatched")
        self.assertEqual(case.team_id, self.unit)
        self.assertEqual(case.user_id, handler)

        self.start_tour(
            "/odoo", "hotline_unit_handler_tour", login="hl_unit_case_handler"
        )
        self.assertEqual(self.cases[CASE_UNIT].hotline_state, "in_progress")
        self.assertEqual(self.cases[CASE_UNIT].user_id, handler)
