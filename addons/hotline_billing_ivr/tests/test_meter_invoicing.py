# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Readings: one counted per meter and month, checks; draft invoices at tiered
prices (阶梯气价) from the button and the monthly cron; who may do what."""

import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestMeterInvoicing(AccountTestInvoicingCommon, HotlineCommon):
    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("base.group_partner_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's test accountant holds no hotline role
        cls.env = cls.env(su=True)
        for user in cls.role_users.values():
            user.write(
                {
                    "company_ids": [fields.Command.link(cls.env.company.id)],
                    "company_id": cls.env.company.id,
                }
            )
        cls.env.company.hotline_meter_plausibility_factor = 0.0
        cls.finance = cls.role_users["finance"]
        cls.agent = cls.role_users["agent"]
        cls.Reading = cls.env["hotline.meter.reading"]
        cls.customer = cls.env["res.partner"].create({"name": "阶梯客户"})
        cls.home, cls.shop = cls.env["hotline.service.site"].create(
            [
                {
                    "name": "住宅",
                    "partner_id": cls.customer.id,
                    "meter_number": "M-INV-1",
                    "site_category": "residential",
                },
                {
                    "name": "小店",
                    "partner_id": cls.customer.id,
                    "meter_number": "M-INV-2",
                    "site_category": "commercial",
                },
            ]
        )
        Product = cls.env["product.product"]
        Tariff = cls.env["hotline.meter.tariff"]
        cls.residential = Tariff.create(
            {
                "name": "居民",
                "site_category": "residential",
                "product_id": Product.create(
                    {"name": "燃气（居民）", "taxes_id": [fields.Command.clear()]}
                ).id,
                "price_ids": [
                    fields.Command.create(
                        {"year": 2025, "from_qty": lo, "to_qty": hi, "price": price}
                    )
                    for lo, hi, price in (
                        (0, 350, 2.61),
                        (350, 500, 3.13),
                        (500, 0, 3.91),
                    )
                ],
            }
        )
        cls.commercial = Tariff.create(
            {
                "name": "非居民",
                "site_category": "commercial",
                "product_id": Product.create(
                    {"name": "燃气（非居民）", "taxes_id": [fields.Command.clear()]}
                ).id,
                "price_ids": [
                    fields.Command.create(
                        {"year": 2025, "from_qty": 0, "to_qty": 0, "price": 3.25}
                    )
                ],
            }
        )

    def reading(self, site, month, previous, value, **vals):
        return self.Reading.create(
            {
                "site_id": site.id,
                "month": f"2025-{month:02d}-01",
                "previous_value": previous,
                "value": value,
                **vals,
            }
        )

    def year_of_readings(self):
        jan = self.reading(self.home, 1, 0, 300)  # 300 × 2.61 = 783.00
        # 300 -> 400: 50 × 2.61 + 50 × 3.13 = 130.50 + 156.50 = 287.00
        feb = self.reading(self.home, 2, 300, 400)
        shop = self.reading(self.shop, 2, 0, 10)  # 10 × 3.25 = 32.50
        # 400 -> 550: 100 × 3.13 + 50 × 3.91 = 313.00 + 195.50 = 508.50
        mar = self.reading(self.home, 3, 400, 550)
        return jan, feb, shop, mar

    def test_tiers_split_at_the_year_bounds(self):
        self.assertEqual(self.residential._hotline_split(2025, 0, 300), [(300, 2.61)])
        self.assertEqual(
            self.residential._hotline_split(2025, 300, 100), [(50, 2.61), (50, 3.13)]
        )
        self.assertEqual(
            self.residential._hotline_split(2025, 300, 250),
            [(50, 2.61), (150, 3.13), (50, 3.91)],
        )
        with self.assertRaisesRegex(UserError, "has no prices for 2026"):
            self.residential._hotline_split(2026, 0, 10)

    def test_tier_table_without_gap_or_overlap(self):
        for rows in (
            [(0, 300, 2.6), (350, 0, 3.1)],  # gap
            [(0, 400, 2.6), (350, 0, 3.1)],  # overlap
            [(0, 0, 2.6), (350, 0, 3.1)],  # open tier not last
            [(10, 0, 2.6)],  # not from 0
        ):
            with (
                self.subTest(rows=rows),
                self.assertRaisesRegex(ValidationError, "without gap or overlap"),
            ):
                self.residential.write(
                    {
                        "price_ids": [
                            fields.Command.create(
                                {"year": 2024, "from_qty": lo, "to_qty": hi, "price": p}
                            )
                            for lo, hi, p in rows
                        ]
                    }
                )

    def test_invoices_with_tiered_prices_crossing_a_bound(self):
        jan, feb, shop, mar = self.year_of_readings()
        readings = jan | feb | shop | mar
        action = readings.with_user(self.finance).action_create_invoices()
        moves = self.env["account.move"].search(action["domain"], order="invoice_date")
        self.assertEqual(len(moves), 3, "one per customer and month")
        self.assertEqual(moves.mapped("state"), ["draft"] * 3)
        self.assertEqual(moves.mapped("move_type"), ["out_invoice"] * 3)
        self.assertEqual(moves.mapped("amount_total"), [783.0, 319.5, 508.5])
        feb_move = moves[1]
        self.assertEqual(feb_move.invoice_date, datetime.date(2025, 2, 28))
        self.assertEqual(
            sorted(
                feb_move.invoice_line_ids.mapped(lambda l: (l.quantity, l.price_unit))
            ),
            [(10.0, 3.25), (50.0, 2.61), (50.0, 3.13)],
        )
        self.assertEqual(
            set(feb_move.invoice_line_ids.product_id.ids),
            {self.residential.product_id.id, self.commercial.product_id.id},
        )
        self.assertEqual(set(readings.mapped("state")), {"invoiced"})
        self.assertEqual(feb.invoice_id, feb_move)
        self.assertEqual(shop.invoice_id, feb_move)
        self.assertEqual((feb.amount, shop.amount, mar.amount), (287.0, 32.5, 508.5))
        # invoiced: frozen, not invoiced twice
        with self.assertRaisesRegex(UserError, "invoiced meter reading cannot be"):
            feb.value = 420
        with self.assertRaisesRegex(UserError, "No accepted reading left"):
            readings.with_user(self.finance).action_create_invoices()

    def test_no_tariff_no_invoice(self):
        self.home.site_category = "industrial"
        jan = self.reading(self.home, 1, 0, 300)
        with self.assertRaisesRegex(UserError, "No tariff for the category Industrial"):
            jan.with_user(self.finance).action_create_invoices()
        self.assertEqual(jan.state, "accepted")
        self.assertFalse(
            self.env["account.move"].search([("partner_id", "=", self.customer.id)])
        )

    def test_monthly_cron_invoices_past_months(self):
        jan, feb, shop, mar = self.year_of_readings()
        apr = self.reading(self.home, 4, 550, 560, state="to_check")
        with freeze_time("2025-03-15"):
            self.Reading._cron_hotline_create_invoices()
        # March is the running month: left for next month's run
        self.assertEqual((jan | feb | shop).mapped("state"), ["invoiced"] * 3)
        self.assertEqual(mar.state, "accepted")
        with freeze_time("2025-05-01"):
            self.env.ref(
                "hotline_billing_ivr.hotline_meter_reading_cron_invoice"
            ).method_direct_trigger()
        self.assertEqual(mar.state, "invoiced")
        self.assertEqual(mar.invoice_id.amount_total, 508.5)
        self.assertEqual(apr.state, "to_check", "readings to check wait")
        self.assertFalse(apr.invoice_id)

    def test_agents_record_readings_but_do_not_invoice(self):
        jan = self.reading(self.home, 1, 0, 300)
        as_agent = self.Reading.with_user(self.agent)
        feb = as_agent.create(
            {"site_id": self.home.id, "month": "2025-02-01", "value": 400}
        )
        self.assertEqual(feb.previous_value, 300, "from the last accepted reading")
        with self.assertRaisesRegex(ValidationError, "below the previous one"):
            feb.value = 250
        feb.value = 410
        self.assertEqual(as_agent.search([("site_id", "=", self.home.id)]), jan | feb)
        with self.assertRaises(AccessError):
            (jan | feb).with_user(self.agent).action_create_invoices()
        with self.assertRaises(AccessError):
            feb.with_user(self.agent).action_reject()
        with self.assertRaisesRegex(AccessError, "billing team"):
            feb.with_user(self.agent).state = "invoiced"
        with self.assertRaisesRegex(AccessError, "billing team"):
            as_agent.create(
                {
                    "site_id": self.home.id,
                    "month": "2025-03-01",
                    "value": 500,
                    "state": "invoiced",
                }
            )
        with self.assertRaises(AccessError):
            feb.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            self.env["hotline.meter.tariff"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.agent).create(
                {"move_type": "out_invoice", "partner_id": self.customer.id}
            )
        for role in ("handler", "leader"):
            with self.assertRaises(AccessError):
                self.Reading.with_user(self.role_users[role]).search([])
        # supervisors read, Finance does everything
        supervisor = self.role_users["supervisor"]
        self.assertEqual(
            self.Reading.with_user(supervisor).search([("id", "=", jan.id)]), jan
        )
        tariffs = self.env["hotline.meter.tariff"].with_user(self.finance)
        self.assertEqual(tariffs.search([]), self.residential | self.commercial)
        moves = (jan | feb).with_user(self.finance)._hotline_create_invoices()
        # 300 -> 410: 50 × 2.61 + 60 × 3.13 = 130.50 + 187.80
        self.assertEqual(moves.mapped("amount_total"), [783.0, 318.3])
        menu = self.env.ref("hotline_billing_ivr.hotline_meter_reading_menu")
        self.assertIn(menu, self.visible_menus(self.finance))
        self.assertNotIn(menu, self.visible_menus(self.agent))

    def test_one_counted_reading_per_meter_and_month(self):
        jan = self.reading(self.home, 1, 0, 300)
        with self.assertRaisesRegex(
            ValidationError, "has an accepted reading for 2025-01"
        ):
            self.reading(self.home, 1, 0, 310)
        other = self.reading(self.home, 1, 0, 310, state="to_check")
        with self.assertRaisesRegex(ValidationError, "has an accepted reading"):
            other.with_user(self.finance).action_accept()
        jan.with_user(self.finance).action_reject()
        other.with_user(self.finance).action_accept()
        self.assertEqual(other.state, "accepted")
        # the database holds it too, whatever writes
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE hotline_meter_reading SET state = 'accepted' WHERE id = %s",
                [jan.id],
            )

    def test_agent_entry_checks(self):
        self.reading(self.home, 1, 0, 300)
        Reading = self.Reading.with_user(self.agent)
        with self.assertRaisesRegex(ValidationError, "below the previous one"):
            Reading.create(
                {"site_id": self.home.id, "month": "2025-02-01", "value": 200}
            )
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Reading.create(
                {"site_id": self.home.id, "month": "2025-02-01", "value": -1}
            )
        with (
            freeze_time("2025-02-10"),
            self.assertRaisesRegex(ValidationError, "the month has not begun"),
        ):
            Reading.create(
                {"site_id": self.home.id, "month": "2025-03-01", "value": 400}
            )
        # the meter was changed in February: a new meter starting at 0
        self.home.write({"meter_change_date": "2025-02-05", "meter_start_value": 0})
        feb = Reading.create(
            {"site_id": self.home.id, "month": "2025-02-17", "value": 12}
        )
        self.assertEqual(feb.month, datetime.date(2025, 2, 1))
        self.assertTrue(feb.meter_change)
        self.assertEqual((feb.previous_value, feb.consumption), (0, 12))
        # and March follows the new meter
        mar = Reading.create(
            {"site_id": self.home.id, "month": "2025-03-01", "value": 40}
        )
        self.assertFalse(mar.meter_change)
        self.assertEqual(mar.previous_value, 12)

    def test_plausibility_factor(self):
        self.env.company.hotline_meter_plausibility_factor = 3.0
        self.reading(self.home, 1, 0, 100)
        self.reading(self.home, 2, 100, 200)
        ok = self.Reading.create(
            {"site_id": self.home.id, "month": "2025-03-01", "value": 500}
        )
        self.assertEqual(ok.state, "accepted", "300 m³ is 3 times 100")
        odd = self.Reading.create(
            {"site_id": self.shop.id, "month": "2025-03-01", "value": 10}
        )
        self.assertEqual(odd.state, "accepted", "no history, nothing to compare")
        high = self.Reading.create(
            {"site_id": self.home.id, "month": "2025-04-01", "value": 1100}
        )
        self.assertEqual(high.state, "to_check")
        self.assertTrue(high.activity_ids.filtered(lambda a: a.user_id == self.finance))
        high.with_user(self.finance).action_accept()
        self.assertEqual(high.state, "accepted")
        self.assertFalse(high.activity_ids)
