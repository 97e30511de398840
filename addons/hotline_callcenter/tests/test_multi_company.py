# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.base.tests.common import BaseCommon

# links to shared records (users, contacts) are checked by their own rules
NOT_CHECKED = {"res.users", "res.partner", "res.company", "ir.attachment"}
# the PBX holding a file, not a business link: a Hotline admin may hand a
# message over to another company (test_voicemail, test_recording)
FILE_HOLDERS = {"hotline.voicemail.pbx_id", "hotline.recording.pbx_id"}


def unchecked_company_links(env, modules):
    """Many2one/Many2many fields added by ``modules`` between two models that
    both have a company, without ``check_company`` (or whose model lacks
    ``_check_company_auto``)."""
    missing = []
    for model_name in env.registry:
        Model = env[model_name]
        if (
            Model._abstract
            or Model._transient
            or not Model._auto  # SQL views (reports) are not written
            or model_name in NOT_CHECKED
            or "company_id" not in Model._fields
        ):
            continue
        # a company taken from the link itself (related="flow_id.company_id")
        company_from = (Model._fields["company_id"].related or "").split(".")[0]
        for field in Model._fields.values():
            if (
                field._module not in modules
                or field.type not in ("many2one", "many2many")
                or field.related
                or field.name == company_from
                or not field.store
                or field.comodel_name in NOT_CHECKED
                or "company_id" not in env[field.comodel_name]._fields
            ):
                continue
            if f"{model_name}.{field.name}" in FILE_HOLDERS:
                continue
            if not (field.check_company and Model._check_company_auto):
                missing.append(f"{model_name}.{field.name}")
    return sorted(missing)


@tagged("post_install", "-at_install")
class TestMultiCompany(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Other utility"})
        cls.pbx_b = cls.env["hotline.pbx"].create(
            {
                "name": "Other PBX",
                "host": "127.0.0.1",
                "ami_secret": "secret",
                "company_id": cls.company_b.id,
            }
        )

    def test_company_links_are_checked(self):
        self.maxDiff = None
        self.assertEqual(
            unchecked_company_links(self.env, {"hotline_base", "hotline_callcenter"}),
            [],
        )

    def test_queue_refuses_other_company_pbx(self):
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["hotline.queue"].create(
                {"name": "MC A", "code": "mc_test_a", "pbx_id": self.pbx_b.id}
            )

    def test_flow_refuses_other_company_fallback_queue(self):
        queue_b = self.env["hotline.queue"].create(
            {"name": "MC B", "code": "mc_test_b", "company_id": self.company_b.id}
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.env["hotline.ivr.flow"].create(
                {
                    "name": "Main",
                    "fallback_type": "queue",
                    "fallback_queue_id": queue_b.id,
                }
            )
