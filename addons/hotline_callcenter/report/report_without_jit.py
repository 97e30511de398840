# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reports whose grouped reads run without PostgreSQL's JIT.

PostgreSQL's default ``jit = on`` compiles the plans of the reports' views
when their estimated cost is high (millions of calls): the compilation took
seconds longer than the query itself (bench/README.md, issue 19). The grouped
read of these reports sets ``jit = off`` for that query only (``SET LOCAL``,
then the previous value again), whatever the server's setting.
"""

from contextlib import contextmanager

from odoo import api, models
from odoo.tools import SQL


@contextmanager
def jit_off(cr):
    """``jit = off`` in ``cr``'s transaction for the block, then as before
    (an error aborts the transaction: its rollback restores the setting)."""
    cr.execute(SQL("SELECT current_setting('jit', true)"))
    previous = cr.fetchone()[0]
    if previous in (None, "off"):
        yield
        return
    cr.execute(SQL("SET LOCAL jit = off"))
    yield
    cr.execute(SQL("SELECT set_config('jit', %s, true)", previous))


class ReportWithoutJit(models.AbstractModel):
    _name = "hotline.report.without.jit"
    _description = "Report read without JIT"

    @api.model
    def _read_group(self, *args, **kwargs):
        with jit_off(self.env.cr):
            return super()._read_group(*args, **kwargs)
