"""``make run``: PostgreSQL (started if none answers), the ``hotline_demo`` database
with every add-on and demo data (created once, reused after), Odoo on 127.0.0.1:8069
and the connector against the built-in PBX simulator. Ctrl-C stops what it started.
"""

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

if __package__:
    from . import odoo_env, system
else:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.harness import odoo_env, system

DB = os.environ.get("HOTLINE_DB", "hotline_demo")
HOST, PORT = "127.0.0.1", int(os.environ.get("HOTLINE_PORT", "8069"))
LOGINS = [
    ("admin", "admin", "administrator, Hotline admin"),
    ("agent", "agent", "坐席 Agent"),
    ("agent2", "agent2", "坐席 Agent 2"),
    ("supervisor", "supervisor", "班长 Supervisor"),
    ("handler", "handler", "承办人 Case handler"),
    ("field1", "field1", "抢修员 Field staff (case handler)"),
    ("field2", "field2", "抢修员 Field staff 2 (case handler)"),
    ("leader", "leader", "领导 Leader"),
    ("finance", "finance", "财务 Finance"),
    ("hladmin", "hladmin", "热线管理员 Hotline admin"),
]
# Odoo's cron runner logs four INFO lines per job run: at start that is ~90
# lines that scroll the banner away, then more every minute.
QUIET_LOGGERS = ["--log-handler=odoo.addons.base.models.ir_cron:WARNING"]
# Run as zh_CN by default: the demo is a Chinese gas company hotline.
SET_LANGUAGE = """
env['res.users'].with_context(active_test=False).search([('share', '=', False)]).write(
    {'lang': 'zh_CN', 'tz': 'Asia/Shanghai'})
env.cr.commit()
"""


def sh(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def database_ready():
    res = sh(
        "psql",
        "-d",
        DB,
        "-Atc",
        "select count(*) from ir_module_module where state = 'installed' "
        f"and name in {tuple(odoo_env.MODULES)}",
    )
    return res.returncode == 0 and res.stdout.strip() == str(len(odoo_env.MODULES))


LOADING = re.compile(r"odoo\.modules\.loading: Loading module (\S+) \((\d+)/(\d+)\)")


def progress_line(line, state):
    """What to print for a line of Odoo's log while it installs: a progress
    line per tenth of the modules of a loading pass (``state`` remembers the
    last one), warnings and errors as they are; ``None`` for the rest."""
    match = LOADING.search(line)
    if match:
        module, index, total = match[1], int(match[2]), int(match[3])
        step = max(total // 10, 1)
        if total != state.get("total") or index < state.get("index", 0):
            state.update(total=total, shown=0)
        state["index"] = index
        if index == total or index - state["shown"] >= step:
            state["shown"] = index
            return f"  installing modules: {index}/{total} ({module})"
        return None
    if re.search(r" (WARNING|ERROR|CRITICAL) ", line) or line.startswith(
        ("Traceback", " ")
    ):
        return line.rstrip("\n")
    return None


def run_with_progress(cmd, env):
    """Run Odoo, printing its module loading progress instead of 2 silent minutes."""
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    state = {}
    with proc:
        for line in proc.stdout:
            shown = progress_line(line, state)
            if shown:
                print(shown, flush=True)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)


def create_database(root, env):
    print(f"creating database {DB} with demo data (about 2 minutes, once)", flush=True)
    sh("dropdb", "--if-exists", DB)
    subprocess.run(["createdb", DB], check=True)
    base = [f"--database={DB}", "--workers=0", "--stop-after-init", "--log-level=warn"]
    run_with_progress(
        odoo_env.odoo_command(
            root,
            *base,
            # the loading pass's "Loading module x (n/m)" lines only
            "--log-handler=odoo.modules.loading:INFO",
            "--load-language=zh_CN",
            "-i",
            ",".join(odoo_env.MODULES),
        ),
        env,
    )
    print("  setting the demo users' language to Chinese", flush=True)
    subprocess.run(
        odoo_env.odoo_command(root, "shell", *base, "--no-http"),
        input=SET_LANGUAGE,
        text=True,
        env=env,
        check=True,
    )


def addons_checksum():
    digest = hashlib.sha256()
    for path in sorted(odoo_env.ADDONS.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(odoo_env.ADDONS)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


STAMP = odoo_env.ROOT / ".run" / f"{DB}.checksum"


def write_stamp(checksum):
    STAMP.parent.mkdir(exist_ok=True)
    STAMP.write_text(checksum)


def update_if_changed(root, env):
    """Upgrade the add-ons in the reused database when their code changed since."""
    current = addons_checksum()
    if STAMP.exists() and STAMP.read_text() == current:
        return
    print(f"updating the add-ons in {DB}")
    subprocess.run(
        odoo_env.odoo_command(
            root,
            f"--database={DB}",
            "--workers=0",
            "--stop-after-init",
            "--log-level=warn",
            "-u",
            ",".join(odoo_env.MODULES),
        ),
        env=env,
        check=True,
    )
    write_stamp(current)


def wait_http(url, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                return resp.status
        except OSError:
            time.sleep(0.5)
    return None


def main():
    """``make run``; Ctrl-C at any point stops cleanly with status 0."""
    try:
        return serve()
    except KeyboardInterrupt:
        print("\nhotline: stopped (Ctrl-C)", flush=True)
        return 0


def serve():
    root = odoo_env.odoo_root()
    env = odoo_env.odoo_environ(root)
    started_pg = system.ensure_postgres()
    try:
        if not database_ready():
            checksum = addons_checksum()
            create_database(root, env)
            write_stamp(checksum)
        else:
            print(f"reusing database {DB}")
        update_if_changed(root, env)
        return run_services(root, env)
    finally:
        system.stop_postgres(started_pg)


def odoo_server_command(root):
    """The Odoo server of the demo (the connector runs beside it)."""
    return odoo_env.odoo_command(
        root,
        f"--database={DB}",
        f"--db-filter=^{DB}$",
        f"--http-interface={HOST}",
        f"--http-port={PORT}",
        "--workers=0",
        "--log-level=info",
        *QUIET_LOGGERS,
    )


def run_services(root, env):
    """Odoo and the connector until Ctrl-C (0) or until one of them stops (1)."""
    procs = {}
    procs["Odoo"] = subprocess.Popen(odoo_server_command(root), env=env)
    connector = odoo_env.ADDONS / "hotline_callcenter" / "cli" / "__init__.py"
    if connector.exists():
        procs["the connector"] = subprocess.Popen(
            odoo_env.odoo_command(
                root, "hotline-connector", f"--database={DB}", "--simulator"
            ),
            env=env,
        )
    interrupted = False
    try:
        if wait_http(f"http://{HOST}:{PORT}/web/login") != 200:
            print("hotline: Odoo did not answer on /web/login within 2 minutes")
            return 1
        print(f"\nHotline demo: http://{HOST}:{PORT}/web/login  (database {DB})")
        for login, password, role in LOGINS:
            print(f"  {login:<11} / {password:<11} {role}")
        print("Ctrl-C stops Odoo and the connector.\n", flush=True)
        while all(p.poll() is None for p in procs.values()):
            time.sleep(1)
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"hotline: {name} stopped (exit status {proc.returncode})")
        return 1
    except KeyboardInterrupt:
        interrupted = True
        print("\nhotline: stopping Odoo and the connector", flush=True)
        return 0
    finally:
        stop(list(procs.values()), interrupted)


def stop(procs, interrupted):
    # Ctrl-C in a terminal already signalled Odoo and the connector (same process
    # group): let them stop; a second SIGINT makes Odoo skip its clean shutdown.
    end = time.time() + (10 if interrupted else 0)
    try:
        while time.time() < end and any(p.poll() is None for p in procs):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass  # a second Ctrl-C: no more waiting
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
