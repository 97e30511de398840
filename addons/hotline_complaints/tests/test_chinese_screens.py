# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from lxml import etree

from odoo.tests import tagged

from odoo.addons.hotline_base.tests.ui_language import (
    load_chinese,
    menu_window_actions,
    untranslated_labels,
    untranslated_menu_labels,
)

from .common import CaseCommon

RINGING = "hotline/call_ringing"
# language names and e-invoicing schemes keep their own names
PARTNER_IGNORE = ("lang", "peppol_eas", "peppol_endpoint", "invoice_edi_format")


@tagged("post_install", "-at_install")
class TestChineseScreens(CaseCommon):
    """What a Chinese hotline user opens is Chinese: helpdesk_mgmt ships no
    zh_CN, the add-on's i18n_extra/ fills its labels."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        for user in cls.role_users.values():
            user.lang = "zh_CN"

    def assertChinese(self, action, roles, **kwargs):
        for role in roles:
            with self.subTest(action=action, role=role):
                env = self.env(user=self.role_users[role], context={"lang": "zh_CN"})
                self.assertEqual(untranslated_labels(env, action, **kwargs), {})

    def test_every_hotline_menu(self):
        """Each window action under the Hotline menu, as each role sees it."""
        for role in ("agent", "supervisor", "handler", "leader", "hotline_admin"):
            with self.subTest(role=role):
                env = self.env(user=self.role_users[role], context={"lang": "zh_CN"})
                actions = menu_window_actions(env, "hotline_base.hotline_root_menu")
                if role != "hotline_admin":
                    self.assertIn(
                        "hotline_complaints.helpdesk_ticket_action_hotline", actions
                    )
                self.assertEqual(
                    untranslated_menu_labels(env, actions, ignore=PARTNER_IGNORE), {}
                )

    def test_case_list_form_kanban_search(self):
        # the Priority and Stage columns, the filters, the form's labels
        self.assertChinese(
            "hotline_complaints.helpdesk_ticket_action_hotline",
            ("agent", "supervisor", "handler", "leader"),
        )

    def test_customer_form(self):
        # the Tickets button of helpdesk_mgmt on the customer
        self.assertChinese(
            "hotline_base.res_partner_action_hotline",
            ("agent", "supervisor"),
            ignore=PARTNER_IGNORE,
        )

    def test_call_list_and_form(self):
        self.assertChinese(
            "hotline_callcenter.hotline_call_action", ("agent", "supervisor")
        )

    def test_work_order_board(self):
        """The card read "处于此状态已 / 00:00": it says what the time is."""
        self.assertChinese(
            "hotline_complaints.hotline_work_order_action",
            ("supervisor", "handler"),
            view_types=["kanban", "list", "form"],
        )
        env = self.env(user=self.role_users["handler"], context={"lang": "zh_CN"})
        arch = env["hotline.work.order"].get_views([(False, "kanban")])["views"]
        card = etree.fromstring(arch["kanban"]["arch"])
        (label,) = card.xpath("//div[@name='time_in_status']/span")
        self.assertEqual(label.text, "本状态已持续（时:分）")

    def test_case_statistics_wizard_is_a_page(self):
        """Opened by its URL, a dialog action showed an empty screen: the
        export is a page of its own with its button in the header."""
        action = self.env.ref("hotline_complaints.hotline_case_report_wizard_action")
        self.assertEqual(action.target, "current")
        self.assertChinese(
            "hotline_complaints.hotline_case_report_wizard_action",
            ("supervisor",),
            view_types=["form"],
        )
        env = self.env(user=self.role_users["supervisor"], context={"lang": "zh_CN"})
        views = env["hotline.case.report.wizard"].get_views([(False, "form")])
        form = etree.fromstring(views["views"]["form"]["arch"])
        self.assertEqual(
            [b.get("name") for b in form.xpath("//header/button")], ["action_export"]
        )
        self.assertFalse(form.xpath("//footer"))

    def test_ring_card_in_agent_language(self):
        """The connector (no language) rings a Chinese agent: the card's
        sections and actions are in Chinese, as after a pick-up."""
        agent = self.role_users["agent"]
        agent.hotline_extension = "8001"
        pbx = self.env["hotline.pbx"].create(
            {"name": "Test PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        call = self.env["hotline.call"].create(
            {
                "pbx_id": pbx.id,
                "linkedid": "1700000000.77",
                "caller_number": "13900000000",
                "called_number": "4008123459",
                "direction": "inbound",
            }
        )
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        marker = self.env.cr.fetchone()[0]
        connector = self.env(su=True, context={})
        self.assertFalse(connector.lang)
        connector["hotline.screen.pop"].hotline_ringing(
            call.with_env(connector), "8001"
        )
        self.env.cr.precommit.run()
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", agent.partner_id.id],
            separators=(",", ":"),
        )
        messages = self.env["bus.bus"].search(
            [("id", ">", marker), ("channel", "=", channel)]
        )
        cards = [
            json.loads(m.message)["payload"]
            for m in messages
            if json.loads(m.message)["type"] == RINGING
        ]
        self.assertEqual(len(cards), 1)
        section = cards[0]["sections"][-1]
        self.assertEqual(section["title"], "未办结工单")
        self.assertEqual(section["lines"], ["无"])
        self.assertIn("新建工单", [a["label"] for a in cards[0]["actions"]])
