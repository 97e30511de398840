"""System services the commands need: PostgreSQL (``make run``, ``make test``) and
Chromium (browser tours in ``make test``).

Each ``ensure_*`` uses what is there, else starts or installs it when root on
Debian/Ubuntu (``apt-get``), else stops with the one command to run.
"""

import getpass
import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def sh(*cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    except FileNotFoundError as exc:
        return subprocess.CompletedProcess(cmd, 127, "", str(exc))


def step(msg):
    print(f"hotline: {msg}", flush=True)


def is_root():
    return hasattr(os, "geteuid") and os.geteuid() == 0


def can_apt():
    return is_root() and shutil.which("apt-get") is not None


def apt_install(*packages):
    """``apt-get install`` as root; False when it failed (its error is printed)."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh("apt-get", "update", "-qq", env=env)
    res = sh("apt-get", "install", "-y", "-qq", *packages, env=env)
    if res.returncode:
        print(res.stderr.strip(), file=sys.stderr)
    return res.returncode == 0


def sudo_hint(cmd):
    return cmd if is_root() else f"sudo {cmd}"


def user_name():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER", "root")


def wait_ready(seconds=30):
    """True once the server on the client's port accepts connections."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sh("pg_isready", "-q").returncode == 0:
            return True
        time.sleep(0.5)
    return False


PG_ETC = "/etc/postgresql"


def cluster_port(version, name, etc=PG_ETC):
    """The port a Debian cluster listens on (its postgresql.conf), 5432 by default."""
    conf = Path(etc, version, name, "postgresql.conf")
    try:
        text = conf.read_text(errors="replace")
    except OSError:
        return 5432
    port = 5432
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("port") and "=" in line:
            try:
                port = int(line.split("=", 1)[1].strip().strip("'\""))
            except ValueError:
                pass
    return port


def client_port():
    """The port psql and Odoo connect to when nothing else is said."""
    try:
        return int(os.environ.get("PGPORT") or 5432)
    except ValueError:
        return 5432


def installed_clusters(etc=PG_ETC):
    """Debian clusters that clients reach by default, newest first: [(version, name)].

    A cluster on another port (the clock-ahead run's own cluster, a second
    server) would start and still leave `psql` without a server, so only the
    clusters listening on the client's port are candidates; "main" comes first
    among those of one version.
    """
    found = []
    for conf in glob.glob(os.path.join(glob.escape(etc), "*", "*", "postgresql.conf")):
        parts = Path(conf).parts
        version, name = parts[-3], parts[-2]
        if cluster_port(version, name, etc) == client_port():
            found.append((version, name))

    def key(cluster):
        try:
            version = float(cluster[0])
        except ValueError:
            version = 0.0
        return (-version, cluster[1] != "main", cluster[1])

    return sorted(found, key=key)


def ensure_postgres():
    """Make a PostgreSQL server answer with a superuser role for this user.

    Returns the (version, name) of the cluster this call started, or None.
    """
    started = None
    if sh("pg_isready", "-q").returncode != 0:
        clusters = installed_clusters()
        if not clusters and shutil.which("pg_isready") is None:
            if not can_apt():
                sys.exit(
                    "hotline: PostgreSQL is not installed: run "
                    f"`{sudo_hint('apt-get install -y postgresql')}`"
                )
            step("installing PostgreSQL (apt-get install postgresql)")
            if not apt_install("postgresql"):
                sys.exit("hotline: apt-get could not install postgresql")
            clusters = installed_clusters()
            if sh("pg_isready", "-q").returncode == 0:
                clusters = []
        for version, name in clusters:
            step(f"starting PostgreSQL {version} (cluster {name})")
            res = sh("pg_ctlcluster", version, name, "start")
            if res.returncode == 0 and wait_ready():
                started = (version, name)
                break
            print(
                res.stderr.strip() or f"cluster {name} does not answer", file=sys.stderr
            )
        if started is None and sh("pg_isready", "-q").returncode != 0:
            sys.exit(
                "hotline: PostgreSQL is installed but no cluster could be started: run "
                f"`{sudo_hint('pg_createcluster --start 15 main')}` "
                "(with your version), or start your server"
            )
    ensure_role()
    return started


def ensure_role():
    if sh("psql", "-d", "postgres", "-Atc", "select 1").returncode == 0:
        return
    user = user_name()
    if not is_root():
        sys.exit(
            "hotline: PostgreSQL has no superuser role for you: run "
            f'`sudo su postgres -c "createuser --superuser {user}"`'
        )
    step(f"creating the PostgreSQL superuser role {user}")
    res = sh("su", "postgres", "-c", f"createuser --superuser {user}")
    if res.returncode:
        sys.exit(f"hotline: cannot create the role {user}: {res.stderr.strip()}")


def stop_postgres(cluster):
    if cluster:
        sh("pg_ctlcluster", cluster[0], cluster[1], "stop")


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    return None


def ensure_chromium():
    """Browser tours need Chromium; Odoo would skip them silently without it."""
    if chromium():
        return
    if not can_apt():
        sys.exit(
            "hotline: Chromium is missing (browser tours): run "
            f"`{sudo_hint('apt-get install -y chromium')}`"
        )
    step("installing Chromium for the browser tours (apt-get install chromium)")
    if not apt_install("chromium") or not chromium():
        sys.exit("hotline: apt-get could not install chromium")
