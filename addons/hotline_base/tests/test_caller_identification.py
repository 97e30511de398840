# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from ..tools import phone
from .common import HotlineCommon


@tagged("post_install", "-at_install")
class TestCallerIdentification(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        Partner = cls.env["res.partner"]
        cls.wang = Partner.create(
            {"name": "王建华", "mobile": "138 1234 5678", "phone": "010-8765 4321"}
        )
        cls.li = Partner.create({"name": "李秀英", "phone": "+86 10 8765 4321"})
        cls.gas_co = Partner.create(
            {"name": "北京燃气集团", "is_company": True, "phone": "400-810-0000"}
        )
        cls.zhang = Partner.create({"name": "张伟"})
        cls.env["hotline.partner.phone"].create(
            [
                {"partner_id": cls.zhang.id, "number": "0755-8888 9999"},
                {"partner_id": cls.zhang.id, "number": "139-0000-1111"},
            ]
        )

    def test_normalise_plain_python(self):
        cases = {
            "+86 138 1234 5678": "+8613812345678",
            "0086 13812345678": "+8613812345678",
            "13812345678": "+8613812345678",
            "138-1234-5678": "+8613812345678",
            "010-8765 4321": "+861087654321",
            "(010) 87654321": "+861087654321",
            "021 6234 5678 x123": "+862162345678",
            "0755-8888 9999转123": "+8675588889999",
            "400-810-0000": "+864008100000",
            "800 810 8888": "+868008108888",
        }
        for raw, e164 in cases.items():
            self.assertEqual(phone.normalize(raw), e164, raw)
        self.assertIsNone(phone.normalize("not a number"))
        self.assertIsNone(phone.normalize(""))
        self.assertEqual(phone.number_kind("13812345678"), "mobile")
        self.assertEqual(phone.number_kind("010 87654321"), "landline")
        self.assertEqual(phone.number_kind("4008100000"), "other")
        self.assertEqual(phone.split_extension("021 6234 5678 x123")[1], "123")
        self.assertEqual(phone.prefixes("+8613")[:2], ["+8613", "+861"])

    def test_lines_follow_phone_and_mobile(self):
        lines = self.wang.hotline_phone_ids
        self.assertEqual(
            sorted(lines.mapped("number_e164")), ["+861087654321", "+8613812345678"]
        )
        self.assertEqual(
            lines.filtered(lambda ln: ln.partner_field == "mobile").kind, "mobile"
        )
        self.wang.mobile = "139 8888 7777"
        self.assertIn(
            "+8613988887777", self.wang.hotline_phone_ids.mapped("number_e164")
        )
        self.assertNotIn(
            "+8613812345678", self.wang.hotline_phone_ids.mapped("number_e164")
        )
        self.wang.mobile = False
        self.assertEqual(len(self.wang.hotline_phone_ids), 1)
        # manual lines stay when the synced fields change
        self.zhang.phone = "010 5555 6666"
        self.assertEqual(len(self.zhang.hotline_phone_ids), 3)

    def test_identify_every_format(self):
        identify = self.env["res.partner"].hotline_identify_caller
        for presented in (
            "+8613812345678",
            "+86 138 1234 5678",
            "008613812345678",
            "0086 138-1234-5678",
            "13812345678",
            "138 1234 5678 转 8",
        ):
            self.assertEqual(identify(presented), self.wang, presented)
        for presented in ("0755 8888 9999", "+86 755 88889999 x12", "075588889999"):
            self.assertEqual(identify(presented), self.zhang, presented)
        self.assertEqual(identify("4008100000"), self.gas_co)
        self.assertEqual(identify("+86 400 810 0000"), self.gas_co)

    def test_shared_number_is_ambiguous(self):
        found = self.env["res.partner"].hotline_identify_caller("01087654321")
        self.assertEqual(found, self.wang | self.li)

    def test_unknown_and_empty(self):
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.hotline_identify_caller("13700000000"))
        self.assertFalse(Partner.hotline_identify_caller(""))
        self.assertFalse(Partner.hotline_identify_caller(False))
        self.assertFalse(Partner.hotline_identify_caller("anonymous"))

    def test_archived_customer_not_offered(self):
        self.li.active = False
        found = self.env["res.partner"].hotline_identify_caller("010 8765 4321")
        self.assertEqual(found, self.wang)

    def test_agent_identifies(self):
        agent = self.role_users["agent"]
        found = (
            self.env["res.partner"]
            .with_user(agent)
            .hotline_identify_caller("13812345678")
        )
        self.assertEqual(found.ids, self.wang.ids)

    def test_record_rules_apply(self):
        other_company = self.env["res.company"].create({"name": "Other gas company"})
        self.li.company_id = other_company
        agent = self.role_users["agent"]
        found = (
            self.env["res.partner"]
            .with_user(agent)
            .hotline_identify_caller("01087654321")
        )
        self.assertEqual(found, self.wang)
        # superuser (the connector) sees both; archived ones only without active_test
        found = self.env["res.partner"].hotline_identify_caller("01087654321")
        self.assertEqual(found, self.wang | self.li)
        self.wang.active = False
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertEqual(
            Partner.hotline_identify_caller("01087654321"), self.wang | self.li
        )

    def test_one_query(self):
        Partner = self.env["res.partner"].with_user(self.role_users["agent"])
        Partner.hotline_identify_caller("13812345678")  # compile the rule clauses
        with self.assertQueryCount(1):
            found = Partner.hotline_identify_caller("+86 138 1234 5678")
        self.assertEqual(found.ids, self.wang.ids)
