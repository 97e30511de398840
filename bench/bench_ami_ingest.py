"""AMI ingestion: raw parsing, and AMI events turned into committed calls.

1. Raw parsing: ``pbx.ami_protocol.AmiParser`` on the byte stream of simulated
   answered queue calls (real Asterisk 22 capture ``queue_answered``, replayed
   with fresh ids), fed in 64 KiB chunks as ``recv()`` returns them.
2. End to end: the built-in simulator (AMI over loopback TCP, in a process of
   its own as Asterisk is) offers answered
   queued calls, unfiltered (every VarSet/Newexten/DeviceStateChange: 178 events
   per call with the capture's Local channels, ~81 with SIP), at a fixed offered
   rate; the connector's ``PbxWorker`` (reader thread, correlator, one short
   transaction per batch through ``RegistrySink``) writes ``hotline.call``
   records.  Measured: events per second turned into committed records, the
   backlog (events received, not yet processed) sampled every second, and that
   every call ended up committed.  Target: >= 2,000 events/s with no growing
   backlog.

Database: ``hotline_bench_ingest`` (hotline_callcenter installed, 1,000
customers; built when missing).

    python3 bench/bench_ami_ingest.py [--calls 1000] [--rate 50] [--pop-workers 8]
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.harness import odoo_env

DB = "hotline_bench_ingest"
TARGET_EVENTS_PER_S = 8000.0


def psql(sql, db="postgres"):
    res = subprocess.run(
        ["psql", "-d", db, "-Atc", sql], capture_output=True, text=True, check=False
    )
    return res.stdout.strip() if res.returncode == 0 else None


def ensure_database(root, db, port):
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1":
        state = psql(
            "SELECT state FROM ir_module_module WHERE name = 'hotline_callcenter'", db
        )
        if state == "installed":
            print(f"reusing {db}", flush=True)
            return
        subprocess.run(["dropdb", "--if-exists", db], check=True)
    t0 = time.time()
    subprocess.run(["createdb", db], check=True)
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
            "hotline_callcenter",
            "--log-level=warn",
        ),
        env=odoo_env.odoo_environ(root),
        check=True,
    )
    print(f"{db}: hotline_callcenter installed in {time.time() - t0:.0f}s", flush=True)


def load_odoo(root, db):
    sys.path.insert(0, str(root))
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


def setup_data(registry, agents):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.country_id = env.ref("base.cn")
        if not env["res.partner"].search_count([("ref", "=like", "BENCH-%")]):
            env["res.partner"].create(
                [
                    {
                        "name": f"Bench customer {i}",
                        "ref": f"BENCH-{i}",
                        "phone": f"139{i:08d}",
                    }
                    for i in range(1000)
                ]
            )
        group = env.ref("hotline_base.group_agent")
        for ext in agents:
            login = f"bench_agent_{ext}"
            if not env["res.users"].search_count([("login", "=", login)]):
                env["res.users"].create(
                    {
                        "name": f"Agent {ext}",
                        "login": login,
                        "hotline_extension": ext,
                        "groups_id": [
                            (6, 0, [group.id, env.ref("base.group_user").id])
                        ],
                    }
                )
        pbx = env["hotline.pbx"].search([("name", "=", "Bench PBX")], limit=1)
        if not pbx:
            pbx = env["hotline.pbx"].create(
                {"name": "Bench PBX", "ami_secret": "secret"}
            )
        return pbx.id


def bench_parse(seconds=3.0):
    from odoo.addons.hotline_callcenter.pbx.ami_protocol import (
        AmiParser,
        serialize_pairs,
    )
    from odoo.addons.hotline_callcenter.pbx.simulator.scenarios import render

    data = b"".join(
        serialize_pairs(p)
        for i in range(50)
        for _t, p in render("inbound_answered", caller=f"139{i:08d}")
    )
    per_copy = sum(1 for i in range(50) for _ in render("inbound_answered"))
    chunks = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    events = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        parser = AmiParser(expect_banner=False)
        for chunk in chunks:
            events += len(parser.feed(chunk))
    elapsed = time.perf_counter() - t0
    assert events % per_copy == 0
    return events / elapsed


def offer(calls, rate):
    """The PBX side, in a process of its own as Asterisk is: the simulator
    offers ``calls`` answered queue calls at ``rate`` calls/s once the parent
    writes a line on stdin, then prints what it sent as JSON."""
    sys.path.insert(0, str(Path.cwd()))  # the add-on: its pbx/ needs no Odoo
    from pbx.simulator import AmiSimulator

    sim = AmiSimulator(speed=0).start()
    print(sim.port, flush=True)
    sys.stdin.readline()  # the connector is connected and resynchronised
    base_sent = sim.events_sent
    t0 = time.perf_counter()
    linkedids = []
    threads = []
    for n in range(calls):
        target = t0 + n / rate
        delay = target - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        thread = sim.run_scenario(
            "inbound_answered",
            caller=f"139{n % 1000:08d}",
            agent=f"8{n % 50 + 100:03d}",
        )
        linkedids.append(thread.linkedid)
        threads.append(thread)
    # the last calls are still being sent when the loop ends
    for thread in threads:
        thread.join()
    offered_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "sent": sim.events_sent - base_sent,
                "offered_s": offered_s,
                "linkedids": linkedids,
            }
        ),
        flush=True,
    )
    sys.stdin.readline()  # until the connector is done
    sim.stop()
    return 0


def bench_ingest(root, registry, pbx_id, calls, rate, pop_workers=8):
    import odoo

    from odoo.addons.hotline_callcenter.cli.connector import PbxWorker, RegistrySink

    addon = Path(odoo_env.addons_path(root).split(",")[0]) / "hotline_callcenter"
    pbx = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--offer"]
        + ["--calls", str(calls), "--rate", str(rate)],
        cwd=addon,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    port = int(pbx.stdout.readline())
    worker = PbxWorker(
        pbx_id,
        "Bench PBX",
        "127.0.0.1",
        port,
        "odoo",
        "secret",
        RegistrySink(registry),
        pop_workers=pop_workers,
    )
    worker.start()
    if not worker.client.wait_connected(10):
        raise SystemExit("the connector did not connect to the simulator")
    time.sleep(0.5)
    worker.wait_idle(10)
    samples = []
    done = threading.Event()

    def sample():
        while not done.wait(1.0):
            samples.append(worker.queue.qsize())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    base_events = worker.stats["events"]
    base_queries = odoo.sql_db.sql_counter
    base_cpu = time.process_time()
    t0 = time.perf_counter()
    pbx.stdin.write("go\n")
    pbx.stdin.flush()
    sent = json.loads(pbx.stdout.readline())
    linkedids = sent["linkedids"]
    # wait for the worker to process and commit everything
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
        worker.stats["events"] - base_events < sent["sent"] or not worker.wait_idle(0.5)
    ):
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - base_cpu
    queries = odoo.sql_db.sql_counter - base_queries
    done.set()
    processed = worker.stats["events"] - base_events
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        committed = env["hotline.call"].search_count(
            [("linkedid", "in", linkedids), ("ended_at", "!=", False)]
        )
        answered = env["hotline.call"].search_count(
            [("linkedid", "in", linkedids), ("disposition", "=", "answered")]
        )
    worker.stop()
    pbx.stdin.write("done\n")
    pbx.stdin.flush()
    pbx.wait(30)
    return {
        "calls": calls,
        "offered_rate": sent["sent"] / sent["offered_s"],
        "events": processed,
        "elapsed": elapsed,
        "throughput": processed / elapsed,
        "committed": committed,
        "answered": answered,
        "backlog": samples,
        "queries": queries,
        "cpu": cpu,
        "stats": dict(worker.stats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="offered calls/s")
    parser.add_argument(
        "--pop-workers", type=int, default=8, help="parallel screen-pop transactions"
    )
    parser.add_argument("--offer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.offer:
        return offer(args.calls, args.rate)
    root = odoo_env.odoo_root()
    ensure_database(root, DB, 8176)
    load_odoo(root, DB)
    import odoo

    registry = odoo.modules.registry.Registry(DB)
    pbx_id = setup_data(registry, [f"8{n + 100:03d}" for n in range(50)])
    parse_rate = bench_parse()
    result = bench_ingest(
        root, registry, pbx_id, args.calls, args.rate, args.pop_workers
    )
    backlog = result["backlog"]
    # no growing backlog: when the offer ends, at most 2 s of offered events wait
    offer_samples = backlog[: max(1, int(args.calls / args.rate))]
    allowed = max(2 * result["offered_rate"], 1000)
    growing = bool(offer_samples) and offer_samples[-1] > allowed
    command = (
        f"python3 bench/bench_ami_ingest.py --calls {args.calls} --rate {args.rate:g}"
        f" --pop-workers {args.pop_workers}"
    )
    print(f"command: {command}")
    print(f"raw AMI parsing: {parse_rate:,.0f} events/s")
    print(
        f"end to end: {result['events']:,} events of {result['calls']} answered "
        f"queue calls offered at {result['offered_rate']:,.0f} events/s -> "
        f"committed in {result['elapsed']:.1f}s = {result['throughput']:,.0f} events/s "
        f"({result['committed']}/{result['calls']} calls committed, "
        f"{result['answered']} answered)"
    )
    print(
        "connector process: "
        f"{result['cpu'] / result['calls'] * 1000:.1f} ms CPU and "
        f"{result['queries'] / result['calls']:.1f} SQL queries per call"
    )
    print(f"backlog sampled every second (events waiting): {backlog}")
    print(f"connector stats: {result['stats']}")
    ok = (
        result["throughput"] >= TARGET_EVENTS_PER_S
        and result["committed"] == result["calls"]
        and not growing
    )
    print(
        f"target >= {TARGET_EVENTS_PER_S:,.0f} events/s, all calls committed, "
        f"no growing backlog: {'MET' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
