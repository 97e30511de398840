# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon

SL_FIELDS = ("service_level_15", "service_level_20", "service_level2_20")


@tagged("post_install", "-at_install")
class TestCallCentreScreens(HotlineCommon):
    """Issue 12 item 9: the call statistics graph opened on one bar labelled
    "5" (the hour), SL and SL2 read alike, PBX ports had thousands separators."""

    def arch(self, model, view_type, view=None):
        view_id = self.env.ref(view).id if view else False
        result = self.env[model].get_views([(view_id, view_type)])
        return etree.fromstring(result["views"][view_type]["arch"])

    def test_call_statistics_graph_by_day_and_queue(self):
        graph = self.arch("hotline.call.report", "graph")
        fields = [(f.get("name"), f.get("type"), f.get("interval")) for f in graph]
        self.assertEqual(
            fields,
            [
                ("started_at", "row", "day"),
                ("queue_id", "col", None),
                ("call_count", "measure", None),
            ],
        )

    def test_service_level_labels_differ(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        for lang in ("en_US", "zh_CN"):
            described = self.env["hotline.call.report"].with_context(lang=lang)
            fields = described.fields_get(SL_FIELDS, ["string", "help"])
            labels = [fields[name]["string"] for name in SL_FIELDS]
            self.assertEqual(len(set(labels)), 3, labels)
            helps = [fields[name]["help"] for name in SL_FIELDS]
            self.assertTrue(all(helps), lang)

    def test_pbx_ports_without_thousands_separator(self):
        for view_type in ("list", "form"):
            arch = self.arch("hotline.pbx", view_type)
            ports = arch.xpath("//field[@name='ami_port' or @name='agi_port']")
            self.assertTrue(ports, view_type)
            for port in ports:
                self.assertEqual(
                    port.get("options").replace(" ", ""), "{'format':false}"
                )
