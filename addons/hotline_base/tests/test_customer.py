# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HotlineCommon

VALID_RIC = "11010519491231002X"
WRONG_CHECKSUM_RIC = "110105194912310021"
IMPOSSIBLE_DATE_RIC = "110105194913310021"  # 1949-13-31, right check digit
VALID_USCC = "91110000802100433B"


@tagged("post_install", "-at_install")
class TestCustomer(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        Area = cls.env["hotline.area"]
        cls.chaoyang = Area.create({"name": "东城测试区", "area_type": "district"})
        cls.wangjing = Area.create(
            {"name": "测试街道", "area_type": "street", "parent_id": cls.chaoyang.id}
        )
        cls.estate = Area.create(
            {"name": "测试花园", "area_type": "estate", "parent_id": cls.wangjing.id}
        )
        cls.vip = cls.env["hotline.customer.category"].create(
            {"name": "VIP", "is_vip": True}
        )
        cls.resident = cls.env["hotline.customer.category"].create(
            {
                "name": "Resident",
                "hotline_properties_definition": [
                    {"name": "gas_appliance", "string": "Gas appliance", "type": "char"}
                ],
            }
        )
        cls.Partner = cls.env["res.partner"].with_context(
            default_hotline_is_customer=True
        )

    def test_customer_number_from_sequence(self):
        first = self.Partner.create({"name": "王芳"})
        second = self.Partner.create({"name": "刘洋"})
        self.assertTrue(first.hotline_customer_number)
        self.assertNotEqual(
            first.hotline_customer_number, second.hotline_customer_number
        )
        contact = self.env["res.partner"].create({"name": "Not a customer"})
        self.assertFalse(contact.hotline_customer_number)
        imported = self.Partner.create(
            {"name": "导入", "hotline_customer_number": "BJ-0001"}
        )
        self.assertEqual(imported.hotline_customer_number, "BJ-0001")

    def test_customer_number_unique_and_never_reused(self):
        company = self.env.company
        self.Partner.create(
            {"name": "A", "hotline_customer_number": "N1", "company_id": company.id}
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Partner.create(
                {
                    "name": "B",
                    "hotline_customer_number": "N1",
                    "company_id": company.id,
                }
            )
        self.Partner.create({"name": "C", "hotline_customer_number": "N2"})
        with self.assertRaisesRegex(ValidationError, "N2"):
            self.Partner.create({"name": "D", "hotline_customer_number": "N2"})
        numbered = self.Partner.create({"name": "E"})
        with self.assertRaisesRegex(UserError, "archive"):
            numbered.unlink()
        numbered.active = False
        with self.assertRaisesRegex(ValidationError, numbered.hotline_customer_number):
            self.Partner.create(
                {
                    "name": "F",
                    "hotline_customer_number": numbered.hotline_customer_number,
                }
            )

    def test_valid_ids(self):
        person = self.Partner.create(
            {
                "name": "王建华",
                "hotline_id_type": "resident_id",
                "hotline_id_number": "110105 19491231 002x",
            }
        )
        self.assertEqual(person.hotline_id_number, VALID_RIC)
        company = self.Partner.create(
            {
                "name": "北京燃气集团",
                "is_company": True,
                "hotline_id_type": "uscc",
                "hotline_id_number": VALID_USCC,
            }
        )
        self.assertEqual(company.hotline_id_number, VALID_USCC)
        passport = self.Partner.create(
            {
                "name": "John",
                "hotline_id_type": "passport",
                "hotline_id_number": "e1234",
            }
        )
        self.assertEqual(passport.hotline_id_number, "E1234")

    def test_invalid_ids_say_what_is_wrong(self):
        cases = [
            ("resident_id", WRONG_CHECKSUM_RIC, "check digit"),
            ("resident_id", IMPOSSIBLE_DATE_RIC, "birth date 19491331 does not exist"),
            ("resident_id", "1101051949123100", "18 characters, it has 16"),
            ("resident_id", "110105205001010027", "in the future"),
            ("resident_id", "99999919800101002X", "region code 999999"),
            ("resident_id", "11010519491231002A", "digits"),
            ("uscc", "91110000802100433A", "check digit"),
            ("uscc", "9111000080210043", "18 characters"),
        ]
        for id_type, number, message in cases:
            with self.assertRaisesRegex(ValidationError, message, msg=number):
                self.Partner.create(
                    {
                        "name": "X",
                        "hotline_id_type": id_type,
                        "hotline_id_number": number,
                    }
                )
        partner = self.Partner.create({"name": "Y"})
        with self.assertRaisesRegex(ValidationError, "check digit"):
            partner.write(
                {
                    "hotline_id_type": "resident_id",
                    "hotline_id_number": WRONG_CHECKSUM_RIC,
                }
            )

    def test_area_tree_and_category(self):
        self.assertEqual(self.estate.complete_name, "东城测试区 / 测试街道 / 测试花园")
        self.assertIn(
            self.chaoyang.id, [int(x) for x in self.estate.parent_path.split("/") if x]
        )
        with (
            self.assertRaisesRegex(UserError, "Recursion Detected"),
            self.env.cr.savepoint(),
        ):
            self.chaoyang.parent_id = self.estate
        partner = self.Partner.create(
            {
                "name": "VIP",
                "hotline_category_id": self.vip.id,
                "hotline_area_id": self.estate.id,
            }
        )
        self.assertTrue(partner.hotline_is_vip)
        self.assertEqual(self.vip.partner_count, 1)
        found = self.env["res.partner"].search(
            [("hotline_area_id", "child_of", self.chaoyang.id)]
        )
        self.assertEqual(found, partner)

    def test_properties_per_category(self):
        partner = self.Partner.create(
            {
                "name": "用户",
                "hotline_category_id": self.resident.id,
                "hotline_properties": {"gas_appliance": "壁挂炉"},
            }
        )
        self.assertEqual(partner.hotline_properties, {"gas_appliance": "壁挂炉"})
        definition = partner.read(["hotline_properties"])[0]["hotline_properties"]
        self.assertEqual(definition[0]["string"], "Gas appliance")

    def test_service_sites(self):
        partner = self.Partner.create(
            {
                "name": "连锁餐厅",
                "hotline_site_ids": [
                    (0, 0, {"name": "望京店", "meter_number": "M-001"}),
                    (0, 0, {"name": "国贸店", "meter_number": "M-002"}),
                ],
            }
        )
        self.assertEqual(partner.hotline_site_count, 2)
        self.assertEqual(partner.hotline_site_ids[0].display_name, "望京店 [M-001]")
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env["hotline.service.site"].create(
                {"partner_id": partner.id, "name": "dup", "meter_number": "M-001"}
            )

    def test_one_search_box(self):
        target = self.Partner.create(
            {
                "name": "赵丽",
                "mobile": "139 1000 2000",
                "hotline_id_type": "resident_id",
                "hotline_id_number": VALID_RIC,
                "hotline_area_id": self.estate.id,
                "hotline_building": "T3号楼",
                "hotline_unit": "2单元",
                "hotline_floor": "5",
                "hotline_room": "501",
                "hotline_enterprise_name": "测试望京科技有限公司",
            }
        )
        other = self.Partner.create(
            {
                "name": "钱进",
                "hotline_area_id": self.estate.id,
                "hotline_building": "T4号楼",
                "hotline_room": "501",
            }
        )
        Partner = self.env["res.partner"].with_user(self.role_users["agent"])

        def find(text):
            return Partner.search([("display_name", "ilike", text)])

        self.assertEqual(find("赵丽"), target)
        self.assertEqual(find(target.hotline_customer_number), target)
        self.assertEqual(find(VALID_RIC), target)
        self.assertEqual(find("+86 139-1000-2000"), target)
        self.assertEqual(find("008613910002000"), target)
        self.assertEqual(find("望京科技"), target)
        self.assertEqual(find("测试花园 T3号楼 501"), target)
        self.assertEqual(find("测试花园 501"), target | other)
        self.assertEqual(find("T3号楼"), target)
        ids = [r[0] for r in Partner.name_search("13910002000")]
        self.assertEqual(ids, target.ids)

    def test_errors_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_base"], ["zh_CN"], overwrite=True
        )
        Partner = self.Partner.with_context(lang="zh_CN")
        with self.assertRaisesRegex(ValidationError, "居民身份证无效：校验码"):
            Partner.create(
                {
                    "name": "X",
                    "hotline_id_type": "resident_id",
                    "hotline_id_number": WRONG_CHECKSUM_RIC,
                }
            )
        with self.assertRaisesRegex(ValidationError, "出生日期 19491331 不存在"):
            Partner.create(
                {
                    "name": "X",
                    "hotline_id_type": "resident_id",
                    "hotline_id_number": IMPOSSIBLE_DATE_RIC,
                }
            )
