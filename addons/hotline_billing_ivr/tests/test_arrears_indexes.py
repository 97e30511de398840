# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestArrearsIndexes(TransactionCase):
    def test_payments_are_indexed_by_customer(self):
        """The arrears' "last payment" search filters account_payment on
        partner_id: the column has an index (bench_selfservice_query: a
        sequential scan of 100,000 payments took ~95 ms per query)."""
        self.env.cr.execute(
            """
            SELECT indexdef FROM pg_indexes
             WHERE tablename = 'account_payment'
               AND indexname = 'account_payment__partner_id_index'
            """
        )
        (definition,) = self.env.cr.fetchone() or (None,)
        self.assertIn("(partner_id)", definition or "")
        self.assertTrue(self.env["account.payment"]._fields["partner_id"].index)
