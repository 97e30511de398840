"""``make bench``: run every ``bench/bench_*.py`` in turn; each prints its own figures
and the command that produced them, and exits non-zero when it misses its target."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.harness import odoo_env


def main():
    benches = sorted(HERE.glob("bench_*.py"))
    if not benches:
        print("no benchmark yet")
        return 0
    root = odoo_env.odoo_root()
    env = odoo_env.odoo_environ(root)
    failed = []
    for bench in benches:
        print(f"== {bench.name}: python3 bench/{bench.name}", flush=True)
        if subprocess.run(
            [sys.executable, str(bench)], env=env, check=False
        ).returncode:
            failed.append(bench.name)
    for name in failed:
        print(f"MISSED {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
