# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util
from pathlib import Path

from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import CallCenterCommon

SCRIPT = Path(__file__).parents[1] / "migrations" / "18.0.2.0.0" / "post-migrate.py"


def load_script():
    spec = importlib.util.spec_from_file_location("hotline_queue_lists", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestQueueListMigration(CallCenterCommon):
    """18.0.2.0.0: the users' comma lists of queues become member rows."""

    def test_comma_lists_become_members(self):
        self.assertNotIn("hotline_queues", self.env["res.users"]._fields)
        Queue = self.env["hotline.queue"]
        support = Queue.create({"name": "Mig support", "code": "mig_support"})
        sales = Queue.create({"name": "Mig sales", "code": "mig_sales"})
        Member = self.env["hotline.queue.member"]
        Member.create({"queue_id": sales.id, "user_id": self.agent.id, "penalty": 3})
        # the column as 18.0.1.0.0 left it (rolled back with the test)
        self.env.cr.execute(
            SQL("ALTER TABLE res_users ADD COLUMN hotline_queues VARCHAR")
        )
        for user, text in (
            (self.agent, " mig_support, mig_sales ,mig_support, mig_asterisk_only"),
            (self.supervisor, "mig_sales"),
            (self.user_internal, " , "),
            (self.role_users["handler"], "bad queue!"),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE res_users SET hotline_queues = %s WHERE id = %s",
                    text,
                    user.id,
                )
            )
        with mute_logger("hotline_queue_lists"):
            created = load_script().comma_lists_to_members(self.env)

        def queues_of(user):
            return Member.search([("user_id", "=", user.id)]).mapped(
                lambda m: (m.queue_id.code, m.penalty)
            )

        # the row that was there is kept as it was, no duplicate
        self.assertEqual(
            sorted(queues_of(self.agent)),
            [("mig_asterisk_only", 0), ("mig_sales", 3), ("mig_support", 0)],
        )
        self.assertEqual(queues_of(self.supervisor), [("mig_sales", 0)])
        self.assertFalse(queues_of(self.user_internal))
        self.assertFalse(queues_of(self.role_users["handler"]))
        self.assertEqual(len(created), 3)
        # a queue only Asterisk knew is now one of Odoo's, of the user's company
        made = Queue.search([("code", "=", "mig_asterisk_only")])
        self.assertEqual(made.company_id, self.agent.company_id)
        self.assertIn(support, created.queue_id)

    def test_nothing_to_do_without_the_column(self):
        self.assertFalse(load_script().comma_lists_to_members(self.env))

    def test_agent_form_shows_the_memberships(self):
        queue = self.env["hotline.queue"].create({"name": "Form q", "code": "form_q"})
        self.env["hotline.queue.member"].create(
            {"queue_id": queue.id, "user_id": self.agent.id}
        )
        self.assertEqual(
            self.agent.with_user(self.supervisor).hotline_queue_names, "form_q"
        )
        self.assertEqual(self.agent.hotline_queue_member_ids.queue_id, queue)
