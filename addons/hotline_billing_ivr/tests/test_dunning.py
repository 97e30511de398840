# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dunning calls end to end: invoices → credit control run (a policy with a
phone level) → campaign → the simulator answers the dialer's Originates →
the shipped dunning flow over FastAGI (the AGI simulator pressing keys) →
credit control lines and the dunning statistics. Dates are built from
today (the services' today); the dialer's clock is now, its calling windows
round the clock."""

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.hotline_callcenter.cli.ivr_backend import make_agi_handler
from odoo.addons.hotline_callcenter.pbx.fastagi import FastAgiServer
from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.test_campaign import CampaignCommon

from ..tools import speller
from ..tools.dunning import parse_promise


@tagged("post_install", "-at_install")
class TestDunning(CampaignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        # dunning SMS go through the care messages: no quiet hours here, the
        # tests run at any time of day (quiet hours: hotline_base's care tests)
        cls.company.hotline_care_quiet_hours = False
        cls.finance = cls.role_users["finance"]
        for user in cls.role_users.values():
            user.write(
                {
                    "company_ids": [Command.link(cls.company.id)],
                    "company_id": cls.company.id,
                }
            )
        cls.always = cls.env["resource.calendar"].create(
            {
                "name": "Dunning: always",
                "tz": "Asia/Shanghai",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {d}",
                            "dayofweek": str(d),
                            "hour_from": 0.0,
                            "hour_to": 24.0,
                        }
                    )
                    for d in range(7)
                ],
            }
        )
        flow = cls.env.ref("hotline_billing_ivr.hotline_dunning_flow")
        cls.env.ref(
            "hotline_billing_ivr.hotline_dunning_node_agent"
        ).queue_id = cls.queue
        flow.write({"fallback_type": "queue", "fallback_queue_id": cls.queue.id})
        if flow.state != "published":
            flow.action_publish()
        cls.dunning_flow = flow
        cls.company.write(
            {
                "hotline_dunning_flow_id": flow.id,
                "hotline_dunning_pbx_id": cls.pbx.id,
                "hotline_dunning_calendar_id": cls.always.id,
                "hotline_dunning_promise_days": 10,
                "hotline_dunning_paid_days": 7,
                "hotline_dunning_sms": True,
            }
        )
        receivable = (
            cls.env["res.partner"]
            .with_company(cls.company)
            .new({"name": "x"})
            .property_account_receivable_id
        )
        cls.policy = cls.env["credit.control.policy"].create(
            {
                "name": "Gas arrears",
                "company_id": cls.company.id,
                "account_ids": [Command.set(receivable.ids)],
                "level_ids": [
                    Command.create(
                        {
                            "name": "Phone reminder",
                            "level": 1,
                            "computation_mode": "net_days",
                            "delay_days": 5,
                            "channel": "phone",
                            "email_template_id": cls.env.ref(
                                "account_credit_control.email_template_credit_control_base"
                            ).id,
                            "custom_text": "Reminder",
                            "custom_mail_text": "<p>Reminder</p>",
                        }
                    )
                ],
            }
        )
        cls.today = fields.Date.context_today(
            cls.env["res.partner"].with_context(tz="Asia/Shanghai")
        )
        this_month = cls.today.replace(day=1)
        cls.months = [this_month - relativedelta(months=k) for k in (3, 2)]
        names = ["王芳", "李强", "赵敏", "孙丽", "周杰"]
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "mobile": f"1391001000{i}",
                    "hotline_customer_number": f"DN0000900{i}",
                    "credit_policy_id": cls.policy.id,
                }
                for i, name in enumerate(names, start=1)
            ]
        )
        cls.invoices = cls.env["account.move"]
        for customer in cls.customers:
            for month, amount in zip(cls.months, (100.0, 23.4), strict=True):
                cls.invoices |= cls.bill(customer, month, amount)

    @classmethod
    def bill(cls, partner, month, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": month.replace(day=5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "管道天然气费",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.invoice_date_due = month.replace(day=25)
        move.action_post()
        return move

    def run_credit_control(self):
        run = self.env["credit.control.run"].create(
            {"date": self.today, "policy_ids": [Command.set(self.policy.ids)]}
        )
        run.generate_credit_lines()
        return run

    def build(self, run):
        action = run.with_user(self.finance).action_hotline_dunning_campaign()
        return self.env["hotline.campaign"].browse(action["res_id"])

    def pay(self, customer):
        for invoice in self.invoices.filtered(lambda m: m.partner_id == customer):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": self.today})._create_payments()

    def now(self):
        return datetime.now(UTC)

    def agi(self, attempt, dtmf=""):
        """The answered callee runs the campaign's flow (the hotline-campaign
        context over FastAGI) and presses ``dtmf``."""
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"campaign?flow={self.dunning_flow.id}&attempt={attempt.id}",
            caller=attempt.number,
            did="ivr",
            context="hotline-campaign",
            dtmf=dtmf,
        )
        self.env.flush_all()
        sim.run()
        self.env.invalidate_all()
        return sim

    def start_agi(self):
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.server = FastAgiServer(
            "127.0.0.1", 0, make_agi_handler(self.registry, self.pbx.id)
        )
        self.server.start()
        self.addCleanup(self.server.stop)

    # ------------------------------------------------------------------
    def test_build_from_run(self):
        run = self.run_credit_control()
        lines = run.line_ids
        self.assertEqual(len(lines), 10)
        self.assertEqual(set(lines.mapped("channel")), {"phone"})
        campaign = self.build(run)
        self.assertTrue(campaign.hotline_dunning)
        self.assertEqual(campaign.mode, "automated")
        self.assertEqual(campaign.flow_id, self.dunning_flow)
        self.assertEqual(campaign.pbx_id, self.pbx)
        self.assertEqual(campaign.hotline_dunning_run_id, run)
        self.assertEqual(len(campaign.contact_ids), 5)
        contact = campaign.contact_ids.filtered(
            lambda c: c.partner_id == self.customers[0]
        )
        months = ",".join(m.strftime("%Y%m") for m in self.months)
        self.assertEqual(
            contact.variables,
            {"customer_number": "DN00009001", "amount": "123.40", "months": months},
        )
        self.assertEqual(contact.hotline_dunning_amount, 123.4)
        self.assertEqual(set(lines.mapped("state")), {"queued"})
        self.assertEqual(len(contact.hotline_dunning_line_ids), 2)
        # lines in a campaign are not dunned twice
        with self.assertRaisesRegex(UserError, "No credit control line to call"):
            self.build(run)

    def test_build_from_selected_lines(self):
        """The list's action: only the selected phone lines, no run."""
        run = self.run_credit_control()
        two = self.customers[:2]
        lines = run.line_ids.filtered(lambda line: line.partner_id in two)
        action = lines.with_user(self.finance).action_hotline_dunning_campaign()
        campaign = self.env["hotline.campaign"].browse(action["res_id"])
        self.assertFalse(campaign.hotline_dunning_run_id)
        self.assertEqual(campaign.contact_ids.partner_id, self.customers[:2])
        self.assertEqual(set(lines.mapped("state")), {"queued"})
        self.assertEqual(set((run.line_ids - lines).mapped("state")), {"draft"})

    def test_hung_up_during_the_message(self):
        """A callee who hangs up before the end of the reminder did not hear
        it: the lines stay queued, the result says so."""
        run = self.run_credit_control()
        campaign = self.build(run)
        contact = campaign.contact_ids[0]
        contact._hotline_prepare_numbers()
        spec = contact._hotline_start_attempt(self.now())
        attempt = self.env["hotline.campaign.attempt"].browse(spec["attempt_id"])
        attempt._hotline_set_result("answered", self.now())
        self.start_agi()
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"campaign?flow={self.dunning_flow.id}&attempt={attempt.id}",
            caller=attempt.number,
            did="ivr",
            context="hotline-campaign",
            hangup_after=1,
        )
        self.env.flush_all()
        sim.run()
        self.env.invalidate_all()
        self.assertEqual(attempt.flow_result, "hung_up_early")
        self.assertEqual(contact.hotline_dunning_outcome, "hung_up")
        self.assertEqual(
            set(contact.hotline_dunning_line_ids.mapped("state")), {"queued"}
        )

    def test_build_needs_settings_and_finance(self):
        run = self.run_credit_control()
        with self.assertRaisesRegex(UserError, "Only Finance runs dunning"):
            run.with_user(self.supervisor).action_hotline_dunning_campaign()
        with self.assertRaisesRegex(UserError, "Only Finance runs dunning"):
            run.with_user(self.agent).action_hotline_dunning_campaign()
        self.company.hotline_dunning_flow_id = False
        with self.assertRaisesRegex(UserError, "Set the dunning flow"):
            self.build(run)

    def test_sms_channel(self):
        level = self.policy.level_ids
        level.channel = "sms"
        run = self.run_credit_control()
        self.assertEqual(set(run.line_ids.mapped("channel")), {"sms"})
        with self.assertRaisesRegex(UserError, "No credit control line to call"):
            self.build(run)
        # the SMS channel's action: one SMS per customer with the total
        self.customers[4].write({"mobile": False, "phone": False})
        run.set_to_ready_lines()
        run.run_channel_action()
        sms = self.env["sms.sms"].search([("partner_id", "in", self.customers.ids)])
        self.assertEqual(sms.partner_id, self.customers[:4])
        self.assertIn("123.40", sms[0].body)
        lines = run.line_ids.filtered(lambda line: line.partner_id != self.customers[4])
        self.assertEqual(set(lines.mapped("state")), {"sent"})
        # the day in the user's time zone (Asia/Shanghai: not the UTC day after 16:00)
        self.assertEqual(
            set(lines.mapped("date_sent")), {fields.Date.context_today(run)}
        )
        no_mobile = run.line_ids - lines
        self.assertEqual(set(no_mobile.mapped("state")), {"error"})
        self.assertIn("no mobile", no_mobile[0].hotline_dunning_reason)

    def test_sms_channel_care_switched_off(self):
        """The arrears reminder is a care message: off for the company, the
        lines are in error with the reason and nothing is texted."""
        self.company.hotline_care_arrears = False
        self.policy.level_ids.channel = "sms"
        run = self.run_credit_control()
        run.set_to_ready_lines()
        run.run_channel_action()
        self.assertFalse(
            self.env["sms.sms"].search([("partner_id", "in", self.customers.ids)])
        )
        self.assertEqual(set(run.line_ids.mapped("state")), {"error"})
        self.assertIn("Switched off", run.line_ids[0].hotline_dunning_reason)

    def test_promise_date_parsing(self):
        today = self.today
        ok = today + timedelta(days=10)
        self.assertEqual(parse_promise(ok.strftime("%Y%m%d"), today, 10), (ok, None))
        self.assertEqual(parse_promise("2026133", today, 10), (None, "invalid"))
        self.assertEqual(parse_promise("20261332", today, 10), (None, "invalid"))
        past = (today - timedelta(days=1)).strftime("%Y%m%d")
        self.assertEqual(parse_promise(past, today, 10), (None, "past"))
        far = (today + timedelta(days=11)).strftime("%Y%m%d")
        self.assertEqual(parse_promise(far, today, 10), (None, "too_far"))

    def test_end_to_end(self):
        """Three customers answer (heard / promise / agent), one is busy at
        every attempt (error + SMS), one paid before the call (skipped)."""
        run = self.run_credit_control()
        heard, promise, agent, busy, paid = self.customers
        campaign = self.build(run)
        campaign.write({"max_channels": 5, "max_attempts": 2, "retry_busy_minutes": 5})
        campaign.with_user(self.finance).action_hotline_dunning_start()
        self.assertEqual(campaign.state, "running")
        self.pay(paid)
        sim = self.start_simulator()
        sim.campaign.script = {busy.mobile: "busy"}
        clock = [self.now()]
        worker, dialer = self.start_dialer(sim, clock)
        self.assertEqual(dialer.tick(), 4)
        contacts = {c.partner_id: c for c in campaign.contact_ids}
        # paid since the run: not dialled, closed as paid
        self.assertEqual(contacts[paid].state, "excluded")
        self.assertEqual(contacts[paid].hotline_dunning_outcome, "paid")
        self.assertIn("Paid since", contacts[paid].exclusion_reason)
        self.settle(
            worker,
            dialer,
            lambda: all(campaign.attempt_ids.mapped("result")),
        )
        self.assertEqual(contacts[busy].state, "retry")
        clock[0] += timedelta(minutes=6)
        self.assertEqual(dialer.tick(), 1)
        self.settle(worker, dialer, lambda: contacts[busy].state == "failed")
        # unreachable after every attempt: lines in error with the reason, an SMS
        busy_lines = contacts[busy].hotline_dunning_line_ids
        self.assertEqual(set(busy_lines.mapped("state")), {"error"})
        self.assertIn("Busy", busy_lines[0].hotline_dunning_reason)
        self.assertIn("SMS", busy_lines[0].hotline_dunning_reason)
        sms = self.env["sms.sms"].search([("partner_id", "=", busy.id)])
        self.assertEqual(len(sms), 1)
        self.assertIn("123.40", sms.body)
        self.assertEqual(contacts[busy].hotline_dunning_outcome, "unreachable")

        # the answered callees hear the flow
        self.start_agi()

        def attempt_of(partner):
            return contacts[partner].attempt_ids.filtered(
                lambda a: a.result == "answered"
            )

        self.assertTrue(contacts[heard].hotline_dunning_reached_at)
        sim_heard = self.agi(attempt_of(heard))
        said = [
            c.split(None, 2)[2].strip('"').split("&")
            for c in sim_heard.commands
            if c.startswith("EXEC Playback")
        ]
        expected = speller.sounds(
            ["dunning_intro"]
            + speller.digits("DN00009001")
            + ["dunning_months"]
            + speller.months(self.months)
            + ["dunning_total"]
            + speller.amount("123.40")
            + ["dunning_please_pay"],
            "zh_CN",
        )
        self.assertEqual(said[0], expected)
        self.assertTrue(
            any("dunning_menu" in c for c in sim_heard.commands), sim_heard.commands
        )
        self.assertEqual(attempt_of(heard).flow_result, "heard_all")
        self.assertEqual(contacts[heard].hotline_dunning_outcome, "heard")
        heard_lines = contacts[heard].hotline_dunning_line_ids
        self.assertEqual(set(heard_lines.mapped("state")), {"sent"})
        self.assertEqual(set(heard_lines.mapped("date_sent")), {self.today})

        # 3 then a date too far, then a good one
        promised = self.today + timedelta(days=7)
        far = self.today + timedelta(days=30)
        self.agi(
            attempt_of(promise),
            dtmf="3" + far.strftime("%Y%m%d") + "#" + promised.strftime("%Y%m%d") + "#",
        )
        contact = contacts[promise]
        self.assertEqual(contact.hotline_dunning_outcome, "promise")
        self.assertEqual(contact.hotline_dunning_promise_date, promised)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", promise.id)]
        )
        self.assertEqual(activity.date_deadline, promised)
        self.assertEqual(activity.user_id, self.finance)
        self.assertTrue(
            promise.message_ids.filtered(lambda m: "promised to pay" in (m.body or ""))
        )

        self.agi(attempt_of(agent), dtmf="2")
        self.assertEqual(contacts[agent].hotline_dunning_outcome, "agent")
        self.assertEqual(attempt_of(agent).flow_result, "pressed_key")

        # 催缴统计
        self.pay(heard)
        self.env.flush_all()
        Report = self.env["hotline.dunning.report"]
        rows = Report.with_user(self.finance).search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(len(rows), 5)
        by_result = {r.result: r for r in rows}
        self.assertEqual(
            set(by_result), {"heard", "promise", "agent", "unreachable", "paid"}
        )
        totals = Report.with_user(self.supervisor).read_group(
            [("campaign_id", "=", campaign.id)],
            ["contact_count:sum", "reached_count:sum", "reach_rate:avg",
             "amount:sum", "paid_amount:sum"],
            [],
        )[0]  # fmt: skip
        self.assertEqual(totals["contact_count"], 5)
        self.assertEqual(totals["reached_count"], 3)
        self.assertAlmostEqual(totals["reach_rate"], 60.0)
        self.assertAlmostEqual(totals["amount"], 5 * 123.4)
        # the customer who heard it paid right after the call
        self.assertAlmostEqual(totals["paid_amount"], 123.4)
        with self.assertRaises(AccessError):
            Report.with_user(self.agent).search([])

    def test_roles(self):
        run = self.run_credit_control()
        campaign = self.build(run)
        # Finance reads and starts its dunning campaign; agents do not see it
        self.assertEqual(
            campaign.with_user(self.finance).contact_ids, campaign.contact_ids
        )
        self.assertFalse(
            self.env["hotline.campaign"]
            .with_user(self.agent)
            .search([("id", "=", campaign.id)])
        )
        with self.assertRaisesRegex(UserError, "Only Finance"):
            campaign.with_user(self.agent).action_hotline_dunning_start()
        # supervisors see it, and start any campaign
        self.assertTrue(
            self.env["hotline.campaign"]
            .with_user(self.supervisor)
            .search([("id", "=", campaign.id)])
        )
        campaign.with_user(self.finance).action_hotline_dunning_start()
        self.assertEqual(campaign.state, "running")
        with self.assertRaisesRegex(UserError, "Only dunning campaigns"):
            self.make_campaign(count=1).with_user(
                self.finance
            ).action_hotline_dunning_start()
