"""Dunning campaign build: 100,000 overdue customers in at most 30 s.

The data set, through the real schema (built once, kept in the database):
100,000 customers (mobile, customer number) and two credit control lines
each (two months in arrears) of a run whose policy level's channel is phone,
all pointing at one real posted invoice's receivable line (the build reads
the lines' amounts, not their journal items). Measured: Finance's "Create
dunning campaign" on the run (``credit.control.run.
action_hotline_dunning_campaign``: one contact per customer with its flow
variables, the lines linked and queued), then rolled back so the bench can
run again. Target: <= 30 s.

Database: ``hotline_bench_dunning`` (hotline_billing_ivr installed without
demo; built when missing, from the ``hotline_deps`` template when there is
one).

    python3 bench/bench_dunning_build.py [--customers 100000] [--target 30]
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.bench_ami_ingest import load_odoo, psql
from tests.harness import odoo_env

DB = "hotline_bench_dunning"
MODULE = "hotline_billing_ivr"


def ensure_database(root, db, port):
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1":
        state = psql(f"SELECT state FROM ir_module_module WHERE name = '{MODULE}'", db)
        if state == "installed":
            print(f"reusing {db}", flush=True)
            return
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    t0 = time.time()
    template = psql("SELECT 1 FROM pg_database WHERE datname = 'hotline_deps'")
    subprocess.run(
        ["createdb", db] + (["-T", "hotline_deps"] if template == "1" else []),
        check=True,
    )
    subprocess.run(
        odoo_env.odoo_command(
            root,
            f"--database={db}",
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            f"--http-port={port}",
            "--without-demo=all",
            "-i",
            MODULE,
            "--log-level=warn",
        ),
        env=odoo_env.odoo_environ(root),
        check=True,
    )
    print(f"{db}: {MODULE} installed in {time.time() - t0:.0f}s", flush=True)


def setup(registry, customers):
    """The run (built once): ``run id``."""
    import odoo
    from odoo import Command, fields

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env["res.company"].search([("chart_template", "=", "cn")], limit=1)
        if not company:
            company = env.company
            env["account.chart.template"]._load("cn", company, install_demo=False)
        env = env(context={"allowed_company_ids": [company.id]})
        run = env["credit.control.run"].search(
            [("company_id", "=", company.id), ("line_ids", "!=", False)], limit=1
        )
        if run and len(run.line_ids) >= 2 * customers:
            return run.id, company.id
        t0 = time.time()
        # a run built for a smaller --customers left these behind: reuse them
        pbx = env["hotline.pbx"].search([("name", "=", "Bench dunning")], limit=1)
        pbx = pbx or env["hotline.pbx"].create(
            {"name": "Bench dunning", "ami_secret": "x"}
        )
        queue = env["hotline.queue"].search([("code", "=", "bench-dun")], limit=1)
        queue = queue or env["hotline.queue"].create(
            {"name": "Dunning", "code": "bench-dun"}
        )
        flow = env["hotline.ivr.flow"].create(
            {"name": "Bench dunning", "fallback_type": "queue",
             "fallback_queue_id": queue.id}
        )  # fmt: skip
        company.write(
            {
                "hotline_dunning_flow_id": flow.id,
                "hotline_dunning_pbx_id": pbx.id,
                "hotline_dunning_calendar_id": company.resource_calendar_id.id,
            }
        )
        customer = env["res.partner"].create({"name": "Bench invoice customer"})
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-01-05",
                "invoice_date_due": "2026-01-25",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Gas", "quantity": 1, "price_unit": 100.0,
                         "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )  # fmt: skip
        invoice.action_post()
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        policy = env["credit.control.policy"].create(
            {
                "name": "Bench dunning",
                "company_id": company.id,
                "account_ids": [Command.set(receivable.account_id.ids)],
                "level_ids": [
                    Command.create(
                        {
                            "name": "Phone",
                            "level": 1,
                            "computation_mode": "net_days",
                            "delay_days": 10,
                            "channel": "phone",
                            "email_template_id": env.ref(
                                "account_credit_control.email_template_credit_control_base"
                            ).id,
                            "custom_text": "Reminder",
                            "custom_mail_text": "<p>Reminder</p>",
                        }
                    )
                ],
            }
        )
        run = env["credit.control.run"].create(
            {"date": fields.Date.today(), "policy_ids": [Command.set(policy.ids)],
             "state": "done", "company_id": company.id}
        )  # fmt: skip
        env.flush_all()
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, active, type, is_company,
                                     mobile, hotline_customer_number, lang,
                                     autopost_bills, create_date, write_date)
            SELECT 'Bench dunning customer ' || n, 'Bench dunning customer ' || n,
                   TRUE, 'contact', TRUE, '139' || lpad(n::text, 8, '0'),
                   'DB' || lpad(n::text, 8, '0'), 'zh_CN', 'ask', now(), now()
              FROM generate_series(1, %s) n
            RETURNING id
            """,
            (customers,),
        )
        partner_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
            (partner_ids,),
        )
        cr.execute(
            """
            INSERT INTO credit_control_line (
                date, date_due, state, channel, invoice_id, partner_id,
                commercial_partner_id, amount_due, balance_due, move_line_id,
                company_id, policy_level_id, policy_id, level, run_id,
                create_date, write_date)
            SELECT %(today)s, (DATE '2026-01-25' + (m.k * 30)), 'draft', 'phone',
                   %(invoice)s, p.id, p.id, 100 + m.k * 23.4, 100 + m.k * 23.4,
                   %(line)s, %(company)s, %(level)s, %(policy)s, 1, %(run)s,
                   now(), now()
              FROM unnest(%(partners)s) p(id)
             CROSS JOIN generate_series(0, 1) m(k)
            """,
            {
                "today": fields.Date.today(),
                "invoice": invoice.id,
                "line": receivable.id,
                "company": company.id,
                "level": policy.level_ids.id,
                "policy": policy.id,
                "run": run.id,
                "partners": partner_ids,
            },
        )
        print(
            f"data set: {customers} customers, {2 * customers} credit control "
            f"lines in {time.time() - t0:.1f}s",
            flush=True,
        )
        return run.id, company.id


def measure(registry, run_id, company_id):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"allowed_company_ids": [company_id]}
        )
        run = env["credit.control.run"].browse(run_id)
        lines = len(run.line_ids)
        env.invalidate_all()
        t0 = time.time()
        action = run.action_hotline_dunning_campaign()
        env.flush_all()
        elapsed = time.time() - t0
        campaign = env["hotline.campaign"].browse(action["res_id"])
        contacts = len(campaign.contact_ids)
        queued = env["credit.control.line"].search_count(
            [("hotline_dunning_contact_id.campaign_id", "=", campaign.id)]
        )
        cr.rollback()
    return elapsed, lines, contacts, queued


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100000)
    parser.add_argument("--target", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=8391)
    args = parser.parse_args()
    root = odoo_env.odoo_root()
    ensure_database(root, DB, args.port)
    load_odoo(root, DB)
    import odoo

    registry = odoo.modules.registry.Registry(DB)
    run_id, company_id = setup(registry, args.customers)
    elapsed, lines, contacts, queued = measure(registry, run_id, company_id)
    print(
        f"dunning campaign built from {lines} credit control lines: {contacts} "
        f"contacts, {queued} lines queued in {elapsed:.2f}s (target <= "
        f"{args.target:.0f}s)",
        flush=True,
    )
    ok = contacts == args.customers and queued == lines and elapsed <= args.target
    print("OK" if ok else "MISSED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
