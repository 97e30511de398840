# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline REST API",
    "summary": "Versioned REST API (OpenAPI) for the utility's other systems on OCA "
    "fastapi: customers, service sites and meters, meter readings, bills and "
    "arrears, cases, calls and outage notices, with API keys per integration user "
    "and role, idempotent writes and a rate limit per key",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["fastapi", "hotline_billing_ivr", "hotline_complaints"],
    "external_dependencies": {"python": ["fastapi", "pydantic"]},
    "data": [
        "security/hotline_api_security.xml",
        "security/ir.model.access.csv",
        "data/fastapi_endpoint_data.xml",
        "views/hotline_api_key_views.xml",
    ],
}
