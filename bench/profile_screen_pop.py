"""Server-side cost of one screen pop, independent of the machine's load.

Replays the real Asterisk capture ``queue_answered`` for ``--calls`` calls
(one agent each) through the connector's correlator and sink in this
process, one transaction per event as a quiet connector does; each
transaction carrying a ring (the screen pop) is measured: wall time, time
up to the commit, SQL queries, and (``--profile``) a cProfile of those
transactions only.

    python3 bench/profile_screen_pop.py [--calls 50] [--database hotline_bench_pop]
        [--profile 30]
"""

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench_ami_ingest import ensure_database, load_odoo, setup_data
from bench_screen_pop import DB

from tests.harness import odoo_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--database", default=DB)
    parser.add_argument(
        "--profile", type=int, default=0, help="print the N costliest functions"
    )
    parser.add_argument(
        "--sql", action="store_true", help="print the queries of the last pop"
    )
    args = parser.parse_args()
    root = odoo_env.odoo_root()
    ensure_database(root, args.database, 8177)
    load_odoo(root, args.database)
    import odoo
    from odoo.sql_db import Cursor

    from odoo.addons.hotline_callcenter.cli.connector import POP_TYPES, RegistrySink
    from odoo.addons.hotline_callcenter.pbx.correlator import CallCorrelator
    from odoo.addons.hotline_callcenter.pbx.simulator.scenarios import render

    agents = [f"8{n + 100:03d}" for n in range(args.calls)]
    registry = odoo.modules.registry.Registry(args.database)
    pbx_id = setup_data(registry, agents)

    show_sql = args.sql
    queries = [0]
    statements = []
    execute = Cursor.execute

    def counting(self, query, *a, **kw):
        queries[0] += 1
        where = ""
        if show_sql:
            import traceback

            frames = [
                f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                for f in traceback.extract_stack()[:-1]
                if "/addons/hotline" in f.filename
            ]
            where = " <- ".join(reversed(frames[-3:]))
        statements.append(f"{where}\n    {str(query)[:160]}")
        return execute(self, query, *a, **kw)

    Cursor.execute = counting
    commit_at = [0.0, 0.0]
    commit = Cursor.commit

    def timed_commit(self):
        commit_at[1] = time.perf_counter()
        result = commit(self)
        commit_at[0] = time.perf_counter()
        return result

    Cursor.commit = timed_commit
    sink = RegistrySink(registry)
    correlator = CallCorrelator()
    profiler = cProfile.Profile() if args.profile else None
    walls, to_commit, counts, cpus, commits = [], [], [], [], []
    for n, ext in enumerate(agents):
        events = render("inbound_answered", caller=f"139{n:08d}", agent=ext)
        for _delay, pairs in events:
            calls, live = correlator.feed(dict(pairs))
            if not calls and not live:
                continue
            pops = [e for e in live if e["type"] in POP_TYPES]
            if not pops:
                sink(pbx_id, calls, live)
                continue
            # as the connector does: the pop alone, then the calls (the writer)
            queries[0] = 0
            statements.clear()
            if profiler:
                profiler.enable()
            start, cpu = time.perf_counter(), time.process_time()
            sink(pbx_id, [], pops)
            end, cpu = time.perf_counter(), time.process_time() - cpu
            if profiler:
                profiler.disable()
            pop_sql = list(statements)
            walls.append((end - start) * 1000)
            to_commit.append((commit_at[1] - start) * 1000)
            commits.append((commit_at[0] - commit_at[1]) * 1000)
            counts.append(queries[0])
            cpus.append(cpu * 1000)
            others = [e for e in live if e["type"] not in POP_TYPES]
            if calls or others:
                sink(pbx_id, calls, others)
    print(
        f"command: python3 bench/profile_screen_pop.py --calls {args.calls} "
        f"--database {args.database}"
    )
    print(
        f"{len(walls)} pops, server side (one at a time): wall p50 "
        f"{statistics.median(walls):.1f} ms, mean {statistics.mean(walls):.1f} ms, "
        f"before the commit p50 {statistics.median(to_commit):.1f} ms, the commit "
        f"(flush, bus rows, notify) p50 {statistics.median(commits):.1f} ms; this "
        f"process's CPU p50 {statistics.median(cpus):.1f} ms; queries "
        f"per pop p50 {statistics.median(counts):.0f}, max {max(counts)}"
    )
    if args.sql:
        print("\n".join(pop_sql))
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            args.profile
        )
        print(out.getvalue())


if __name__ == "__main__":
    main()
