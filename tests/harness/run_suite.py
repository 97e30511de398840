"""``make test``: static checks, every add-on's Odoo tests, then the pytest suite.

Ends with one line ``suite: N passed, N failed``. Fails when a check or test fails,
when an add-on logs an ERROR or WARNING while installing, when an add-on ran no
test, or when a browser tour was skipped (Odoo skips tours silently when Chromium
or websocket-client is missing).
"""

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.harness import odoo_env, system

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
STATS = re.compile(r"^(?P<module>\w+): (?P<count>\d+) tests ")
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|error|errors|skipped)")


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.problems = []

    def fail(self, what, n=1):
        self.failed += max(n, 1)
        self.problems.append(what)


def run(cmd, env=None, log=None, cwd=None):
    """Run ``cmd``, echoing its output; return (returncode, output lines)."""
    lines = []
    with subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd or odoo_env.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as proc:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if log is None or log(line):
                sys.stdout.write(line)
                sys.stdout.flush()
    return proc.returncode, lines


def stage_static(tally):
    print("== static checks (pre-commit: ruff, pylint-odoo, oca-checks)", flush=True)
    if not odoo_env.have("pre-commit"):
        tally.fail("pre-commit is not installed (pip install -r requirements.txt)")
        return
    rc, lines = run(["pre-commit", "run", "--all-files", "--show-diff-on-failure"])
    for line in lines:
        if line.rstrip().endswith("Passed"):
            tally.passed += 1
        elif line.rstrip().endswith("Failed"):
            tally.fail(f"static: {line.split('...')[0].strip()}")
    if rc and not any(p.startswith("static") for p in tally.problems):
        tally.fail(f"static: pre-commit exited {rc}")


def createdb(name):
    subprocess.run(["dropdb", "--if-exists", name], check=False)
    subprocess.run(["createdb", name], check=True)


def stage_odoo(tally, root, modules, keep_db=False):
    db = f"hotline_test_{os.getpid()}"
    env = odoo_env.odoo_environ(root)
    common = [
        f"--database={db}",
        f"--db-filter=^{db}$",
        "--stop-after-init",
        f"--http-port={os.environ.get('HOTLINE_TEST_PORT', '8169')}",
        "--workers=0",
        "--max-cron-threads=0",
    ]
    print(f"== Odoo: installing dependencies in {db}", flush=True)
    createdb(db)
    try:
        t0 = time.time()
        rc, lines = run(
            odoo_env.odoo_command(
                root, *common, "-i", ",".join(odoo_env.DEPENDENCIES), "--log-level=warn"
            ),
            env=env,
        )
        if rc:
            tally.fail(f"odoo: installing the dependencies exited {rc}")
            return
        print(f"   dependencies installed in {time.time() - t0:.0f}s", flush=True)
        print(f"== Odoo: installing and testing {', '.join(modules)}", flush=True)
        tags = ",".join(f"/{m}" for m in modules)
        t0 = time.time()
        rc, lines = run(
            odoo_env.odoo_command(
                root,
                *common,
                "-i",
                ",".join(modules),
                "--test-enable",
                f"--test-tags={tags}",
                "--log-level=test",
            ),
            env=env,
            log=lambda line: " INFO " not in line[:40] or "odoo.tests.stats" in line,
        )
        print(f"   installed and tested in {time.time() - t0:.0f}s", flush=True)
        judge_odoo_log(tally, lines, modules, rc)
    finally:
        if not keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)


def _chrome_preconnect(logger, msg):
    """Headless Chrome opens connections it may never use; with --test-enable
    Odoo's RequestHandler.setup() (odoo/service/server.py) gives them 5 s, then
    http.server logs "Request timed out" at ERROR: a closed idle socket, no
    request of a test."""
    return logger == "werkzeug" and "Request timed out: TimeoutError" in msg


def judge_odoo_log(tally, lines, modules, rc):
    per_module = Counter()
    bad = []
    skipped = []
    result = None
    for line in lines:
        m = LOG_LINE.match(line)
        if not m:
            continue
        level, logger, msg = m["level"], m["logger"], m["msg"]
        if logger == "odoo.tests.stats":
            s = STATS.match(msg)
            if s:
                per_module[s["module"]] += int(s["count"])
        if "when loading database" in msg:
            r = RESULT.search(msg)
            if r:
                result = tuple(int(x) for x in r.groups())
        elif level in ("WARNING", "ERROR", "CRITICAL") and not _chrome_preconnect(
            logger, msg
        ):
            bad.append(line)
        if msg.startswith("skipped "):
            skipped.append(line)
    if result is None:
        tally.fail(f"odoo: no test result in the log (odoo exited {rc})")
    else:
        failed, errors, total = result
        tally.passed += total - failed - errors
        if failed or errors:
            tally.fail(f"odoo: {failed} failed, {errors} error(s)", failed + errors)
    for module in modules:
        if not per_module[module]:
            tally.fail(f"odoo: {module} ran no test")
    if bad:
        print("\n".join(["-- WARNING/ERROR lines logged while installing:"] + bad))
        tally.fail(f"odoo: {len(bad)} WARNING/ERROR log line(s)", 0)
    if skipped:
        print(
            "\n".join(
                ["-- skipped tests (a skipped tour counts as not run):"] + skipped
            )
        )
        tally.fail(f"odoo: {len(skipped)} test(s) skipped", len(skipped))
    if rc and not tally.problems:
        tally.fail(f"odoo exited {rc}", 0)


def stage_pytest(tally, root):
    print("== pytest tests/", flush=True)
    rc, lines = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        env=odoo_env.odoo_environ(root),
    )
    counts = Counter()
    for line in reversed(lines):
        if (
            re.search(r"\b(passed|failed|error|no tests ran)\b", line)
            and " in " in line
        ):
            for n, what in PYTEST_COUNTS.findall(line):
                counts[what.rstrip("s") if what.startswith("error") else what] += int(n)
            break
    tally.passed += counts["passed"]
    failed = counts["failed"] + counts["error"]
    if failed:
        tally.fail(f"pytest: {failed} failed", failed)
    if counts["skipped"]:
        tally.fail(f"pytest: {counts['skipped']} skipped", counts["skipped"])
    if rc not in (0,) and not failed:
        tally.fail(f"pytest exited {rc}", 0 if rc != 5 else 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["static", "odoo", "pytest"], action="append")
    parser.add_argument("--module", action="append", help="test only these add-ons")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    stages = args.only or ["static", "odoo", "pytest"]
    root = odoo_env.odoo_root()
    tally = Tally()
    t0 = time.time()
    if "static" in stages:
        stage_static(tally)
    if "odoo" in stages:
        system.ensure_postgres()
        system.ensure_chromium()
        stage_odoo(tally, root, args.module or odoo_env.MODULES, args.keep_db)
    if "pytest" in stages:
        stage_pytest(tally, root)
    print(f"== done in {time.time() - t0:.0f}s")
    for problem in tally.problems:
        print(f"FAILED {problem}")
    print(f"suite: {tally.passed} passed, {tally.failed} failed")
    return 1 if tally.problems else 0


if __name__ == "__main__":
    sys.exit(main())
