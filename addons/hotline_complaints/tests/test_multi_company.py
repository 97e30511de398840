# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.hotline_callcenter.tests.test_multi_company import (
    unchecked_company_links,
)


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):
    def test_company_links_are_checked(self):
        self.maxDiff = None
        self.assertEqual(unchecked_company_links(self.env, {"hotline_complaints"}), [])
