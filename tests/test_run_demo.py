"""``make run`` (tests/harness/run_demo.py) as a new user meets it (issue 12 item 9):
progress while the database is created, every demo login in the banner, and
Ctrl-C ending it cleanly with status 0 wherever it comes."""

import subprocess
import sys
from pathlib import Path

import pytest

# `tests` is also hotline_callcenter's test package on this suite's path: the
# harness is imported as the package `harness`
sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import run_demo

ODOO_LOG = [
    "2026-12-02 12:00:00,000 1 INFO hotline_demo odoo.modules.loading: "
    f"Loading module {name} ({n}/20)\n"
    for n, name in enumerate([f"m{i}" for i in range(1, 21)], 1)
]


def test_progress_while_installing():
    state = {}
    shown = [run_demo.progress_line(line, state) for line in ODOO_LOG]
    shown = [s for s in shown if s]
    assert shown[0] == "  installing modules: 2/20 (m2)"
    assert shown[-1] == "  installing modules: 20/20 (m20)"
    assert len(shown) == 10, "a line per tenth, not per module"
    # a second loading pass starts over; warnings pass through, the rest not
    assert run_demo.progress_line(ODOO_LOG[19], state) is not None
    warning = "2026-12-02 12:00:01,000 1 WARNING hotline_demo odoo.x: careful\n"
    assert run_demo.progress_line(warning, state) == warning.rstrip("\n")
    info = "2026-12-02 12:00:01,000 1 INFO hotline_demo odoo.x: fine\n"
    assert run_demo.progress_line(info, state) is None


def test_run_with_progress_prints_and_fails_on_error(capsys):
    script = "".join(ODOO_LOG[:3])
    cmd = [sys.executable, "-c", f"import sys; sys.stdout.write({script!r})"]
    run_demo.run_with_progress(cmd, env=None)
    assert "installing modules:" in capsys.readouterr().out
    with pytest.raises(subprocess.CalledProcessError):
        run_demo.run_with_progress([sys.executable, "-c", "raise SystemExit(3)"], None)


def demo_logins():
    """Logins of the internal users the add-ons' demo data creates."""
    import xml.etree.ElementTree as ET

    root = Path(__file__).resolve().parents[1] / "addons"
    logins = set()
    for path in root.glob("*/demo/*.xml"):
        for record in ET.parse(path).iter("record"):
            if record.get("model") != "res.users":
                continue
            for field in record.iter("field"):
                if field.get("name") == "login" and field.text:
                    logins.add(field.text.strip())
    return logins


def test_banner_lists_every_demo_login():
    logins = [login for login, _password, _role in run_demo.LOGINS]
    assert logins[:3] == ["admin", "agent", "agent2"]
    # every demo user is printed (agent2 and the field staff were missing once)
    assert set(logins) - {"admin"} == demo_logins()
    assert all(login == password for login, password, _role in run_demo.LOGINS)


@pytest.fixture
def harness(monkeypatch):
    calls = []
    monkeypatch.setattr(run_demo.odoo_env, "odoo_root", lambda: "/nowhere")
    monkeypatch.setattr(run_demo.odoo_env, "odoo_environ", lambda root: {})
    monkeypatch.setattr(run_demo.system, "ensure_postgres", lambda: ("16", "main"))
    monkeypatch.setattr(
        run_demo.system, "stop_postgres", lambda cluster: calls.append(cluster)
    )
    return calls


def test_ctrl_c_while_creating_the_database(harness, monkeypatch, capsys):
    def interrupted(root, env):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_demo, "database_ready", lambda: False)
    monkeypatch.setattr(run_demo, "create_database", interrupted)
    assert run_demo.main() == 0
    assert harness == [("16", "main")], "the PostgreSQL it started is stopped"
    assert "stopped (Ctrl-C)" in capsys.readouterr().out


def test_ctrl_c_while_serving_stops_the_services(harness, monkeypatch, capsys):
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    monkeypatch.setattr(run_demo, "database_ready", lambda: True)
    monkeypatch.setattr(run_demo, "update_if_changed", lambda root, env: None)
    monkeypatch.setattr(run_demo.odoo_env, "odoo_command", lambda root, *a: sleeper)
    monkeypatch.setattr(run_demo, "wait_http", lambda url: 200)
    started = []
    popen = subprocess.Popen

    def track(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    pressed = []

    def ctrl_c(seconds):
        # Ctrl-C while serving
        if not pressed:
            pressed.append(seconds)
            raise KeyboardInterrupt

    monkeypatch.setattr(run_demo.subprocess, "Popen", track)
    monkeypatch.setattr(run_demo.time, "sleep", ctrl_c)
    monkeypatch.setattr(run_demo.time, "time", iter(range(0, 10**6, 20)).__next__)
    assert run_demo.main() == 0
    assert pressed == [1]
    assert len(started) == 2
    assert all(proc.poll() is not None for proc in started), "no process left"
    out = capsys.readouterr().out
    assert "agent2" in out
    assert "Traceback" not in out
    assert harness == [("16", "main")]


def test_cron_runs_do_not_scroll_the_banner_away():
    # the command `make run` starts Odoo with, not only a constant beside it
    command = run_demo.odoo_server_command(Path("/opt/odoo"))
    handlers = [a.split("=", 1)[1] for a in command if a.startswith("--log-handler=")]
    assert "odoo.addons.base.models.ir_cron:WARNING" in handlers
    assert "--log-level=info" in command
