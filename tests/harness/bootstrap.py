"""First run on a machine without Odoo: fetch Odoo 18.0 and install it with its
requirements and the project's into a virtual environment of the project.

Runs only when Odoo 18.0 is neither at ``ODOO_PATH`` nor importable (see
``odoo_env.odoo_root``); where Odoo is present nothing here runs.

- Odoo: the 18.0 tree at ``ODOO_PATH`` when there is one, else a shallow clone of
  branch 18.0 of ``ODOO_REPO`` (default Odoo's official repository) into ``.odoo/``.
- Python: ``.venv/`` of the project (``HOTLINE_VENV=<folder>`` for another one,
  ``HOTLINE_VENV=no`` to install into the Python running the command). The command
  then re-runs itself with that environment's Python.
- Odoo's ``requirements.txt`` with the pins that build on the running Python
  (``pin_requirements``), Odoo itself (editable, ``--no-deps``), then the project's
  ``requirements.txt``.

What cannot be done ends with one line naming what to set, and a non-zero exit.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

if __package__:
    from . import system
else:  # run as a script (--pins) or loaded by the pytest suite
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import system

ROOT = Path(__file__).resolve().parents[2]
ODOO_DIR = ROOT / ".odoo"
BRANCH = "18.0"
DEFAULT_REPO = "https://github.com/odoo/odoo.git"
# Odoo 18.0 runs on 3.10-3.12; 3.12 is the newest Python its requirements pin for.
SUPPORTED = ((3, 10), (3, 12))
STEPS = 5
READY = "hotline-ready"
# python-ldap is only needed by auth_ldap; it builds from source against these.
LDAP_HEADERS = ("ldap.h", "lber.h", "sasl/sasl.h")
INCLUDE_DIRS = ("/usr/include", "/usr/local/include")


def fail(msg):
    """One line on stderr and exit status 1."""
    raise SystemExit(f"hotline: {msg}")


def step(n, msg):
    system.step(f"[{n}/{STEPS}] {msg}")


def rel(path):
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


# -- checks -------------------------------------------------------------------------


def check_python(version=None):
    version = tuple(version or sys.version_info[:2])
    if not SUPPORTED[0] <= version <= SUPPORTED[1]:
        low, high = (".".join(map(str, v)) for v in SUPPORTED)
        fail(
            f"Python {'.'.join(map(str, version))} cannot run Odoo 18.0 "
            f"(needs {low}-{high}): set PYTHON, e.g. `make run PYTHON=python{high}`, "
            "or ODOO_PATH to an Odoo 18.0 tree installed for this Python"
        )


def tree_series(path):
    """Series ("18.0") of the Odoo source tree at ``path``, or None."""
    release = Path(path) / "odoo" / "release.py"
    if not (Path(path) / "odoo-bin").is_file() or not release.is_file():
        return None
    m = re.search(r"^version_info = \((\d+), (\d+),", release.read_text(), re.MULTILINE)
    return f"{m[1]}.{m[2]}" if m else None


def repo_url(repo):
    """git only clones a local repository shallowly from a file:// URL."""
    if "://" not in repo and not re.match(r"^[\w.-]+@[\w.-]+:", repo):
        path = Path(repo).expanduser()
        if path.exists():
            return path.resolve().as_uri()
    return repo


# -- Odoo's requirements --------------------------------------------------------------


def _requirement_class():
    try:
        from packaging.requirements import Requirement
    except ImportError:  # a fresh venv has pip, which vendors packaging
        from pip._vendor.packaging.requirements import Requirement
    return Requirement


def _key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_requirements(text, python=None, ldap=True, build_psycopg2=True):
    """Odoo's ``requirements.txt`` as plain pins for this machine.

    Odoo pins each package per distribution Python (Jammy 3.10, Bookworm 3.11,
    Noble 3.12). The older pins are the distributions' own versions, meant for apt:
    several no longer build from source with today's setuptools (cbor2 5.4.2:
    "No module named 'pkg_resources'"), while the 3.12 pins were chosen to have
    wheels and install on 3.10 and 3.11 too. So for each package this takes the pin
    whose markers hold for the newest supported Python (or the running one when it is
    newer), keeps a pin that exists only for older Pythons, and drops what the
    markers exclude on this platform (win32 lines). python-ldap is left out without
    its headers; psycopg2 becomes psycopg2-binary of the same version when it cannot
    be built (no pg_config or compiler).
    """
    requirement = _requirement_class()
    running = ".".join(map(str, tuple(python or sys.version_info[:2])[:2]))
    newest = ".".join(map(str, max(tuple(map(int, running.split("."))), SUPPORTED[1])))
    groups = {}
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-"):
            fail(f"unexpected option in Odoo's requirements.txt: {line}")
        req = requirement(line)
        groups.setdefault(_key(req.name), []).append(req)

    def holds(req, version):
        if req.marker is None:
            return True
        env = {"python_version": version, "python_full_version": f"{version}.0"}
        return req.marker.evaluate(env)

    pins = []
    for key, reqs in groups.items():
        chosen = [r for r in reqs if holds(r, newest)] or [
            r for r in reqs if holds(r, running)
        ]
        for req in chosen[:1]:
            if key == "python-ldap" and not ldap:
                continue
            name = req.name
            if key == "psycopg2" and not build_psycopg2:
                name = "psycopg2-binary"
            extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
            pins.append(f"{name}{extras}{req.specifier}")
    return pins


def _header(name):
    return any((Path(d) / name).is_file() for d in INCLUDE_DIRS)


def can_compile():
    include = sysconfig.get_paths().get("include") or ""
    return (
        bool(shutil.which("cc") or shutil.which("gcc"))
        and (Path(include) / "Python.h").is_file()
    )


def can_build_ldap():
    return can_compile() and all(_header(h) for h in LDAP_HEADERS)


def can_build_psycopg2():
    return can_compile() and shutil.which("pg_config") is not None


# -- steps ----------------------------------------------------------------------------


def run(cmd, what, hint="", **kw):
    """Run ``cmd`` showing its output; on failure one line saying what failed."""
    res = subprocess.run(cmd, check=False, **kw)
    if res.returncode:
        fail(f"{what} failed (exit {res.returncode}, see above){hint}")


def fetch_odoo(repo, dest):
    """Shallow clone of branch 18.0 into ``dest``; nothing is left behind on failure."""
    if shutil.which("git") is None:
        fail(
            "git is needed to fetch Odoo 18.0: install git "
            f"(`{system.sudo_hint('apt-get install -y git')}`), "
            "or set ODOO_PATH to an Odoo 18.0 source tree"
        )
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{dest.name}.partial-", dir=dest.parent))
    try:
        res = subprocess.run(
            [
                "git",
                "clone",
                "--quiet",
                "--depth=1",
                f"--branch={BRANCH}",
                repo_url(repo),
                str(partial),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=dict(os.environ, GIT_TERMINAL_PROMPT="0"),
        )
        if res.returncode:
            why = (res.stderr.strip().splitlines() or ["git clone failed"])[-1]
            fail(
                f"cannot fetch Odoo {BRANCH} from {repo} ({why.strip()}): "
                "set ODOO_REPO to a reachable Odoo repository with an 18.0 branch, "
                "or ODOO_PATH to an Odoo 18.0 source tree"
            )
        series = tree_series(partial)
        if series != BRANCH:
            fail(
                f"branch {BRANCH} of {repo} is not Odoo 18.0 (found {series}): "
                "set ODOO_REPO to Odoo's repository"
            )
        partial.rename(dest)
    finally:
        if partial.exists():
            shutil.rmtree(partial)


def odoo_source(odoo_path, repo):
    """The Odoo 18.0 tree to install: ``ODOO_PATH``'s, else ``.odoo/`` (fetched)."""
    series = tree_series(odoo_path)
    if series == BRANCH:
        step(1, f"using the Odoo {BRANCH} tree at {odoo_path} (ODOO_PATH)")
        return Path(odoo_path)
    if series:
        fail(f"ODOO_PATH={odoo_path} holds Odoo {series}: set ODOO_PATH to Odoo 18.0")
    series = tree_series(ODOO_DIR)
    if series == BRANCH:
        step(1, f"using the Odoo {BRANCH} fetched earlier into {rel(ODOO_DIR)}")
        return ODOO_DIR
    if ODOO_DIR.exists():
        fail(f"{ODOO_DIR} is not an Odoo 18.0 tree: remove it, or set ODOO_PATH")
    step(1, f"fetching Odoo {BRANCH} from {repo} into {rel(ODOO_DIR)} (shallow clone)")
    fetch_odoo(repo, ODOO_DIR)
    return ODOO_DIR


def venv_dir():
    """The project's virtual environment, or None for the running Python."""
    value = os.environ.get("HOTLINE_VENV", "").strip()
    if value.lower() in ("no", "0", "false", "none"):
        return None
    return Path(value).resolve() if value else ROOT / ".venv"


def venv_python(venv):
    return Path(venv) / "bin" / "python"


def make_venv(venv):
    if venv_python(venv).exists():
        step(2, f"reusing the virtual environment {rel(venv)}")
        return
    step(
        2,
        f"creating the virtual environment {rel(venv)} "
        "(HOTLINE_VENV=no installs into this Python instead)",
    )
    cmd = [sys.executable, "-m", "venv", str(venv)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode and "ensurepip" in res.stdout + res.stderr and system.can_apt():
        shutil.rmtree(venv, ignore_errors=True)
        package = f"python3.{sys.version_info[1]}-venv"
        system.step(f"installing {package} (apt-get)")
        system.apt_install(package)
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode:
        shutil.rmtree(venv, ignore_errors=True)
        why = (res.stdout + res.stderr).strip().splitlines() or ["venv failed"]
        fail(
            f"cannot create the virtual environment {venv} ({why[-1].strip()}): "
            f"install python3.{sys.version_info[1]}-venv, or set HOTLINE_VENV=no "
            "to install into this Python"
        )


def requirements_digest(source):
    digest = hashlib.sha256()
    for path in (Path(source) / "requirements.txt", ROOT / "requirements.txt"):
        digest.update(path.read_bytes() if path.exists() else b"")
    return f"{Path(source).resolve()}\n{digest.hexdigest()}\n"


def install(python, source, venv):
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    pip += ["--progress-bar=off", "--quiet"]
    ldap, pg = can_build_ldap(), can_build_psycopg2()
    step(3, f"installing Odoo's Python requirements (pins for Python {python_tag()})")
    if not ldap:
        system.step(
            "  python-ldap left out (only auth_ldap needs it; to build it: "
            "apt-get install libldap2-dev libsasl2-dev)"
        )
    if not pg:
        system.step(
            "  psycopg2 as psycopg2-binary (to build it: apt-get install libpq-dev)"
        )
    # Pins are computed by the target Python: its pip vendors `packaging`.
    pins_file = Path(tempfile.mkstemp(prefix="odoo-requirements-", suffix=".txt")[1])
    try:
        run(
            [
                str(python),
                str(Path(__file__).resolve()),
                "--pins",
                str(Path(source) / "requirements.txt"),
                str(pins_file),
                f"--ldap={int(ldap)}",
                f"--psycopg2={int(pg)}",
            ],
            "reading Odoo's requirements.txt",
        )
        run(pip + ["-r", str(pins_file)], "pip install of Odoo's requirements")
    finally:
        pins_file.unlink(missing_ok=True)
    step(4, f"installing Odoo from {rel(source)} (editable, no dependencies)")
    run(pip + ["--no-deps", "-e", str(source)], "pip install -e of Odoo")
    if venv:
        # The OCA wheels' odoo/ folder in site-packages is a namespace package that
        # shadows the editable install's finder; a path entry wins over it.
        purelib = subprocess.run(
            [
                str(python),
                "-c",
                "import sysconfig; print(sysconfig.get_path('purelib'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        Path(purelib, "hotline-odoo.pth").write_text(f"{Path(source).resolve()}\n")
    step(5, "installing the project's requirements.txt")
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    oca = [x.strip() for x in lines if x.strip().startswith("odoo-addon-")]
    rest = [x for x in lines if x.strip() and not x.strip().startswith("odoo-addon-")]
    with tempfile.TemporaryDirectory() as tmp:
        others = Path(tmp, "requirements.txt")
        others.write_text("\n".join(rest) + "\n")
        run(pip + ["-r", str(others)], "pip install of requirements.txt")
    # The OCA wheels require only `odoo`, installed above: resolving it again would
    # pull Odoo's unpinned setup.py requirements (psycopg2 from source...).
    if oca:
        run(pip + ["--no-deps", *oca], "pip install of the OCA add-ons")


def python_tag():
    return ".".join(map(str, sys.version_info[:2]))


def running_in(venv):
    return Path(sys.prefix).resolve() == Path(venv).resolve()


def reexec(venv):
    """Run the same command again with the virtual environment's Python."""
    python = venv_python(venv)
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = os.pathsep.join([str(Path(venv) / "bin"), env.get("PATH", "")])
    env["HOTLINE_BOOTSTRAPPED"] = "1"
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(python, [str(python), *sys.argv], env)


def ensure(missing, odoo_path):
    """Called when Odoo 18.0 was not found: set it up, then re-run with it.

    ``missing`` is the error to raise when this already ran in this command.
    Returns only when the running Python got Odoo (the caller looks again).
    """
    if os.environ.get("HOTLINE_BOOTSTRAPPED"):
        raise missing
    venv = venv_dir()
    stamp = Path(venv) / READY if venv else None
    stale = False
    if venv and stamp.exists():
        source = stamp.read_text().splitlines()[0]
        stale = stamp.read_text() != requirements_digest(source)
        if not stale and not running_in(venv):
            reexec(venv)
    check_python()
    t0 = time.monotonic()
    if stale:
        system.step(
            f"a requirements.txt changed since {rel(venv)} was set up: updating"
        )
    else:
        system.step(
            f"Odoo {BRANCH} is not installed for {sys.executable}: setting it up "
            "(once; set ODOO_PATH to use an existing Odoo instead)"
        )
    source = odoo_source(odoo_path, os.environ.get("ODOO_REPO") or DEFAULT_REPO)
    if venv:
        make_venv(venv)
        python = venv_python(venv)
    else:
        step(2, f"installing into {sys.executable} (HOTLINE_VENV=no)")
        python = Path(sys.executable)
    install(python, source, venv)
    if venv:
        stamp.write_text(requirements_digest(source))
    where = rel(venv) if venv else sys.executable
    system.step(f"Odoo {BRANCH} ready in {where} ({time.monotonic() - t0:.0f} s)")
    if venv and not running_in(venv):
        reexec(venv)
    os.environ["HOTLINE_BOOTSTRAPPED"] = "1"


def _pins_main(argv):
    src, dst, *flags = argv
    opts = dict(f.lstrip("-").split("=", 1) for f in flags)
    pins = pin_requirements(
        Path(src).read_text(),
        ldap=opts.get("ldap", "1") == "1",
        build_psycopg2=opts.get("psycopg2", "1") == "1",
    )
    Path(dst).write_text("\n".join(pins) + "\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pins"]:
        _pins_main(sys.argv[2:])
    else:
        sys.exit("usage: bootstrap.py --pins ODOO_REQUIREMENTS OUT [--ldap=0|1]")
