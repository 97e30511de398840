# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python protocol code for Asterisk: AMI, FastAGI, call correlation.

Nothing in this package imports Odoo: it is tested with pytest alone and used by
the connector command (``cli/``) and the PBX simulator.
"""
