"""First run on a machine without Odoo (``tests/harness/bootstrap.py``).

The pure parts (pins for the running Python, the one-line errors) run in the normal
suite. ``test_first_run_on_a_fresh_clone`` is the end-to-end check: marked slow,
deselected unless asked (``make test-bootstrap``), it needs
``HOTLINE_TEST_ODOO_REPO``: a git repository with an ``18.0`` branch of Odoo.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# `tests` is also hotline_callcenter's test package on this suite's path.
sys.path.insert(0, str(ROOT / "tests" / "harness"))
import bootstrap
import system

# Lines of Odoo 18.0's requirements.txt, verbatim (comments and spacing included).
ODOO_REQUIREMENTS = (
    ROOT / "tests" / "data" / "odoo-18.0-requirements-excerpt.txt"
).read_text()
NOBLE_PINS = [
    "asn1crypto==1.5.1",
    "Babel==2.10.3",
    "cbor2==5.6.2",
    "cryptography==42.0.8",
    "geoip2==2.9.0",
    "gevent==24.2.1",
    "Jinja2==3.1.2",
    "lxml==5.2.1",
    "lxml-html-clean",
    "psutil==5.9.8",
    "psycopg2==2.9.9",
    "python-ldap==3.4.4",
    "pytz",
    "urllib3==2.0.7",
]


@pytest.mark.parametrize("python", [(3, 10), (3, 11), (3, 12)])
def test_pins_are_odoo_s_312_ones_on_every_supported_python(python):
    """The < 3.12 pins (cbor2 5.4.2...) no longer build: 3.10 and 3.11 get the
    3.12 pins, one per package, and nothing win32-only."""
    assert bootstrap.pin_requirements(ODOO_REQUIREMENTS, python=python) == NOBLE_PINS


def test_pin_for_older_pythons_only_is_kept_where_it_applies():
    text = "backport==1.0 ; python_version < '3.12'\nother==2.0\n"
    assert bootstrap.pin_requirements(text, python=(3, 11)) == [
        "backport==1.0",
        "other==2.0",
    ]
    assert bootstrap.pin_requirements(text, python=(3, 12)) == ["other==2.0"]


def test_pins_without_ldap_headers_or_pg_config():
    pins = bootstrap.pin_requirements(
        ODOO_REQUIREMENTS, python=(3, 11), ldap=False, build_psycopg2=False
    )
    assert "psycopg2-binary==2.9.9" in pins
    assert not [p for p in pins if p.startswith(("python-ldap", "psycopg2=="))]
    assert len(pins) == len(NOBLE_PINS) - 1


@pytest.mark.parametrize("python", [(3, 9), (3, 13)])
def test_unsupported_python_is_one_line_naming_python(python):
    with pytest.raises(SystemExit) as exc:
        bootstrap.check_python(python)
    msg = str(exc.value.code)
    assert "\n" not in msg
    assert msg.startswith(f"hotline: Python {python[0]}.{python[1]} cannot run Odoo")
    assert "set PYTHON" in msg


def test_supported_python_passes():
    for python in [(3, 10), (3, 11), (3, 12)]:
        assert bootstrap.check_python(python) is None


def git(*args, cwd=None):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def fake_odoo_repo(path, series=(18, 0)):
    """A git repository whose 18.0 branch looks like an Odoo tree of ``series``."""
    work = path / "work"
    (work / "odoo").mkdir(parents=True)
    (work / "odoo-bin").write_text("#!/usr/bin/env python3\n")
    release = f"version_info = ({series[0]}, {series[1]}, 0, FINAL, 0, '')\n"
    git("init", "-q", "-b", "18.0", cwd=work)
    for n in range(2):
        (work / "odoo" / "release.py").write_text(release + f"# {n}\n")
        git("add", "-A", cwd=work)
        git(
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            f"{n}",
            cwd=work,
        )
    return work


def test_fetch_is_a_shallow_clone_of_branch_18(tmp_path):
    repo = fake_odoo_repo(tmp_path)
    dest = tmp_path / "project" / ".odoo"
    bootstrap.fetch_odoo(str(repo), dest)
    assert bootstrap.tree_series(dest) == "18.0"
    assert git("rev-parse", "--is-shallow-repository", cwd=dest) == "true"
    assert sorted(p.name for p in dest.parent.iterdir()) == [".odoo"]


def test_fetch_of_another_series_leaves_nothing(tmp_path):
    repo = fake_odoo_repo(tmp_path, series=(17, 0))
    dest = tmp_path / "project" / ".odoo"
    with pytest.raises(SystemExit) as exc:
        bootstrap.fetch_odoo(str(repo), dest)
    assert "found 17.0" in str(exc.value.code) and "ODOO_REPO" in str(exc.value.code)
    assert list(dest.parent.iterdir()) == []


def test_fetch_from_unreachable_repo_is_one_line_naming_odoo_repo(tmp_path):
    dest = tmp_path / "project" / ".odoo"
    with pytest.raises(SystemExit) as exc:
        bootstrap.fetch_odoo(str(tmp_path / "nowhere"), dest)
    msg = str(exc.value.code)
    assert "\n" not in msg
    assert msg.startswith(
        f"hotline: cannot fetch Odoo 18.0 from {tmp_path / 'nowhere'}"
    )
    assert "set ODOO_REPO" in msg and "ODOO_PATH" in msg
    assert list(dest.parent.iterdir()) == []


def test_fetch_without_git_is_one_line_naming_odoo_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    dest = tmp_path / "project" / ".odoo"
    with pytest.raises(SystemExit) as exc:
        bootstrap.fetch_odoo(str(tmp_path), dest)
    msg = str(exc.value.code)
    assert "\n" not in msg
    assert msg.startswith("hotline: git is needed to fetch Odoo 18.0")
    assert "ODOO_PATH" in msg
    assert not dest.parent.exists()


def bare_python(where):
    """A Python like a newcomer's: no Odoo, no packages."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)], check=True
    )
    return where / "bin" / "python"


def harness_copy(where):
    """The harness in a project folder of its own (so no .odoo/ or .venv/ of this
    checkout is reused)."""
    shutil.copytree(
        ROOT / "tests" / "harness",
        where / "tests" / "harness",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "requirements.txt", where)
    return where


@pytest.mark.parametrize("case", ["no git", "unreachable ODOO_REPO"])
def test_command_without_odoo_ends_with_one_line(tmp_path, case):
    """`make test` on a machine without Odoo: progress lines, then one line naming
    what to set, a non-zero exit, and nothing written to the project."""
    project = harness_copy(tmp_path / "project")
    python = bare_python(tmp_path / "python")
    (tmp_path / "no-odoo").mkdir()
    env = {
        "HOME": str(tmp_path),
        "PATH": os.environ["PATH"] if case != "no git" else str(tmp_path / "no-odoo"),
        "ODOO_PATH": str(tmp_path / "no-odoo"),
        "ODOO_REPO": str(tmp_path / "nowhere"),
    }
    res = subprocess.run(
        [str(python), "tests/harness/run_suite.py", "--only", "static"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert res.returncode == 1
    assert "[1/5] fetching Odoo 18.0" in res.stdout
    error = res.stderr.strip()
    assert "\n" not in error, error
    if case == "no git":
        assert error.startswith("hotline: git is needed to fetch Odoo 18.0"), error
        assert "ODOO_PATH" in error
    else:
        assert error.startswith("hotline: cannot fetch Odoo 18.0 from "), error
        assert "set ODOO_REPO" in error
    assert sorted(p.name for p in project.iterdir()) == ["requirements.txt", "tests"]


# -- end to end (slow) -----------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def login_page(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def tail(path, n=60):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-n:])


@pytest.mark.slow
def test_first_run_on_a_fresh_clone(capsys):
    """Fresh clone, empty ODOO_PATH, a bare Python: `make run` fetches Odoo from
    ODOO_REPO, installs it into .venv/, brings the demo up and stops on Ctrl-C;
    then `make test`'s first stage (static checks) passes in that environment."""
    repo = os.environ.get("HOTLINE_TEST_ODOO_REPO")
    if not repo:
        pytest.fail(
            "HOTLINE_TEST_ODOO_REPO is not set: point it at a git repository with an "
            "18.0 branch of Odoo (e.g. `git init --bare /tmp/odoo.git && git -C "
            "<an Odoo 18.0 clone> push /tmp/odoo.git HEAD:refs/heads/18.0`)"
        )
    work = Path(tempfile.mkdtemp(prefix="hotline-bootstrap-"))
    project = work / "project"
    head = git("rev-parse", "HEAD", cwd=ROOT)
    git("clone", "-q", str(ROOT), str(project))
    git("checkout", "-q", head, cwd=project)
    (work / "no-odoo").mkdir()
    python = bare_python(work / "python")
    port, db = free_port(), f"hotline_bootstrap_{os.getpid()}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MFLAGS")
        and not k.startswith("HOTLINE_")
    }
    env.update(
        ODOO_PATH=str(work / "no-odoo"),
        ODOO_REPO=repo,
        HOTLINE_PORT=str(port),
        HOTLINE_DB=db,
    )
    make = ["make", "--no-print-directory", f"PYTHON={python}"]
    log = work / "make-run.log"
    ok = False
    t0 = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*make, "run"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}/web/login"
        banner = "Ctrl-C stops Odoo and the connector."
        status = None
        while proc.poll() is None and time.monotonic() - t0 < 45 * 60:
            status = login_page(url)
            if status == 200 and banner in log.read_text():
                break
            time.sleep(5)
        up = time.monotonic() - t0
        assert status == 200, f"no login page (make exited {proc.poll()}):\n{tail(log)}"
        text = log.read_text()
        assert banner in text, tail(log)
        for n in range(1, 6):
            assert f"[{n}/5] " in text, text
        assert f"[1/5] fetching Odoo 18.0 from {repo}" in text
        setup = re.search(r"Odoo 18\.0 ready in \.venv \((\d+) s\)", text)
        assert setup, text

        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=120)
        end = time.monotonic() + 30
        while group_alive(proc.pid) and time.monotonic() < end:
            time.sleep(0.5)
        assert not group_alive(proc.pid), "processes of `make run` left running"
        assert login_page(url) is None, "Odoo still answers after Ctrl-C"
        after = log.read_text().split(banner)[-1]
        assert "Traceback" not in after and "Forced shutdown" not in after, tail(log)

        # The fetched Odoo and the environment are ignored by git.
        assert git("status", "--porcelain", cwd=project) == ""
        assert (
            git("rev-parse", "--is-shallow-repository", cwd=project / ".odoo") == "true"
        )

        t1 = time.monotonic()
        res = subprocess.run(
            [*make, "lint"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=30 * 60,
        )
        lint = time.monotonic() - t1
        assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
        assert "setting it up" not in res.stdout, "the second command set up again"
        assert res.stdout.strip().splitlines()[-1].endswith(" 0 failed"), res.stdout
        ok = True
        with capsys.disabled():
            print(
                f"\nfirst `make run` from scratch to the login page: "
                f"{up / 60:.1f} min (setting up Odoo and .venv: {setup[1]} s); "
                f"`make lint` (make test's first stage) after it: {lint:.0f} s"
            )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        shutil.rmtree(
            Path.home() / ".local" / "share" / "Odoo" / "filestore" / db,
            ignore_errors=True,
        )
        if ok and not os.environ.get("HOTLINE_TEST_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
        elif not ok:
            print(f"kept for inspection: {work} (log {log})")


def _cluster(etc, version, name, port_line):
    conf = etc / version / name / "postgresql.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text(f"data_directory = '/x'\n{port_line}\n")


def test_only_clusters_on_the_client_port_are_started(tmp_path, monkeypatch):
    # CI once started the clock-ahead run's cluster (port 5439) and then found
    # no server on 5432: that cluster is not a candidate.
    monkeypatch.delenv("PGPORT", raising=False)
    _cluster(tmp_path, "15", "clockahead", "port = 5439\t\t# (change requires restart)")
    _cluster(tmp_path, "15", "main", "port = 5432")
    _cluster(tmp_path, "15", "aaa", "#port = 5439")
    _cluster(tmp_path, "13", "main", "port = 5432")
    assert system.installed_clusters(str(tmp_path)) == [
        ("15", "main"),
        ("15", "aaa"),
        ("13", "main"),
    ]
    monkeypatch.setenv("PGPORT", "5439")
    assert system.installed_clusters(str(tmp_path)) == [("15", "clockahead")]
