"""IVR under load: server-side time per FastAGI step, 100 concurrent calls,
1,000,000 customers.

Each simulated call (``pbx.simulator.agi_caller.AgiCaller``, Asterisk's side of
FastAGI) runs the flow: business-hours check, customer lookup among 1,000,000
customers, VIP condition, welcome, menu, queue, post-call rating (stored on the
call), goodbye. A *step* is the time the connector's handler spends between
receiving Asterisk's answer to one command and sending the next command (the
database work of the step included); the network and the simulated caller's
time are not. Target: p95 <= 5 ms (issue 13).

Database: ``hotline_bench_agi``, a copy of engineer A's ``hotline_bench_lookup``
(1,000,000 customers, 3,000,000 numbers; built by bench/bench_caller_lookup.py
when missing) with hotline_callcenter installed.

    python3 bench/bench_agi_step.py [--calls 1000] [--concurrency 100] [--pace-ms 1000]

The simulated Asterisk runs in a child process. Each of its 100 sessions
answers every command after ``--pace-ms`` (a real prompt or a caller's key
press takes seconds: 1000 ms makes the load denser than 100 real callers);
sessions start at random offsets and call again as soon as they hang up, so
100 calls are in progress at any time.
"""

import argparse
import multiprocessing
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.harness import odoo_env

SOURCE_DB = "hotline_bench_lookup"
DB = "hotline_bench_agi"
P95_TARGET_MS = 5.0
DID = "4008000000"


def psql(sql, db="postgres"):
    res = subprocess.run(
        ["psql", "-d", db, "-Atc", sql], capture_output=True, text=True, check=False
    )
    return res.stdout.strip() if res.returncode == 0 else None


def ensure_database(root):
    env = odoo_env.odoo_environ(root)
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1":
        state = psql(
            "SELECT state FROM ir_module_module WHERE name = 'hotline_callcenter'", DB
        )
        if state == "installed":
            print(f"reusing {DB}: updating the hotline modules", flush=True)
            subprocess.run(
                odoo_env.odoo_command(
                    root,
                    f"--database={DB}",
                    "--stop-after-init",
                    "--workers=0",
                    "--max-cron-threads=0",
                    "--http-port=8175",
                    "-u",
                    "hotline_base,hotline_callcenter",
                    "--log-level=error",
                ),
                env=env,
                check=True,
            )
            return
        subprocess.run(["dropdb", "--if-exists", DB], check=True)
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{SOURCE_DB}'") != "1":
        print(f"building {SOURCE_DB} with bench/bench_caller_lookup.py", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / "bench_caller_lookup.py"), "--lookups", "50"],
            env=env,
            check=False,
        )
    t0 = time.time()
    subprocess.run(["createdb", "-T", SOURCE_DB, DB], check=True)
    subprocess.run(
        odoo_env.odoo_command(
            root,
            f"--database={DB}",
            "--stop-after-init",
            "--workers=0",
            "--max-cron-threads=0",
            "--http-port=8175",
            "-u",
            "hotline_base",
            "-i",
            "hotline_callcenter",
            "--log-level=warn",
        ),
        env=env,
        check=True,
    )
    print(f"{DB}: copied and hotline_callcenter installed in {time.time() - t0:.0f}s")


def setup_flow(env):
    """The gas line's flow on DID 4008000000 (created once)."""
    did = env["hotline.did"].search([("number", "=", DID)])
    if did:
        return did.flow_id
    prompts = {
        code: env["hotline.ivr.prompt"].create(
            {
                "name": code,
                "code": f"bench_{code}",
                "audio_zh_cn": "UklGRg==",  # 4 bytes of raw signed linear
                "audio_zh_cn_filename": f"{code}.sln",
            }
        )
        for code in ("welcome", "vip", "menu", "rate", "bye")
    }
    queue = env["hotline.queue"].create({"name": "Bench", "code": "bench"})
    vip = env["hotline.queue"].create({"name": "Bench VIP", "code": "bench_vip"})
    calendar = env["resource.calendar"].create(
        {
            "name": "24/7",
            "attendance_ids": [(5, 0, 0)]
            + [
                (
                    0,
                    0,
                    {
                        "name": str(d),
                        "dayofweek": str(d),
                        "hour_from": 0,
                        "hour_to": 24,
                    },
                )
                for d in range(7)
            ],
        }
    )
    flow = env["hotline.ivr.flow"].create(
        {
            "name": "Bench flow",
            "fallback_type": "queue",
            "fallback_queue_id": queue.id,
            "calendar_id": calendar.id,
        }
    )

    def node(name, kind, seq, **vals):
        return env["hotline.ivr.node"].create(
            dict(flow_id=flow.id, name=name, node_type=kind, sequence=seq, **vals)
        )

    hours = node("Open?", "condition", 1, condition_type="business_hours")
    lookup = node("Who?", "lookup", 2)
    is_vip = node("VIP?", "condition", 3, condition_type="vip")
    welcome = node("Welcome", "play", 4, prompt_id=prompts["welcome"].id)
    menu = node("Menu", "menu", 5, prompt_id=prompts["menu"].id)
    transfer = node(
        "Queue", "transfer", 6, queue_id=queue.id, vip_queue_id=vip.id, max_wait=120
    )
    rate = node("Rate", "survey", 7, prompt_id=prompts["rate"].id)
    bye = node("Bye", "hangup", 8, prompt_id=prompts["bye"].id)
    voicemail = node("Closed", "voicemail", 9, mailbox="100@default")
    hours.write({"then_node_id": lookup.id, "else_node_id": voicemail.id})
    lookup.write({"then_node_id": is_vip.id, "else_node_id": welcome.id})
    is_vip.write({"then_node_id": welcome.id, "else_node_id": welcome.id})
    welcome.next_node_id = menu
    menu.option_ids = [(0, 0, {"digit": "1", "target_node_id": transfer.id})]
    transfer.write({"next_node_id": rate.id, "on_fail_node_id": voicemail.id})
    rate.next_node_id = bye
    flow.action_publish()
    env["hotline.did"].create({"number": DID, "kind": "400", "flow_id": flow.id})
    return flow


def run_callers(port, jobs, concurrency, pace_ms, out):
    """Child process: ``concurrency`` sessions calling back to back."""
    sys.path.insert(0, str(HERE.parent / "addons" / "hotline_callcenter"))
    from pbx.simulator.agi_caller import AgiCaller

    Caller = paced_caller_class(AgiCaller, pace_ms / 1000)
    pending = list(jobs)
    lock = threading.Lock()
    results = []

    def session_loop(seed):
        rnd = random.Random(seed)
        time.sleep(rnd.random() * pace_ms / 1000 * 8)
        while True:
            with lock:
                if not pending:
                    return
                uid, caller, dtmf = pending.pop()
            sim = Caller(
                "127.0.0.1",
                port,
                script=f"ivr?did={DID}",
                caller=caller,
                did=DID,
                dtmf=dtmf,
                variables={"QUEUESTATUS": "CONTINUE"},
                timeout=60,
            )
            sim.uniqueid = uid
            sim.run()
            with lock:
                results.append((uid, sim.executed))

    threads = [
        threading.Thread(target=session_loop, args=(n,)) for n in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(results)


def paced_caller_class(AgiCaller, pace):
    class PacedCaller(AgiCaller):
        def respond(self, line, hang_now=False):
            time.sleep(pace)
            return super().respond(line, hang_now)

    return PacedCaller


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(root, calls, concurrency, pace_ms):
    sys.path.insert(0, str(root))
    import odoo
    from odoo.modules.module import initialize_sys_path
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={odoo_env.addons_path(root)}",
            f"--database={DB}",
            "--log-level=error",
            f"--db_maxconn={concurrency + 20}",
        ]
    )
    initialize_sys_path()
    from odoo.addons.hotline_callcenter.cli.ivr_backend import make_agi_handler
    from odoo.addons.hotline_callcenter.pbx.fastagi import FastAgiServer

    registry = odoo.modules.registry.Registry(DB)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        setup_flow(env)
        cr.execute(
            "SELECT number_e164 FROM hotline_partner_phone TABLESAMPLE SYSTEM (1)"
        )
        numbers = [row[0] for row in cr.fetchall()]
    steps = []
    steps_lock = threading.Lock()
    real_handler = make_agi_handler(registry, False)

    def timed_handler(session):
        original = session.command
        mark = [time.perf_counter()]  # the environment has just been read
        mine = []

        def command(line):
            verb = " ".join(line.split()[:2])
            mine.append(((time.perf_counter() - mark[0]) * 1000, verb))
            response = original(line)
            mark[0] = time.perf_counter()
            return response

        session.command = command
        try:
            return real_handler(session)
        finally:
            with steps_lock:
                steps.extend(mine)

    server = FastAgiServer("127.0.0.1", 0, timed_handler)
    server.start()
    # the simulated Asterisk runs in its own process, as Asterisk does: its
    # threads must not compete with the server's for the interpreter
    rnd = random.Random(7)
    jobs = []
    stamp = int(time.time())
    for n in range(calls):
        known = rnd.random() < 0.9
        caller = (
            rnd.choice(numbers).replace("+86", "")
            if known
            else f"177{rnd.randrange(10**8):08d}"
        )
        jobs.append((f"bench-{stamp}-{n}", caller, "1" + rnd.choice("1230")))
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["hotline.call"].create(
            [{"linkedid": uid, "caller_number": caller} for uid, caller, _d in jobs]
        )
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(
        target=run_callers, args=(server.port, jobs, concurrency, pace_ms, out)
    )
    t_start = time.time()
    try:
        child.start()
        results = out.get(timeout=3600)
        child.join()
    finally:
        server.stop()
    elapsed = time.time() - t_start
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM hotline_call "
            "WHERE linkedid = ANY(%s) AND rating IS NOT NULL",
            ([uid for uid, _e in results],),
        )
        (rated,) = cr.fetchone()
        cr.execute(
            "DELETE FROM hotline_call WHERE linkedid = ANY(%s)",
            ([uid for uid, _e in results],),
        )
    queued = sum(1 for _uid, ex in results if ex and ex[0][0] == "Queue")
    fallbacks = sum(
        1 for _uid, ex in results if ex and tuple(ex[0]) == ("Queue", "bench,c")
    )
    return steps, results, rated, queued, fallbacks, server.errors, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--pace-ms", type=float, default=1000.0)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    root = odoo_env.odoo_root()
    ensure_database(root)
    steps, results, rated, queued, fallbacks, errors, elapsed = measure(
        root, args.calls, args.concurrency, args.pace_ms
    )
    by_verb = {}
    for ms, verb in steps:
        by_verb.setdefault(verb, []).append(ms)
    steps = [ms for ms, _verb in steps]
    p50 = statistics.median(steps)
    p95 = percentile(steps, 95)
    p99 = percentile(steps, 99)
    print(
        f"command: python3 bench/bench_agi_step.py --calls {args.calls} "
        f"--concurrency {args.concurrency} --pace-ms {args.pace_ms:g}"
    )
    for verb, values in sorted(by_verb.items()):
        print(
            f"  before {verb:<14} n={len(values):<5} "
            f"p50 {statistics.median(values):.2f} ms"
            f"  p95 {percentile(values, 95):.2f} ms"
        )
    print(f"database {DB}: 1,000,000 customers (from {SOURCE_DB})")
    print(
        f"calls {len(results)}, {args.concurrency} sessions at a time, "
        f"{elapsed:.1f}s; AGI steps {len(steps)}"
    )
    print(
        f"server-side time per AGI step: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"p99 {p99:.2f} ms, max {max(steps):.2f} ms (target p95 <= {P95_TARGET_MS} ms)"
    )
    print(
        f"calls queued {queued} (fallback {fallbacks}), ratings stored {rated}, "
        f"handler errors {errors}"
    )
    ok = p95 <= P95_TARGET_MS and errors == 0 and queued == len(results)
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
