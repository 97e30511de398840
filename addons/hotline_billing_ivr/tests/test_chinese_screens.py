# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.hotline_base.tests.ui_language import (
    load_chinese,
    menu_window_actions,
    untranslated_labels,
    untranslated_menu_labels,
)

# language names and e-invoicing schemes keep their own names
PARTNER_IGNORE = ("lang", "peppol_eas", "peppol_endpoint", "invoice_edi_format")


@tagged("post_install", "-at_install")
class TestChineseBillingScreens(HotlineCommon):
    """account_credit_control's zh_CN.po is mostly empty: the add-on's
    i18n_extra/ gives finance users its screens in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)

    def assertChinese(self, action, role, **kwargs):
        env = self.env(user=self.role_users[role], context={"lang": "zh_CN"})
        self.assertEqual(untranslated_labels(env, action, **kwargs), {})

    def test_every_hotline_menu_of_finance(self):
        for role in ("finance", "hotline_admin"):
            with self.subTest(role=role):
                env = self.env(user=self.role_users[role], context={"lang": "zh_CN"})
                actions = menu_window_actions(env, "hotline_base.hotline_root_menu")
                if role != "hotline_admin":
                    self.assertIn(
                        "account_credit_control.credit_control_line_action", actions
                    )
                self.assertEqual(
                    untranslated_menu_labels(env, actions, ignore=PARTNER_IGNORE), {}
                )

    def test_credit_control_lines(self):
        self.assertChinese(
            "account_credit_control.credit_control_line_action", "finance"
        )

    def test_customer_credit_control_tab(self):
        self.assertChinese(
            "hotline_base.res_partner_action_hotline", "finance", ignore=PARTNER_IGNORE
        )
