# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``python3 -m pbx.simulator [--port 5038] [--rate 0.5] [--scenario NAME]``.

Runs the AMI simulator on loopback; with ``--rate`` it generates random calls,
with ``--scenario`` it replays one scenario every ``--every`` seconds.
"""

import argparse
import logging
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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    main()
