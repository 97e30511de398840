"""Outbound campaign dialer: 30 concurrent channels sustained against the simulator.

The connector's parts as the service runs them: ``PbxWorker`` (AMI reader,
correlator, ``RegistrySink`` writing ``hotline.call``) and ``CampaignDialer``
(``RegistryDialerStore``: the plan and its attempts committed before each
Originate, results written as the events come) on one AMI session to the
built-in simulator, whose callees answer (6 in 10, talk 4 s), are busy,
do not answer (ring 1 s) or do not exist.  Measured each second: the
campaign's calls in progress (from the database), the backlog (events
received, not yet processed by the worker and the dialer); at the end
attempts/s, results, calls ingested.  Target: on average >= 90 % of the 30
channels busy once ramped up, never more than 30, every attempt resolved and
no growing backlog.

Database: ``hotline_bench_dialer`` (hotline_callcenter installed; built when
missing).

    python3 bench/bench_dialer.py [--seconds 30] [--channels 30]
"""

import argparse
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.bench_ami_ingest import ensure_database, load_odoo
from tests.harness import odoo_env

DB = "hotline_bench_dialer"


def setup(registry, port, channels, contacts):
    import odoo

    from odoo.addons.hotline_callcenter.pbx.simulator import CAPTURE_PBX_SETTINGS

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.country_id = env.ref("base.cn")
        env.company.partner_id.tz = "Asia/Shanghai"
        Pbx = env["hotline.pbx"]
        pbx = Pbx.search([("name", "=", "Bench dialer PBX")], limit=1) or Pbx.create(
            {"name": "Bench dialer PBX", "ami_secret": "secret"}
        )
        pbx.write(dict(CAPTURE_PBX_SETTINGS, ami_port=port, host="127.0.0.1"))
        # calling windows round the clock: the bench runs whenever it is run
        calendar = env["resource.calendar"].create(
            {
                "name": "Bench: always",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    (0, 0, {"name": f"Day {d}", "dayofweek": str(d),
                            "hour_from": 0.0, "hour_to": 24.0})
                    for d in range(7)
                ],
            }
        )  # fmt: skip
        queue = env["hotline.queue"].search([("code", "=", "bench")], limit=1)
        queue = queue or env["hotline.queue"].create({"name": "B", "code": "bench"})
        flow = env["hotline.ivr.flow"].create(
            {"name": "Bench", "fallback_type": "queue", "fallback_queue_id": queue.id}
        )
        env["hotline.campaign"].search([("state", "=", "running")]).write(
            {"state": "done"}
        )
        start = env["res.partner"].search_count([])
        partners = env["res.partner"].create(
            [
                {"name": f"Bench callee {start + i}", "mobile": f"138{start + i:08d}"}
                for i in range(contacts)
            ]
        )
        campaign = env["hotline.campaign"].create(
            {
                "name": f"Bench {time.strftime('%H:%M:%S')}",
                "pbx_id": pbx.id,
                "flow_id": flow.id,
                "calendar_id": calendar.id,
                "max_channels": channels,
                "max_attempts": 3,
                "ring_timeout": 20,
                "retry_busy_minutes": 0,
                "retry_no_answer_minutes": 0,
                "retry_failed_minutes": 0,
                "contact_ids": [(0, 0, {"partner_id": p.id}) for p in partners],
            }
        )
        campaign.contact_ids._hotline_prepare_numbers()
        campaign.state = "running"
        return pbx.id, campaign.id


def run(registry, seconds, channels, contacts):
    import odoo

    from odoo.addons.hotline_callcenter.cli.connector import PbxWorker, RegistrySink
    from odoo.addons.hotline_callcenter.cli.dialer import (
        CampaignDialer,
        RegistryDialerStore,
    )
    from odoo.addons.hotline_callcenter.pbx.simulator import AmiSimulator

    sim = AmiSimulator(speed=1).start()
    sim.campaign.mix = {"answer": 6, "busy": 1, "no_answer": 2, "invalid": 1}
    sim.campaign.delays = {"ring": 1.0, "talk": 4.0}
    pbx_id, campaign_id = setup(registry, sim.port, channels, contacts)
    worker = PbxWorker(
        pbx_id,
        "Bench",
        "127.0.0.1",
        sim.port,
        "odoo",
        "secret",
        RegistrySink(registry),
        prompt_sync_interval=0,
    )
    dialer = CampaignDialer(
        pbx_id, "Bench", worker.client, RegistryDialerStore(registry), interval=0.2
    )
    worker.event_listeners.append(dialer.feed)
    worker.start()
    if not worker.client.wait_connected(10):
        raise SystemExit("the connector did not connect to the simulator")
    samples = []  # (seconds, in progress, backlog)

    def in_progress():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            return env["hotline.campaign.attempt"].search_count(
                [
                    ("campaign_id", "=", campaign_id),
                    ("state", "in", ("dialing", "answered")),
                ]
            )

    t0 = time.perf_counter()
    dialer.start()
    stop = threading.Event()

    def sample():
        while not stop.wait(1.0):
            backlog = worker.queue.qsize() + dialer.events.qsize()
            samples.append((time.perf_counter() - t0, in_progress(), backlog))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    time.sleep(seconds)
    dialer.stop()  # no new attempt; the calls under way end
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and in_progress():
        dialer.process_events()
        time.sleep(0.2)
    stop.set()
    elapsed = time.perf_counter() - t0
    worker.wait_idle(20)
    worker.stop()
    sim.stop()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        attempts = env["hotline.campaign.attempt"].search(
            [("campaign_id", "=", campaign_id)]
        )
        results = {}
        for attempt in attempts:
            results[attempt.result or "open"] = (
                results.get(attempt.result or "open", 0) + 1
            )
        calls = env["hotline.call"].search_count(
            [("pbx_id", "=", pbx_id), ("linkedid", "in", attempts.mapped("channel_id"))]
        )
    return {
        "attempts": len(attempts),
        "originated": len(sim.campaign_originates),
        "elapsed": elapsed,
        "dial_seconds": seconds,
        "results": results,
        "calls": calls,
        "samples": samples,
        "stats": dict(dialer.stats),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--contacts", type=int, default=2000)
    args = parser.parse_args()
    root = odoo_env.odoo_root()
    ensure_database(root, DB, 8177)
    load_odoo(root, DB)
    import odoo

    registry = odoo.modules.registry.Registry(DB)
    result = run(registry, args.seconds, args.channels, args.contacts)
    samples = result["samples"]
    ramped = [s for s in samples if 5 <= s[0] <= args.seconds]
    mean = sum(s[1] for s in ramped) / len(ramped) if ramped else 0.0
    peak = max((s[1] for s in samples), default=0)
    backlogs = [s[2] for s in samples]
    print(
        f"command: python3 bench/bench_dialer.py --seconds {args.seconds:g}"
        f" --channels {args.channels} --contacts {args.contacts}"
    )
    print(
        f"attempts: {result['attempts']} in {args.seconds:g}s of dialling = "
        f"{result['attempts'] / args.seconds:.1f} attempts/s "
        f"({result['originated']} Originates sent)"
    )
    print(f"results: {result['results']}")
    print(f"calls in the call log: {result['calls']}")
    print(
        f"channels in use (per second): mean {mean:.1f} after ramp-up, peak {peak}"
        f" of {args.channels}: {[s[1] for s in samples]}"
    )
    print(f"backlog (events waiting, per second): {backlogs}")
    print(f"dialer stats: {result['stats']}")
    open_attempts = result["results"].get("open", 0)
    growing = len(backlogs) > 3 and min(backlogs[-3:]) > 1000
    ok = (
        mean >= 0.9 * args.channels
        and peak <= args.channels
        and not open_attempts
        and result["attempts"] == result["originated"]
        and not growing
    )
    print(
        f"target: >= 90% of {args.channels} channels busy, never more, every attempt "
        f"resolved and sent once, no growing backlog: {'MET' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
