"""Self-service data set: customers with a year of monthly posted gas bills.

Builds (once; reused while its parameters and this file are unchanged) the
database ``hotline_bench_selfservice``: hotline_billing_ivr installed without
demo data, the Chinese chart of accounts on the company, and ``--customers``
customers (customer number, one mobile number) each holding twelve posted
customer invoices, one per month (the latest dated the first day of the month
of the build), and one grouped payment reconciled with the invoices it paid.

    python3 bench/selfservice_data.py [--customers 100000] [--arrears-share 0.2]
                                      [--db NAME] [--rebuild] [--check]

From another bench: ``selfservice_data.ensure(customers, arrears_share)``
returns the description of the database ``default_db(customers,
arrears_share)``, built when missing.

Who owes what (customer ``c``, months ``j`` = 0..11, 11 = the current month):

* a customer in arrears (``--arrears-share`` of them, spread evenly) left the
  last ``u`` = 1..4 months before the current one unpaid (``u = 1 + c % 4``):
  those are overdue once their due date (invoice date + 24 days) is past;
* every customer paid the months before in one payment, 20 days after the
  invoice date of the last month paid;
* the current month's invoice is open and not yet due for everybody.

``--arrears-share 1`` gives every customer overdue bills (issue 16: dunning
100,000 customers in arrears).

How: the ORM writes the template customer's twelve invoices and the payment
(``account.payment.register``, grouped), exactly as Odoo writes them; SQL
then copies those rows for every customer (``INSERT ... SELECT`` joined with
the template rows of the same month, every column copied except the ids, the
partner, the amounts, the names and sequence numbers, the dates of the payment
and the reconciliation state), with the per-journal sequence numbers following
the template's (INV/2026/00013, ...). Indexes other than the primary keys are
dropped before and rebuilt after the copy (the unique name index checks the
numbering). The ORM then checks sample customers: their invoices recomputed
from their lines (amounts, residuals, payment state), the receivable lines'
residuals recomputed from the reconciliations, and ``hotline_amount_due`` /
``hotline_amount_overdue`` / ``hotline_last_payment_date`` against what the
generator meant. Not copied: chatter messages and followers of the documents.
"""

import argparse
import datetime
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

try:
    from tests.harness import odoo_env
except ImportError:
    # under pytest `tests` is hotline_callcenter's test package: the harness is
    # then imported as `harness` (tests/test_bench_selfservice_data.py)
    from harness import odoo_env

DB = "hotline_bench_selfservice"
DATA_VERSION = 1  # a data set built by another version is rebuilt
CUSTOMERS = 100_000
ARREARS_SHARE = 0.2
MONTHS = 12
DUE_DAYS = 24
PAY_AFTER_DAYS = 20
QUANTITY = 97  # m3 of the template bills: distinct from every other number
PRICE = 2.63  # yuan per m3
PARAM = "hotline_bench.selfservice"
MODULES_PARAM = "hotline_bench.selfservice_modules"
TEMPLATE_NAME = "Bench template customer"
BIG_TABLES = (
    "res_partner",
    "hotline_partner_phone",
    "account_move",
    "account_move_line",
    "account_payment",
    "account_partial_reconcile",
    "account_full_reconcile",
    "account_move__account_payment",
)


def psql(sql, db="postgres"):
    res = subprocess.run(
        ["psql", "-X", "-qAt", "-d", db, "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    return res.stdout.strip() if res.returncode == 0 else None


def data_version():
    """Bump DATA_VERSION when the data set this file builds changes."""
    return DATA_VERSION


def modules_version():
    """Source of the hotline add-ons: changed, the database gets ``-u``."""
    digest = hashlib.sha1()
    for path in sorted(odoo_env.ADDONS.glob("hotline_*/**/*")):
        if path.suffix in (".py", ".xml", ".csv") and "tests" not in path.parts:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def wanted(customers, arrears_share):
    return {
        "version": data_version(),
        "customers": customers,
        "arrears_share": arrears_share,
        "months": MONTHS,
    }


def get_param(db, key):
    return psql(f"SELECT value FROM ir_config_parameter WHERE key = '{key}'", db)


def stored_meta(db):
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return None
    value = get_param(db, PARAM)
    try:
        return json.loads(value) if value else {}
    except ValueError:
        return {}


def customer_partition(c, arrears_share):
    """(in arrears, first unpaid month) of customer index ``c`` (0-based)."""
    arrears = (c * 7919) % 10000 < round(arrears_share * 10000)
    unpaid_from = MONTHS - 1 - (1 + c % 4) if arrears else MONTHS - 1
    return arrears, unpaid_from


def amount_of(c, j):
    """(quantity m3, amount) of customer ``c``'s bill of month ``j``."""
    qty = 20 + (c * 31 + j * 17) % 80
    return qty, round(qty * PRICE, 2)


def month_dates(first_of_month):
    from dateutil.relativedelta import relativedelta

    return [
        first_of_month - relativedelta(months=MONTHS - 1 - j) for j in range(MONTHS)
    ]


def default_db(customers=CUSTOMERS, arrears_share=ARREARS_SHARE):
    """``hotline_bench_selfservice``, suffixed when the parameters are not the
    defaults (``_arrears100`` for issue 16's all-in-arrears data set): each
    data set keeps its own database instead of rebuilding another's."""
    name = DB
    if customers != CUSTOMERS:
        name += f"_{customers}"
    if arrears_share != ARREARS_SHARE:
        name += f"_arrears{round(arrears_share * 100)}"
    return name


def ensure(customers=CUSTOMERS, arrears_share=ARREARS_SHARE, db=None, rebuild=False):
    """Build ``db`` (default: :func:`default_db`) unless it holds this data
    set; returns its description."""
    db = db or default_db(customers, arrears_share)
    root = odoo_env.odoo_root()
    env = odoo_env.odoo_environ(root)
    meta = wanted(customers, arrears_share)
    stored = stored_meta(db)
    if stored is not None and not rebuild:
        if {k: stored.get(k) for k in meta} == meta:
            modules = modules_version()
            if get_param(db, MODULES_PARAM) != modules:
                # hotline_base first: every installed hotline add-on follows
                print(f"reusing {db}: updating the hotline add-ons", flush=True)
                odoo(root, env, db, "-u", "hotline_base")
                psql(set_param_sql(MODULES_PARAM, modules), db)
            else:
                print(f"reusing {db} ({json.dumps(stored)})", flush=True)
            return stored
        print(f"{db} holds another data set ({stored}): rebuilding", flush=True)
    if stored is not None:
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    t0 = time.time()
    subprocess.run(["createdb", db], check=True)
    odoo(root, env, db, "--without-demo=all", "-i", "hotline_billing_ivr")
    print(f"{db}: hotline_billing_ivr installed in {time.time() - t0:.0f}s", flush=True)
    # the copy and the checks run in a process of their own (a fresh registry)
    subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--db",
            db,
            "--customers",
            str(customers),
            "--arrears-share",
            str(arrears_share),
            "--load",
        ],
        env=env,
        check=True,
    )
    psql(set_param_sql(MODULES_PARAM, modules_version()), db)
    print(f"{db} built in {time.time() - t0:.0f}s", flush=True)
    return stored_meta(db)


def odoo(root, env, db, *args):
    subprocess.run(
        odoo_env.odoo_command(
            root,
            f"--database={db}",
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            "--http-port=8326",
            "--log-level=warn",
            *args,
        ),
        env=env,
        check=True,
    )


def set_param_sql(key, value):
    value = value.replace("'", "''")
    return (
        "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, "
        f"create_date, write_date) VALUES ('{key}', '{value}', 1, 1, now(), now()) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
    )


def open_registry(db):
    root = odoo_env.odoo_root()
    sys.path.insert(0, str(root))
    import odoo
    from odoo.modules.module import initialize_sys_path
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={odoo_env.addons_path(root)}",
            f"--database={db}",
            "--log-level=warn",
        ]
    )
    initialize_sys_path()
    return odoo.modules.registry.Registry(db)


# -- templates (ORM) -------------------------------------------------------------
def make_templates(env):
    """The template customer's invoices and payment, written by Odoo."""
    from odoo import Command

    company = env.company
    company.country_id = env.ref("base.cn")
    if company.chart_template != "cn":
        env["account.chart.template"].try_loading("cn", company, install_demo=False)
    env.invalidate_all()
    partner = env["res.partner"].create(
        {
            "name": TEMPLATE_NAME,
            "hotline_is_customer": True,
            "mobile": "13900000000",
            "country_id": env.ref("base.cn").id,
        }
    )
    dates = month_dates(datetime.date.today().replace(day=1))
    invoices = env["account.move"]
    for day in dates:
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "invoice_date_due": day + datetime.timedelta(days=DUE_DAYS),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "管道天然气费",
                            "quantity": QUANTITY,
                            "price_unit": PRICE,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        invoices |= invoice
    paid = invoices[: MONTHS - 1]
    payment = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=paid.ids)
        .create(
            {
                "payment_date": dates[MONTHS - 2]
                + datetime.timedelta(days=PAY_AFTER_DAYS),
                "group_payment": True,
            }
        )
        ._create_payments()
    )
    env.flush_all()
    assert paid.mapped("payment_state") == ["paid"] * (MONTHS - 1), paid.mapped(
        "payment_state"
    )
    assert invoices[-1].payment_state == "not_paid"
    return partner, invoices, payment, dates


# -- the copy (SQL) ----------------------------------------------------------------
def columns(cr, table):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cr.fetchall()


TEXT_TYPES = ("character varying", "text")


def copy_rows(cr, table, source, template, overrides, text_rules=(), num_rules=(),
              date_rules=(), where=""):  # fmt: skip
    """``INSERT INTO table SELECT`` one row per row of ``source`` (alias ``b``)
    joined with ``template`` (alias ``t``, the template rows); a column is
    ``overrides[col]`` when given, else the template's value, rewritten by the
    rules: ``text_rules`` ``(old, new)`` SQL pairs replace a text equal to
    ``old`` by ``new``, ``num_rules`` the same for numbers (``-old`` gives
    ``-new``), ``date_rules`` for dates."""
    names, exprs = [], []
    for col, kind in columns(cr, table):
        names.append(f'"{col}"')
        if col in overrides:
            exprs.append(overrides[col])
            continue
        ref = f't."{col}"'
        rules = []
        if kind in TEXT_TYPES:
            rules = [f"WHEN {ref} = {old} THEN {new}" for old, new in text_rules]
        elif kind == "numeric":
            for old, new in num_rules:
                rules.append(f"WHEN {ref} = {old} THEN {new}")
                rules.append(f"WHEN {ref} = -({old}) THEN -({new})")
        elif kind == "date":
            rules = [f"WHEN {ref} = {old} THEN {new}" for old, new in date_rules]
        exprs.append(f"CASE {' '.join(rules)} ELSE {ref} END" if rules else ref)
    cr.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} "
        f"FROM {source} {where}".replace("{template}", template)
    )
    return cr.rowcount


def quote(text):
    return "'" + text.replace("'", "''") + "'"


def reserve_ids(cr, table, count):
    """First of ``count`` new ids of ``table`` (its sequence moved past them)."""
    cr.execute(
        f"SELECT setval('{table}_id_seq', nextval('{table}_id_seq') + %s)", [count]
    )
    return cr.fetchone()[0] - count


def drop_indexes(cr):
    """Drop the indexes of the big tables that back no constraint; returns
    their definitions."""
    cr.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid::regclass::text = ANY(%s)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = i.indexrelid)
        """,
        [list(BIG_TABLES)],
    )
    found = cr.fetchall()
    for name, _definition in found:
        cr.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def load(db, customers, arrears_share):
    registry = open_registry(db)
    import odoo

    t0 = time.time()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partner, invoices, payment, dates = make_templates(env)
        cr.commit()
        print(f"templates written by the ORM in {time.time() - t0:.0f}s", flush=True)
        replicate(cr, partner, invoices, payment, dates, customers, arrears_share)
        cr.execute(set_param_sql(PARAM, json.dumps(wanted(customers, arrears_share))))
        cr.commit()
    print(f"copied in {time.time() - t0:.0f}s", flush=True)
    conn_vacuum(db)
    print(f"analysed in {time.time() - t0:.0f}s", flush=True)
    check(registry, customers, arrears_share)
    print(f"checked with the ORM in {time.time() - t0:.0f}s", flush=True)


def conn_vacuum(db):
    for table in BIG_TABLES:
        psql(f"VACUUM ANALYZE {table}", db)


def replicate(cr, partner, invoices, payment, dates, n, share):
    tpl_amount = round(QUANTITY * PRICE, 2)
    tpl_pay_amount = payment.amount
    cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cr.execute("SET LOCAL work_mem = '64MB'")
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        # the copied rows are consistent: skip the foreign key triggers
        cr.execute("SET LOCAL session_replication_role = replica")
    # the template rows, tagged with their month / role
    cr.execute(
        "CREATE TEMP TABLE tpl_move ON COMMIT DROP AS SELECT m.*, x.j AS bench_j "
        "FROM account_move m JOIN unnest(%s::int[], %s::int[]) x(mid, j) "
        "ON x.mid = m.id",
        [invoices.ids, list(range(MONTHS))],
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_line ON COMMIT DROP AS SELECT l.*, t.bench_j, "
        "t.name AS bench_name, l.display_type AS bench_role "
        "FROM account_move_line l JOIN tpl_move t ON t.id = l.move_id"
    )
    cr.execute("SELECT bench_j, bench_role, count(*) FROM tpl_line GROUP BY 1, 2")
    shape = cr.fetchall()
    assert sorted(shape) == sorted(
        [(j, role, 1) for j in range(MONTHS) for role in ("payment_term", "product")]
    ), shape
    cr.execute(
        "SELECT DISTINCT matching_number, full_reconcile_id FROM tpl_line "
        "WHERE full_reconcile_id IS NOT NULL"
    )
    assert [(m, f) for m, f in cr.fetchall()] == [
        (str(payment.move_id.line_ids.full_reconcile_id.id),)
        + (payment.move_id.line_ids.full_reconcile_id.id,)
    ], "matching number pattern changed"
    pay_move = payment.move_id
    pay_prefix = pay_move.sequence_prefix
    pay_year = str(pay_move.date.year)
    batch = payment.memo  # BATCH/2026/00001: the register wizard's batch name
    batch_prefix = batch[: len(batch) - len(batch.split("/")[-1])]
    cr.execute(
        "CREATE TEMP TABLE tpl_pmove ON COMMIT DROP AS "
        "SELECT * FROM account_move WHERE id = %s",
        [pay_move.id],
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_pline ON COMMIT DROP AS SELECT l.*, "
        "(a.account_type = 'asset_receivable') AS bench_receivable "
        "FROM account_move_line l JOIN account_account a ON a.id = l.account_id "
        "WHERE l.move_id = %s",
        [pay_move.id],
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_partial ON COMMIT DROP AS SELECT p.*, l.bench_j "
        "FROM account_partial_reconcile p JOIN tpl_line l ON l.id = p.debit_move_id"
    )
    cr.execute("SELECT count(*), count(DISTINCT bench_receivable) FROM tpl_pline")
    assert cr.fetchone() == (2, 2)

    t0 = time.time()
    definitions = drop_indexes(cr)
    # -- customers ------------------------------------------------------------
    first_partner = reserve_ids(cr, "res_partner", n)
    cr.execute(
        """
        CREATE TEMP TABLE bp ON COMMIT DROP AS
        SELECT c, %(first)s + c AS partner_id,
               'Customer ' || lpad((c + 1)::text, 6, '0') AS name,
               'C' || lpad((c + 2)::text, 8, '0') AS number,
               '138' || lpad(c::text, 8, '0') AS mobile,
               (c * 7919) %% 10000 < %(share)s AS arrears
          FROM generate_series(0, %(n)s - 1) c
        """,
        {"first": first_partner, "n": n, "share": round(share * 10000)},
    )
    cr.execute(
        "ALTER TABLE bp ADD COLUMN unpaid_from int; "
        "UPDATE bp SET unpaid_from = CASE WHEN arrears THEN %s - (1 + c %% 4) "
        "ELSE %s END",
        [MONTHS - 1, MONTHS - 1],
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_partner ON COMMIT DROP AS "
        "SELECT * FROM res_partner WHERE id = %s",
        [partner.id],
    )
    copy_rows(
        cr,
        "res_partner",
        "bp b CROSS JOIN {template} t",
        "tpl_partner",
        {"id": "b.partner_id", "commercial_partner_id": "b.partner_id"},
        text_rules=[
            ("t.name", "b.name"),
            ("t.hotline_customer_number", "b.number"),
            ("t.mobile", "b.mobile"),
        ],
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_phone ON COMMIT DROP AS "
        "SELECT * FROM hotline_partner_phone WHERE partner_id = %s",
        [partner.id],
    )
    first_phone = reserve_ids(cr, "hotline_partner_phone", n)
    copy_rows(
        cr,
        "hotline_partner_phone",
        "bp b CROSS JOIN {template} t",
        "tpl_phone",
        {"id": f"{first_phone} + b.c", "partner_id": "b.partner_id"},
        text_rules=[
            ("t.number", "b.mobile"),
            ("t.number_e164", "'+86' || b.mobile"),
        ],
    )
    # the customer number sequence goes on after the copied numbers
    cr.execute(
        "SELECT id, implementation FROM ir_sequence "
        "WHERE code = 'hotline.customer.number'"
    )
    for seq_id, implementation in cr.fetchall():
        cr.execute(
            "UPDATE ir_sequence SET number_next = %s WHERE id = %s", [n + 2, seq_id]
        )
        if implementation == "standard":
            cr.execute(f"SELECT setval('ir_sequence_{seq_id:03d}', %s)", [n + 2])
    print(f"  {n} customers in {time.time() - t0:.0f}s", flush=True)

    # -- payments (one per customer: the months before unpaid_from) -------------
    first_pay = reserve_ids(cr, "account_payment", n)
    first_pmove = reserve_ids(cr, "account_move", n)
    first_pline = reserve_ids(cr, "account_move_line", 2 * n)
    first_full = reserve_ids(cr, "account_full_reconcile", n)
    cr.execute(
        """
        CREATE TEMP TABLE bpay ON COMMIT DROP AS
        SELECT b.c, b.partner_id, b.name AS partner_name,
               %(first_pay)s + b.c AS pay_id, %(first_pmove)s + b.c AS move_id,
               %(first_pline)s + 2 * b.c AS liq_line_id,
               %(first_pline)s + 2 * b.c + 1 AS cp_line_id,
               %(first_full)s + b.c AS full_id,
               (%(dates)s::date[])[b.unpaid_from] + %(after)s AS date
          FROM bp b WHERE b.unpaid_from > 0
        """,
        {
            "first_pay": first_pay,
            "first_pmove": first_pmove,
            "first_pline": first_pline,
            "first_full": first_full,
            "dates": dates,
            "after": PAY_AFTER_DAYS,
        },
    )
    cr.execute(
        "ALTER TABLE bpay ADD COLUMN amount numeric, ADD COLUMN prefix varchar, "
        "ADD COLUMN seq int, ADD COLUMN name varchar, ADD COLUMN batch varchar"
    )
    # amounts: the same formula as amount_of()
    cr.execute(
        f"""
        UPDATE bpay p SET amount = s.total FROM (
            SELECT b.c,
                   sum(round((20 + (b.c * 31 + j * 17) % 80) * {PRICE}, 2)) AS total
              FROM bp b CROSS JOIN generate_series(0, {MONTHS - 1}) j
             WHERE j < b.unpaid_from GROUP BY b.c) s
         WHERE s.c = p.c
        """
    )
    cr.execute(
        "UPDATE bpay SET prefix = replace(%s, %s, extract(year FROM date)::int::text)",
        [pay_prefix, pay_year],
    )
    cr.execute(
        """
        UPDATE bpay p SET seq = r.n + coalesce((
                SELECT max(sequence_number) FROM account_move m
                 WHERE m.journal_id = %(journal)s AND m.sequence_prefix = r.prefix), 0)
          FROM (SELECT c, prefix,
                       row_number() OVER (PARTITION BY prefix ORDER BY date, c) n
                  FROM bpay) r
         WHERE r.c = p.c
        """,
        {"journal": pay_move.journal_id.id},
    )
    pad = len(pay_move.name) - len(pay_prefix)
    cr.execute(
        "UPDATE bpay SET "
        "name = prefix || lpad(seq::text, greatest(%s, length(seq::text)), '0'), "
        "batch = replace(%s, %s, extract(year FROM date)::int::text) || "
        "lpad(seq::text, greatest(%s, length(seq::text)), '0')",
        [pad, batch_prefix, pay_year, pad],
    )
    label = pay_move.line_ids[0].name  # "Manual Payment: BATCH/2026/00001"
    pay_text = [
        (quote(pay_move.name), "b.name"),
        (quote(batch), "b.batch"),
        (quote(label), f"replace({quote(label)}, {quote(batch)}, b.batch)"),
    ]
    pay_num = [(str(tpl_pay_amount), "b.amount")]
    pay_date = [(f"'{pay_move.date}'::date", "b.date")]
    copy_rows(
        cr,
        "account_move",
        "bpay b CROSS JOIN {template} t",
        "tpl_pmove",
        {
            "id": "b.move_id",
            "partner_id": "b.partner_id",
            "commercial_partner_id": "b.partner_id",
            "origin_payment_id": "b.pay_id",
            "sequence_prefix": "b.prefix",
            "sequence_number": "b.seq",
            "invoice_partner_display_name": "b.partner_name",
        },
        text_rules=pay_text,
        num_rules=pay_num,
        date_rules=pay_date,
    )
    copy_rows(
        cr,
        "account_move_line",
        "bpay b CROSS JOIN {template} t",
        "tpl_pline",
        {
            "id": "CASE WHEN t.bench_receivable THEN b.cp_line_id "
            "ELSE b.liq_line_id END",
            "move_id": "b.move_id",
            "partner_id": "b.partner_id",
            "payment_id": "b.pay_id",
            "move_name": "b.name",
            "full_reconcile_id": "CASE WHEN t.full_reconcile_id IS NOT NULL "
            "THEN b.full_id END",
            "matching_number": "CASE WHEN t.matching_number IS NOT NULL "
            "THEN b.full_id::text END",
        },
        text_rules=pay_text,
        num_rules=pay_num,
        date_rules=pay_date,
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_payment ON COMMIT DROP AS "
        "SELECT * FROM account_payment WHERE id = %s",
        [payment.id],
    )
    copy_rows(
        cr,
        "account_payment",
        "bpay b CROSS JOIN {template} t",
        "tpl_payment",
        {"id": "b.pay_id", "move_id": "b.move_id", "partner_id": "b.partner_id"},
        text_rules=pay_text,
        num_rules=pay_num,
        date_rules=pay_date,
    )
    cr.execute(
        "CREATE TEMP TABLE tpl_full ON COMMIT DROP AS "
        "SELECT * FROM account_full_reconcile WHERE id = %s",
        [pay_move.line_ids.full_reconcile_id.id],
    )
    copy_rows(
        cr,
        "account_full_reconcile",
        "bpay b CROSS JOIN {template} t",
        "tpl_full",
        {"id": "b.full_id"},
    )
    print(f"  {n} payments in {time.time() - t0:.0f}s", flush=True)

    # -- invoices ------------------------------------------------------------------
    first_move = reserve_ids(cr, "account_move", n * MONTHS)
    first_line = reserve_ids(cr, "account_move_line", 2 * n * MONTHS)
    invoice = invoices[0]
    pad = len(invoice.name) - len(invoice.sequence_prefix)
    cr.execute(
        f"""
        CREATE TEMP TABLE bi ON COMMIT DROP AS
        SELECT x.*, prefix || lpad(seq::text, greatest({pad}, length(seq::text)), '0')
               AS name
          FROM (
        SELECT b.c, j, b.partner_id, b.name AS partner_name,
               {first_move} + b.c * {MONTHS} + j AS move_id,
               {first_line} + 2 * (b.c * {MONTHS} + j) AS rec_line_id,
               {first_line} + 2 * (b.c * {MONTHS} + j) + 1 AS inc_line_id,
               (20 + (b.c * 31 + j * 17) % 80)::numeric AS qty,
               round((20 + (b.c * 31 + j * 17) % 80) * {PRICE}, 2) AS amount,
               j < b.unpaid_from AS paid,
               CASE WHEN j < b.unpaid_from THEN 0 ELSE {MONTHS - 1} END AS state_j,
               t.sequence_prefix AS prefix,
               o.top + row_number() OVER (
                   PARTITION BY t.sequence_prefix ORDER BY j, b.c) AS seq
          FROM bp b CROSS JOIN generate_series(0, {MONTHS - 1}) j
          JOIN tpl_move t ON t.bench_j = j
          JOIN (SELECT sequence_prefix, max(sequence_number) AS top FROM account_move
                 WHERE journal_id = {invoice.journal_id.id} GROUP BY 1) o
            ON o.sequence_prefix = t.sequence_prefix) x
        """
    )
    cr.execute("CREATE INDEX ON bi (c)")
    cr.execute("ANALYZE bi")
    inv_num = [(str(tpl_amount), "b.amount"), (str(QUANTITY), "b.qty")]
    state_cols = (
        "payment_state",
        "amount_residual",
        "amount_residual_signed",
    )
    overrides = {
        "id": "b.move_id",
        "partner_id": "b.partner_id",
        "commercial_partner_id": "b.partner_id",
        "partner_shipping_id": "b.partner_id",
        "sequence_number": "b.seq",
        "name": "b.name",
        "invoice_partner_display_name": "b.partner_name",
    }
    for col in state_cols:
        overrides[col] = (
            f"CASE s.{col} WHEN {tpl_amount} THEN b.amount ELSE s.{col} END"
            if col != "payment_state"
            else "s.payment_state"
        )
    copy_rows(
        cr,
        "account_move",
        "bi b JOIN {template} t ON t.bench_j = b.j "
        "JOIN {template} s ON s.bench_j = b.state_j",
        "tpl_move",
        overrides,
        text_rules=[("t.name", "b.name")],
        num_rules=inv_num,
    )
    print(f"  {n * MONTHS} invoices in {time.time() - t0:.0f}s", flush=True)
    line_state = {
        col: f"CASE s.{col} WHEN {tpl_amount} THEN b.amount ELSE s.{col} END"
        for col in ("amount_residual", "amount_residual_currency")
    }
    copy_rows(
        cr,
        "account_move_line",
        "bi b JOIN {template} t ON t.bench_j = b.j "
        "JOIN {template} s ON s.bench_j = b.state_j AND s.bench_role = t.bench_role "
        "LEFT JOIN bpay p ON p.c = b.c",
        "tpl_line",
        dict(
            line_state,
            id="CASE t.bench_role WHEN 'payment_term' THEN b.rec_line_id "
            "ELSE b.inc_line_id END",
            move_id="b.move_id",
            partner_id="b.partner_id",
            move_name="b.name",
            reconciled="s.reconciled",
            full_reconcile_id="CASE WHEN s.full_reconcile_id IS NOT NULL "
            "THEN p.full_id END",
            matching_number="CASE WHEN s.matching_number IS NOT NULL "
            "THEN p.full_id::text END",
        ),
        text_rules=[("t.bench_name", "b.name")],
        num_rules=inv_num,
    )
    print(f"  {2 * n * MONTHS} invoice lines in {time.time() - t0:.0f}s", flush=True)
    cr.execute("SELECT count(*) FROM bi WHERE paid")
    (paid,) = cr.fetchone()
    first_partial = reserve_ids(cr, "account_partial_reconcile", paid)
    cr.execute(
        "CREATE TEMP TABLE bpart ON COMMIT DROP AS SELECT bi.*, "
        f"{first_partial} - 1 + row_number() OVER (ORDER BY bi.move_id) AS partial_id "
        "FROM bi WHERE paid"
    )
    copy_rows(
        cr,
        "account_partial_reconcile",
        "bpart b JOIN bpay p ON p.c = b.c JOIN {template} t ON t.bench_j = b.j",
        "tpl_partial",
        {
            "id": "b.partial_id",
            "debit_move_id": "b.rec_line_id",
            "credit_move_id": "p.cp_line_id",
            "full_reconcile_id": "p.full_id",
        },
        num_rules=[(str(tpl_amount), "b.amount")],
        date_rules=[(f"'{pay_move.date}'::date", "p.date")],
    )
    cr.execute(
        "INSERT INTO account_move__account_payment (payment_id, invoice_id) "
        "SELECT p.pay_id, b.move_id FROM bpart b JOIN bpay p ON p.c = b.c"
    )
    print(f"  {paid} reconciliations in {time.time() - t0:.0f}s", flush=True)
    for definition in definitions:
        cr.execute(definition)
    print(
        f"  {len(definitions)} indexes rebuilt in {time.time() - t0:.0f}s", flush=True
    )
    # every journal entry balanced
    cr.execute(
        "SELECT count(*) FROM (SELECT move_id FROM account_move_line "
        "GROUP BY move_id HAVING sum(balance) <> 0 OR sum(debit) <> sum(credit)) x"
    )
    assert cr.fetchone()[0] == 0, "unbalanced journal entries"


# -- the checks (ORM) --------------------------------------------------------------
def expected(c, share, today, dates):
    arrears, unpaid_from = customer_partition(c, share)
    bills = [amount_of(c, j) for j in range(MONTHS)]
    due = sum(amount for _q, amount in bills[unpaid_from:])
    overdue = sum(
        amount
        for j, (_q, amount) in enumerate(bills)
        if j >= unpaid_from and dates[j] + datetime.timedelta(days=DUE_DAYS) < today
    )
    paid_on = (
        dates[unpaid_from - 1] + datetime.timedelta(days=PAY_AFTER_DAYS)
        if unpaid_from
        else False
    )
    return arrears, unpaid_from, bills, round(due, 2), round(overdue, 2), paid_on


def check(registry, n, share):
    """Sample customers as the ORM sees them (nothing written)."""
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Partner = env["res.partner"]
        Move = env["account.move"]
        template = Partner.search([("name", "=", TEMPLATE_NAME)])
        dates = Move.search(
            [("partner_id", "=", template.id), ("move_type", "=", "out_invoice")],
            order="invoice_date",
        ).mapped("invoice_date")
        today = odoo.fields.Date.context_today(Partner)
        samples = sorted({0, 1, 2, 3, 4, 5, n // 2, n - 1})
        seen_arrears = False
        for c in samples:
            partner = Partner.search(
                [("hotline_customer_number", "=", f"C{c + 2:08d}")]
            )
            assert partner.name == f"Customer {c + 1:06d}", (c, partner.name)
            arrears, unpaid_from, bills, due, overdue, paid_on = expected(
                c, share, today, dates
            )
            seen_arrears |= arrears
            moves = Move.search(
                [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")],
                order="invoice_date",
            )
            assert len(moves) == MONTHS, (c, len(moves))
            assert set(moves.mapped("state")) == {"posted"}
            assert moves.mapped("invoice_date") == dates, c
            stored = [
                (m.amount_total, m.amount_residual, m.payment_state) for m in moves
            ]
            want = [
                (amount, 0.0 if j < unpaid_from else amount,
                 "paid" if j < unpaid_from else "not_paid")
                for j, (_q, amount) in enumerate(bills)
            ]  # fmt: skip
            assert stored == want, (c, stored, want)
            assert moves.invoice_line_ids.mapped("quantity") == [
                float(q) for q, _a in bills
            ]
            # the stored figures are what Odoo computes from the lines and the
            # reconciliations
            receivable = moves.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            )
            stored_lines = [
                (line.amount_residual, line.reconciled) for line in receivable
            ]
            receivable._compute_amount_residual()
            assert [
                (line.amount_residual, line.reconciled) for line in receivable
            ] == stored_lines, (c, stored_lines)
            moves._compute_amount()
            moves._compute_payment_state()
            assert [
                (m.amount_total, m.amount_residual, m.payment_state) for m in moves
            ] == want, c
            env.invalidate_all()
            partner = Partner.browse(partner.id)
            got = (
                partner.hotline_amount_due,
                partner.hotline_amount_overdue,
                partner.hotline_last_payment_date,
            )
            assert got == (due, overdue, paid_on), (c, got, (due, overdue, paid_on))
            assert partner.hotline_is_overdue == (overdue > 0)
        cr.execute(
            "SELECT count(*) FROM account_move WHERE move_type = 'out_invoice' "
            "AND state = 'posted'"
        )
        assert cr.fetchone()[0] == (n + 1) * MONTHS
        cr.rollback()
    print(
        f"checked customers {samples} with the ORM (invoices, residuals, payment "
        "state, amounts due/overdue, last payment)"
        + ("" if seen_arrears else " (none in arrears)"),
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=CUSTOMERS)
    parser.add_argument(
        "--arrears-share",
        type=float,
        default=ARREARS_SHARE,
        help="share of customers with overdue bills (1 = all of them)",
    )
    parser.add_argument("--db", help="default: hotline_bench_selfservice[_...]")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--check", action="store_true", help="only run the checks")
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.db = args.db or default_db(args.customers, args.arrears_share)
    if args.load:
        load(args.db, args.customers, args.arrears_share)
    elif args.check:
        check(open_registry(args.db), args.customers, args.arrears_share)
    else:
        meta = ensure(args.customers, args.arrears_share, args.db, args.rebuild)
        print(json.dumps(meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
