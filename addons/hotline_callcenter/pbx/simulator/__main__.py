# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``python3 -m pbx.simulator [--port 5038] [--rate 0.5] [--scenario NAME]``.

Runs the AMI simulator on loopback; with ``--rate`` it generates random calls,
with ``--scenario`` it replays one scenario every ``--every`` seconds.
"""

import argparse
import logging
import random
import time

from . import SCENARIOS, AmiSimulator

_logger = logging.getLogger("pbx.simulator")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m pbx.simulator", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--username", default="odoo")
    parser.add_argument("--secret", default="secret")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="random calls per second"
    )
    parser.add_argument("--scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--every", type=float, default=10.0)
    parser.add_argument("--speed", type=float, default=1.0, help="0: no delays")
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument(
        "--count",
        type=int,
        default=0,
        help="with --scenario: start COUNT calls at once (spread over --spread s), "
        "after a client logged in, --rounds times, then exit",
    )
    parser.add_argument("--spread", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--agents", default="8001", help="extensions, comma-separated")
    args = parser.parse_args(argv)
    if args.count and args.scenario:
        return burst(args)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s"
    )
    sim = AmiSimulator(
        args.host, args.port, args.username, args.secret, speed=args.speed
    )
    sim.start()
    _logger.info("AMI simulator on %s:%s (user %s)", args.host, sim.port, args.username)
    if args.rate:
        sim.generate_traffic(args.rate, duration=args.duration)
    stop_at = time.monotonic() + args.duration if args.duration else None
    try:
        while stop_at is None or time.monotonic() < stop_at:
            if args.scenario:
                sim.run_scenario(args.scenario)
            time.sleep(args.every if args.scenario else 1.0)
    except KeyboardInterrupt:
        _logger.info("interrupted")
    finally:
        sim.stop()
        _logger.info("%d calls, %d events sent", sim.calls_started, sim.events_sent)


def burst(args):
    """Rounds of COUNT concurrent calls, for benchmarks (see --count)."""
    sim = AmiSimulator(
        args.host, args.port, args.username, args.secret, speed=args.speed
    )
    sim.start()
    _logger.info("AMI simulator on %s:%s (user %s)", args.host, sim.port, args.username)
    while not any(s.logged_in for s in list(sim.sessions)):
        time.sleep(0.05)
    time.sleep(1.0)
    agents = [a.strip() for a in args.agents.split(",") if a.strip()]
    rng = random.Random(7)
    for _round in range(args.rounds):
        threads = []
        for n in range(args.count):
            threads.append(
                sim.run_scenario(
                    args.scenario,
                    caller=f"139{rng.randrange(1000):08d}",
                    agent=agents[n % len(agents)],
                )
            )
            time.sleep(rng.uniform(0, 2 * args.spread / max(args.count, 1)))
        for thread in threads:
            thread.join(60)
        _logger.info("round done: %d calls", len(threads))
    time.sleep(1.0)
    sim.stop()
    return 0


if __name__ == "__main__":
    main()
