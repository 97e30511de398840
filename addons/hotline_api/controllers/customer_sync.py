# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http

from odoo.addons.hotline_base.controllers.customer_sync import CustomerSyncController

# RFC 9745 / RFC 8288: the route keeps working, its successor is the REST API's
# batch upsert (same payload, same rules)
DEPRECATION_HEADERS = {
    "Deprecation": "true",
    "Link": '</hotline/api/v1/customers/batch>; rel="successor-version"',
}


class CustomerSyncDeprecated(CustomerSyncController):
    @http.route()
    def sync_customers(self):
        response = super().sync_customers()
        response.headers.update(DEPRECATION_HEADERS)
        return response
