# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError


class HotlineCompanyGuard(models.AbstractModel):
    """Company of a hotline record: only a Hotline admin moves it.

    An agent who moved a voicemail to another company of theirs made it vanish
    from the call-back queue of the first one; records linked across companies
    are refused (``check_company``).
    """

    _name = "hotline.company.guard"
    _description = "Hotline company guard"
    _check_company_auto = True

    def write(self, vals):
        if (
            "company_id" in vals
            and not self.env.su
            and not self.env.user.has_group("hotline_base.group_admin")
        ):
            new = vals["company_id"] or False
            if any(rec.company_id.id != new for rec in self):
                raise AccessError(
                    self.env._(
                        "Only a Hotline admin may move a record to another company."
                    )
                )
        return super().write(vals)
