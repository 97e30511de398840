# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the connector's workers (dialer, fax) call a model's methods: through
the test's environment (a savepoint, no commit) or one short committed
transaction per call on the registry (the service)."""

from odoo import SUPERUSER_ID, api


class EnvModelStore:
    """Database side through an existing environment (tests): no commit."""

    model = None

    def __init__(self, env):
        self.env = env

    def run(self, method, *args, **kwargs):
        records = self.env[self.model].sudo()
        with self.env.cr.savepoint():
            return getattr(records, method)(*args, **kwargs)


class RegistryModelStore:
    """One short transaction per call, committed when it returns."""

    model = None

    def __init__(self, registry):
        self.registry = registry

    def run(self, method, *args, **kwargs):
        self.registry = self.registry.check_signaling()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return getattr(env[self.model], method)(*args, **kwargs)
