# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestHelpdeskTranslations(TransactionCase):
    """helpdesk_mgmt ships no Chinese: its stages and channels are translated by
    this add-on's i18n_extra/zh_CN.po, loaded with the add-on's own terms."""

    def test_stages_and_channels_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_complaints"], ["zh_CN"], overwrite=True
        )
        zh = self.env(context={"lang": "zh_CN"})
        en = self.env(context={"lang": "en_US"})
        expected = {
            "helpdesk_ticket_stage_new": ("New", "新建"),
            "helpdesk_ticket_stage_in_progress": ("In Progress", "办理中"),
            "helpdesk_ticket_stage_done": ("Done", "已办结"),
            "helpdesk_ticket_channel_phone": ("Phone", "电话"),
        }
        for xmlid, (english, chinese) in expected.items():
            record = self.env.ref(f"helpdesk_mgmt.{xmlid}")
            self.assertEqual(record.with_env(zh).name, chinese, xmlid)
            # the source language is untouched
            self.assertEqual(record.with_env(en).name, english, xmlid)
