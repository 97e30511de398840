"""Screen-pop latency at 50 concurrent calls, end to end.

From the moment the AMI event that makes an agent's phone ring reaches the
connector (the reader thread has parsed it) to the moment the websocket frame
carrying the ``hotline/call_ringing`` notification reaches the agent's bus
client: Odoo runs as a server of its own (threaded, ``--http-port``, a free
port by default), each agent is logged in and subscribed by a websocket client
of this benchmark, as the web client is.  Also printed: the part up to the
connector's commit, and the websocket frames an agent gets per ring (a second
frame within ~40 ms waits for the delayed ACK: Odoo leaves Nagle on).
50 inbound queue calls (real Asterisk 22 capture ``queue_answered`` replayed
by the simulator, a process of its own, in real time, every event unfiltered)
are in progress at once, each ringing a different agent; rounds are repeated.
Target: p95 <= 30 ms end to end (Odoo 18's bus alone: p95 9-10 ms after commit).

Database: ``hotline_bench_pop`` (hotline_callcenter installed, 50 agents;
built when missing).

    python3 bench/bench_screen_pop.py [--rounds 3] [--concurrency 50] [--http-port N]
        [--database NAME]

The server-side cost of one pop, whatever the machine's load (wall, CPU,
queries, profile): ``python3 bench/profile_screen_pop.py``.
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
P95_TARGET_MS = 30.0
WS_VERSION = "18.0-2"  # bus.websocket.WebsocketConnectionHandler._VERSION


def set_database(name):
    """Another database than ``DB`` (e.g. a copy of it per worktree)."""
    global DB
    DB = name


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(root, port):
    """Odoo as the agents' web clients reach it: a server of its own."""
    import requests

    server = subprocess.Popen(
        odoo_env.odoo_command(
            root,
            f"--database={DB}",
            f"--db-filter=^{DB}$",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
        ),
        env=odoo_env.odoo_environ(root),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=2).ok:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit(f"Odoo did not answer on port {port}")


def set_passwords(registry, agents):
    """The bench agents log in with their login as password (set once)."""
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        params = env["ir.config_parameter"]
        if params.get_param("hotline_bench.agent_passwords") == str(len(agents)):
            return
        for ext in agents:
            user = env["res.users"].search([("login", "=", f"bench_agent_{ext}")])
            user.password = user.login
        params.set_param("hotline_bench.agent_passwords", str(len(agents)))


class AgentClient:
    """An agent's bus client: logged in, subscribed over the websocket, the
    arrival time of every frame with a ``hotline/call_ringing`` in it."""

    def __init__(self, port, login, last):
        import requests
        import websocket

        session = requests.Session()
        reply = session.post(
            f"http://127.0.0.1:{port}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": DB, "login": login, "password": login},
            },
            timeout=30,
        ).json()
        if reply.get("error"):
            raise SystemExit(f"{login} could not log in: {reply['error']}")
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/websocket?version={WS_VERSION}",
            cookie=f"session_id={session.cookies['session_id']}",
            origin=f"http://127.0.0.1:{port}",
            timeout=1.0,
        )
        self.ws.send(
            json.dumps(
                {"event_name": "subscribe", "data": {"channels": [], "last": last}}
            )
        )
        self.pops = {}  # call id -> perf_counter when its frame arrived
        self.frames = []  # (perf_counter, notification types) of every frame
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        import websocket

        while not self._stop.is_set():
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError):
                return
            now = time.perf_counter()
            if not data:
                continue
            types = []
            for notif in json.loads(data):
                message = notif.get("message") or {}
                types.append(message.get("type"))
                if message.get("type") == "hotline/call_ringing":
                    self.pops.setdefault(message["payload"]["call_id"], now)
            self.frames.append((now, types))

    def close(self):
        self._stop.set()
        self._thread.join(3)
        self.ws.close()


def run(root, registry, pbx_id, agents, rounds, concurrency, pop_workers, http_port):
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
    rang = {}  # (extension, linkedid) -> perf_counter the AMI event arrived
    sink_times = []
    waits = []  # AMI event -> its pop transaction starts (ms)
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
                        waits.append((start - event["_t"]) * 1000)
                        latencies.append((now - event["_t"]) * 1000)
                        rang[(event["extension"], event["linkedid"])] = event["_t"]
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
    clients = {
        ext: AgentClient(http_port, f"bench_agent_{ext}", bus_mark) for ext in agents
    }
    time.sleep(1.0)  # subscribed
    worker.start()
    sim.wait(60 + 30 * rounds)
    worker.wait_idle(30)
    worker.stop()
    time.sleep(1.0)  # the last frames
    for client in clients.values():
        client.close()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        notifs = env["bus.bus"].search([("id", ">", bus_mark)])
        pops = [
            n for n in notifs if json.loads(n.message)["type"] == "hotline/call_ringing"
        ]
        calls = env["hotline.call"].search_count([("id", ">", call_mark)])
        call_ids = {
            c.linkedid: c.id
            for c in env["hotline.call"].search([("id", ">", call_mark)])
        }
    end_to_end = []
    for (ext, linkedid), stamp in rang.items():
        received = clients[ext].pops.get(call_ids.get(linkedid))
        if received is not None:
            end_to_end.append((received - stamp) * 1000)
    # frames an agent got within 100 ms of a pop frame: the ones behind it
    # wait for the delayed ACK
    followers = sum(
        1
        for client in clients.values()
        for (at, types), (nxt, _types) in zip(
            client.frames, client.frames[1:], strict=False
        )
        if "hotline/call_ringing" in types and nxt - at < 0.1
    )
    print(
        "connector: "
        + ", ".join(f"{k} {v}" for k, v in sorted(worker.stats.items()) if v)
    )
    slow = sorted(sink_times, reverse=True)[:5]
    print(
        f"{len(sink_times)} transactions, slowest (s, calls, live events): "
        + ", ".join(f"({t:.3f}, {c}, {n})" for t, c, n in slow)
    )
    return {
        "latencies": latencies,
        "waits": waits,
        "end_to_end": end_to_end,
        "followers": followers,
        "pops": len(pops),
        "calls": calls,
        "started": concurrency * rounds,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--pop-workers", type=int, default=8, help="parallel screen-pop transactions"
    )
    parser.add_argument(
        "--http-port", type=int, default=0, help="Odoo's port (0: a free one)"
    )
    parser.add_argument(
        "--database", default=DB, help=f"the bench database (default {DB})"
    )
    args = parser.parse_args()
    set_database(args.database)
    root = odoo_env.odoo_root()
    ensure_database(root, DB, 8177)
    load_odoo(root, DB)
    import odoo

    agents = [f"8{n + 100:03d}" for n in range(args.concurrency)]
    registry = odoo.modules.registry.Registry(DB)
    pbx_id = setup_data(registry, agents)
    set_passwords(registry, agents)
    port = args.http_port or free_port()
    server = start_server(root, port)
    try:
        result = run(
            root,
            registry,
            pbx_id,
            agents,
            args.rounds,
            args.concurrency,
            args.pop_workers,
            port,
        )
    finally:
        server.terminate()
        server.wait(30)
    latencies, end_to_end = result["latencies"], result["end_to_end"]
    started, pops, calls = result["started"], result["pops"], result["calls"]
    print(
        f"command: python3 bench/bench_screen_pop.py --rounds {args.rounds} "
        f"--concurrency {args.concurrency} --pop-workers {args.pop_workers}"
    )
    if not latencies or not end_to_end:
        print("no ringing event measured end to end: MISSED")
        return 1
    print(
        f"{started} calls ({args.concurrency} concurrent x {args.rounds} rounds), "
        f"{len(latencies)} ringing events, {pops} pop notifications committed, "
        f"{len(end_to_end)} received by the agents' websockets, {calls} calls recorded"
    )
    for label, values in (
        ("AMI event -> its pop transaction starts", result["waits"]),
        ("AMI event -> bus notification committed", latencies),
        ("AMI event -> websocket frame at the agent (end to end)", end_to_end),
    ):
        print(
            f"{label}: p50 {statistics.median(values):.1f} ms, "
            f"p95 {percentile(values, 95):.1f} ms, max {max(values):.1f} ms"
        )
    print(
        f"frames following a pop frame within 100 ms: {result['followers']} "
        f"(each waits for a delayed ACK)"
    )
    p95 = percentile(end_to_end, 95)
    ok = p95 <= P95_TARGET_MS and len(end_to_end) >= started and calls == started
    print(
        f"target p95 <= {P95_TARGET_MS:.0f} ms end to end, every ring popped: "
        f"{'MET' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
