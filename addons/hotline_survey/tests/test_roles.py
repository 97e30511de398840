# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestSurveyAccess(HotlineCommon):
    def test_supervisor_runs_surveys(self):
        supervisor = self.role_users["supervisor"]
        self.assertTrue(supervisor.has_group("survey.group_survey_user"))
        menu = self.env.ref("hotline_survey.hotline_survey_menu")
        self.assertIn(menu, self.visible_menus(supervisor))
        self.assertNotIn(menu, self.visible_menus(self.role_users["agent"]))
        survey = (
            self.env["survey.survey"]
            .with_user(supervisor)
            .create({"title": "来电回访满意度"})
        )
        self.assertEqual(survey.user_id, supervisor)
        with self.assertRaises(AccessError):
            survey.with_user(self.role_users["agent"]).write({"title": "x"})
