"""Screen-pop latency at 50 concurrent calls.

From the moment the AMI event that makes an agent's phone ring reaches the
connector (the reader thread has parsed it) to the moment the bus notification
``hotline/call_ringing`` for that agent is committed (the connector's
transaction carrying it has committed).  50 inbound queue calls (real Asterisk 22
capture ``queue_answered`` replayed by the simulator in real time, every event
unfiltered) are in progress at once, each ringing a different agent; rounds are
repeated.  The notifications are checked in ``bus_bus`` afterwards.
Target: p95 <= 100 ms.

Database: ``hotline_bench_pop`` (hotline_callcenter installed, 50 agents;
built when missing).

    python3 bench/bench_screen_pop.py [--rounds 3] [--concurrency 50]
"""

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench_ami_ingest import ensure_database, load_odoo, setup_data

from tests.harness import odoo_env

DB = "hotline_bench_pop"
P95_TARGET_MS = 100.0


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def run(root, registry, pbx_id, agents, rounds, concurrency, pop_workers):
    import odoo

    from odoo.addons.hotline_callcenter.cli.connector import PbxWorker, RegistrySink

    # the PBX is another process, as Asterisk is
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    addon = Path(odoo_env.addons_path(root).split(",")[0]) / "hotline_callcenter"
    sim = subprocess.Popen(
        [
            sys.executable, "-m", "pbx.simulator", "--port", str(port),
            "--scenario", "inbound_answered", "--count", str(concurrency),
            "--spread", "1.0", "--rounds", str(rounds), "--agents", ",".join(agents),
        ],
        cwd=addon,
    )  # fmt: skip
    arrival = {}
    latencies = []
    sink_times = []
    lock = threading.Lock()

    class TimedSink(RegistrySink):
        def __call__(self, pbx, calls, live):
            start = time.perf_counter()
            result = super().__call__(pbx, calls, live)  # committed on return
            now = time.perf_counter()
            sink_times.append((now - start, len(calls), len(live)))
            with lock:
                for event in live:
                    if event["type"] == "ringing" and "_t" in event:
                        latencies.append((now - event["_t"]) * 1000)
            return result

    worker = PbxWorker(
        pbx_id,
        "Bench PBX",
        "127.0.0.1",
        port,
        "odoo",
        "secret",
        TimedSink(registry),
        pop_workers=pop_workers,
    )
    worker.client.backoff_initial = 0.1
    put = worker.queue.put

    def stamped_put(message):
        arrival[id(message)] = time.perf_counter()
        put(message)

    worker.client.on_event = stamped_put
    feed = worker.correlator.feed

    def timed_feed(message):
        calls, live = feed(message)
        stamp = arrival.pop(id(message), None)
        for event in live:
            if stamp is not None:
                event["_t"] = stamp
        return calls, live

    worker.correlator.feed = timed_feed
    with registry.cursor() as cr:
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        bus_mark = cr.fetchone()[0]
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM hotline_call")
        call_mark = cr.fetchone()[0]
    worker.start()
    sim.wait(60 + 30 * rounds)
    worker.wait_idle(30)
    worker.stop()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        notifs = env["bus.bus"].search([("id", ">", bus_mark)])
        pops = [
            n for n in notifs if json.loads(n.message)["type"] == "hotline/call_ringing"
        ]
        calls = env["hotline.call"].search_count([("id", ">", call_mark)])
    slow = sorted(sink_times, reverse=True)[:5]
    print(
        f"{len(sink_times)} transactions, slowest (s, calls, live events): "
        + ", ".join(f"({t:.3f}, {c}, {n})" for t, c, n in slow)
    )
    return latencies, len(pops), calls, concurrency * rounds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--pop-workers", type=int, default=8, help="parallel screen-pop transactions"
    )
    args = parser.parse_args()
    root = odoo_env.odoo_root()
    ensure_database(root, DB, 8177)
    load_odoo(root, DB)
    import odoo

    agents = [f"8{n + 100:03d}" for n in range(args.concurrency)]
    registry = odoo.modules.registry.Registry(DB)
    pbx_id = setup_data(registry, agents)
    latencies, pops, calls, started = run(
        root, registry, pbx_id, agents, args.rounds, args.concurrency, args.pop_workers
    )
    print(
        f"command: python3 bench/bench_screen_pop.py --rounds {args.rounds} "
        f"--concurrency {args.concurrency} --pop-workers {args.pop_workers}"
    )
    if not latencies:
        print("no ringing event measured: MISSED")
        return 1
    p95 = percentile(latencies, 95)
    print(
        f"{started} calls ({args.concurrency} concurrent x {args.rounds} rounds), "
        f"{len(latencies)} ringing events, {pops} pop notifications committed, "
        f"{calls} calls recorded"
    )
    print(
        "AMI event -> bus notification committed: "
        f"p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(latencies):.1f} ms"
    )
    ok = p95 <= P95_TARGET_MS and pops >= started and calls == started
    print(
        f"target p95 <= {P95_TARGET_MS:.0f} ms, every ring popped: "
        f"{'MET' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
