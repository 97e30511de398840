# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``odoo-bin --addons-path=... hotline-connector -c odoo.conf -d DB [--simulator]``."""

import argparse
import importlib
import logging
import os
import secrets
import signal
import socket
import sys
import threading

import psycopg2

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.exceptions import UserError
from odoo.sql_db import connection_info_for
from odoo.tools import config

from ..models.hotline_recording import simulator_sounds_dir
from ..pbx.fastagi import FastAgiServer, default_handler
from .connector import PbxWorker, RegistrySink
from .dialer import CampaignDialer, RegistryDialerStore
from .fax import FaxAgent, RegistryFaxStore

_logger = logging.getLogger(__name__)

SIMULATOR_PBX = "Simulator"
# demo logins given an extension on the simulator when they have none: the
# simulated traffic rings the agents; the supervisor listens in from 9000
SIMULATOR_EXTENSIONS = (("agent", "8001"), ("agent2", "8002"), ("supervisor", "9000"))
# first key of the PostgreSQL advisory lock a connector holds per PBX (the
# second is the PBX id): "hlcn"
LOCK_CLASS = 0x686C636E


class ConnectorError(Exception):
    """The connector cannot serve a PBX: it stops with a non-zero status."""


class PbxLock:
    """One connector per PBX: a session-level PostgreSQL advisory lock, held
    on a connection of its own for as long as the connector serves the PBX
    (PostgreSQL releases it when that connection ends, e.g. the process dies)."""

    def __init__(self, db_name, pbx_id, pbx_name=""):
        self.db_name = db_name
        self.pbx_id = pbx_id
        self.pbx_name = pbx_name or str(pbx_id)
        self.conn = None

    def _connect(self):
        _name, info = connection_info_for(self.db_name)
        info = dict(
            info,
            application_name=f"hotline-connector {socket.gethostname()} "
            f"pid {os.getpid()}"[:63],
        )
        conn = psycopg2.connect(**info)
        conn.autocommit = True
        return conn

    def acquire(self):
        """Take the lock or raise :class:`ConnectorError` naming the holder."""
        conn = self._connect()
        with conn.cursor() as cr:
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_CLASS, self.pbx_id))
            if cr.fetchone()[0]:
                self.conn = conn
                return self
            cr.execute(
                """SELECT a.application_name, a.client_addr, a.backend_start
                     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                    WHERE l.locktype = 'advisory' AND l.granted
                      AND l.classid = %s AND l.objid = %s AND l.objsubid = 2""",
                (LOCK_CLASS, self.pbx_id),
            )
            holder = cr.fetchone()
        conn.close()
        who = (
            f"{holder[0] or 'unknown'} from {holder[1] or 'local socket'}, "
            f"since {holder[2]:%Y-%m-%d %H:%M:%S}"
            if holder
            else "unknown"
        )
        raise ConnectorError(
            f"PBX {self.pbx_name} is already served by another connector ({who}): "
            "run one connector per database"
        )

    def alive(self):
        """Whether the lock's connection (hence the lock) still holds."""
        if self.conn is None or self.conn.closed:
            return False
        try:
            with self.conn.cursor() as cr:
                cr.execute("SELECT 1")
            return True
        except psycopg2.Error:
            return False

    def release(self):
        if self.conn is not None and not self.conn.closed:
            try:
                with self.conn.cursor() as cr:
                    cr.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, self.pbx_id)
                    )
            except psycopg2.Error as exc:  # the connection is gone: so is the lock
                _logger.info(
                    "PBX %s: lock connection already closed: %s", self.pbx_name, exc
                )
            self.conn.close()
        self.conn = None


def agi_handler_for(registry, pbx_id):
    """The IVR's FastAGI handler (``cli/ivr_backend.py``) or the default one."""
    try:
        backend = importlib.import_module(f"{__package__}.ivr_backend")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.ivr_backend":
            raise
        _logger.info("No IVR backend: FastAGI answers and queues callers in 'support'")
        return default_handler
    return backend.make_agi_handler(registry, pbx_id)


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Connector:
    """The service: one :class:`PbxWorker` and one FastAGI server per active PBX,
    each PBX locked for this connector (:class:`PbxLock`)."""

    def __init__(
        self,
        registry,
        simulator=False,
        simulator_rate=0.2,
        rescan=30.0,
        agi_bind_attempts=5,
        agi_bind_delay=2.0,
    ):
        self.registry = registry
        self.simulator_mode = simulator
        self.simulator_rate = simulator_rate
        self.rescan = rescan
        # a port still held by a process that is stopping gets a few tries;
        # then the connector stops (a PBX whose calls nobody answers is worse)
        self.agi_bind_attempts = agi_bind_attempts
        self.agi_bind_delay = agi_bind_delay
        self.simulator = None
        self.workers = {}
        self.agi_servers = {}
        self.dialers = {}
        self.fax_agents = {}
        self.locks = {}
        self.stop_event = threading.Event()

    def _read_pbxs(self):
        self.registry = self.registry.check_signaling()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return [
                pbx._hotline_connector_settings()
                for pbx in env["hotline.pbx"].search([])
            ]

    def start_simulator(self):
        from ..pbx.simulator import CAPTURE_PBX_SETTINGS, AmiSimulator, CallerMix

        secret = secrets.token_hex(8)
        self.simulator = AmiSimulator("127.0.0.1", 0, "odoo", secret).start()
        # the simulated PBX's sounds folder: prompt files are synced there
        sounds = simulator_sounds_dir()
        os.makedirs(sounds, exist_ok=True)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Pbx = env["hotline.pbx"].with_context(active_test=False)
            pbx = Pbx.search([("name", "=", SIMULATOR_PBX)], limit=1)
            vals = {
                "name": SIMULATOR_PBX,
                "active": True,
                "host": "127.0.0.1",
                "ami_port": self.simulator.port,
                "ami_user": "odoo",
                "ami_secret": secret,
                "agi_bind_address": "127.0.0.1",
                "agi_port": free_port(),
                "sounds_directory": sounds,
                # the simulator replays the capture PBX: its dialplan contexts
                **CAPTURE_PBX_SETTINGS,
            }
            if pbx:
                pbx.write(vals)
            else:
                pbx = Pbx.create(vals)
            # demo agents answer on the simulator's extensions
            for login, extension in SIMULATOR_EXTENSIONS:
                user = env["res.users"].search([("login", "=", login)], limit=1)
                taken = env["res.users"].search_count(
                    [("hotline_extension", "=", extension)]
                )
                if user and not user.hotline_extension and not taken:
                    user.hotline_extension = extension
            # a fresh simulator has only its built-in queues: send Odoo's, as
            # an administrator does on a real PBX, so that agents can log in
            try:
                with cr.savepoint():
                    env["hotline.queue"]._hotline_push_config(pbx)
            except UserError as exc:
                _logger.error("Simulator PBX: the queues were not sent: %s", exc)
            # the demo's customers call (VIP, blacklisted, in arrears), on its DIDs
            traffic = env["hotline.pbx"]._hotline_simulator_traffic()
            agents = self._simulator_agents(env)
        _logger.info(
            "Simulator PBX on 127.0.0.1:%s, %.2f calls/s of demo traffic "
            "answered by extensions %s",
            self.simulator.port,
            self.simulator_rate,
            ", ".join(agents) or "-",
        )
        if self.simulator_rate:
            self.simulator.generate_traffic(
                self.simulator_rate,
                callers=CallerMix(traffic["known"]),
                dids=traffic["dids"],
                agents=agents,
            )
            if traffic.get("ivr"):
                # scripted callers walk the demo's IVR flows over FastAGI
                _logger.info(
                    "Simulator PBX: scripted IVR callers %s",
                    ", ".join(script["name"] for script in traffic["ivr"]),
                )
                self.simulator.generate_ivr_traffic(
                    "127.0.0.1",
                    vals["agi_port"],
                    traffic["ivr"],
                    self.simulator_rate / 2,
                )

    @staticmethod
    def _simulator_agents(env):
        """Extensions of Odoo's agents (not supervisors): the simulated calls
        ring only agents the supervisor's board lists."""
        users = env["res.users"].search(
            [
                ("hotline_extension", "!=", False),
                ("groups_id", "in", env.ref("hotline_base.group_agent").ids),
            ],
            order="hotline_extension",
        )
        agents = users.filtered(
            lambda u: not u.has_group("hotline_base.group_supervisor")
        )
        return (agents or users).mapped("hotline_extension")

    def make_worker(self, pbx, sink=None, **options):
        """The :class:`PbxWorker` of one PBX (``_hotline_connector_settings``),
        its correlator classifying calls with the PBX's own contexts."""
        return PbxWorker(
            pbx["id"],
            pbx["name"],
            pbx["host"],
            pbx["port"],
            pbx["username"],
            pbx["secret"],
            sink or RegistrySink(self.registry),
            contexts=pbx["contexts"],
            **options,
        )

    def _listen_agi(self, pbx):
        handler = agi_handler_for(self.registry, pbx["id"])
        where = f"{pbx['agi_bind_address']}:{pbx['agi_port']}"
        for attempt in range(1, self.agi_bind_attempts + 1):
            try:
                # only the PBX itself (its AMI host) may open FastAGI sessions
                server = FastAgiServer(
                    pbx["agi_bind_address"],
                    pbx["agi_port"],
                    handler,
                    allowed_peers=(pbx["host"],),
                )
                return server.start()
            except OSError as exc:
                if attempt == self.agi_bind_attempts:
                    raise ConnectorError(
                        f"PBX {pbx['name']}: cannot listen for FastAGI on {where}: "
                        f"{exc.strerror or exc} (tried {attempt} times)"
                    ) from exc
                _logger.error(
                    "PBX %s: cannot listen for FastAGI on %s: %s; retrying in %ss "
                    "(%d/%d)",
                    pbx["name"],
                    where,
                    exc.strerror or exc,
                    self.agi_bind_delay,
                    attempt,
                    self.agi_bind_attempts,
                )
                if self.stop_event.wait(self.agi_bind_delay):
                    raise ConnectorError("stopped while binding FastAGI") from exc
        return None

    def start_pbx(self, pbx, sink=None, process=True, **options):
        """Lock the PBX, listen for its FastAGI calls, start its AMI worker; on
        any failure nothing of it is left running and :class:`ConnectorError`
        says why."""
        lock = PbxLock(self.registry.db_name, pbx["id"], pbx["name"]).acquire()
        server = None
        try:
            server = self._listen_agi(pbx)
            options.setdefault("pop_workers", 8)
            if self.simulator_mode and pbx["name"] == SIMULATOR_PBX:
                # demo traffic: a summary now and then, not a line per call
                options.setdefault("call_log_level", logging.DEBUG)
            worker = self.make_worker(pbx, sink, **options).start(process=process)
            # the outbound campaigns of this PBX, on the worker's AMI session
            store = RegistryDialerStore(self.registry)
            dialer = CampaignDialer(pbx["id"], pbx["name"], worker.client, store)
            worker.event_listeners.append(dialer.feed)
            if process:
                dialer.start()
            self.dialers[pbx["id"]] = dialer
            # faxes received on and sent through this PBX (res_fax)
            fax_agent = FaxAgent(
                pbx["id"], pbx["name"], worker.client, RegistryFaxStore(self.registry)
            )
            worker.event_listeners.append(fax_agent.feed)
            if process:
                fax_agent.start()
            self.fax_agents[pbx["id"]] = fax_agent
        except BaseException:
            if server is not None:
                server.stop()
            lock.release()
            raise
        self.locks[pbx["id"]] = lock
        self.workers[pbx["id"]] = worker
        self.agi_servers[pbx["id"]] = server
        return worker

    def stop_pbx(self, pbx_id):
        dialer = self.dialers.pop(pbx_id, None)
        if dialer:
            dialer.stop()
        fax_agent = self.fax_agents.pop(pbx_id, None)
        if fax_agent:
            fax_agent.stop()
        worker = self.workers.pop(pbx_id, None)
        if worker:
            worker.stop()
        server = self.agi_servers.pop(pbx_id, None)
        if server:
            server.stop()
        lock = self.locks.pop(pbx_id, None)
        if lock:
            lock.release()

    def sync_workers(self):
        pbxs = {p["id"]: p for p in self._read_pbxs()}
        for pbx_id in list(self.workers):
            if pbx_id not in pbxs:
                _logger.info("PBX %s archived or deleted: stopping its session", pbx_id)
                self.stop_pbx(pbx_id)
        for pbx_id, lock in list(self.locks.items()):
            if pbx_id in pbxs and not lock.alive():
                # the database connection holding the lock dropped: take it again
                # (another connector may have taken it meanwhile: then stop)
                _logger.warning(
                    "PBX %s: lost the connector lock, taking it again", pbx_id
                )
                lock.release()
                lock.acquire()
        for pbx_id, pbx in pbxs.items():
            if pbx_id not in self.workers:
                self.start_pbx(pbx)

    def run(self):
        """Serve until stopped; returns the process exit status (1 when a PBX
        cannot be served: locked by another connector, FastAGI port taken)."""
        try:
            if self.simulator_mode:
                self.start_simulator()
            self.sync_workers()
            if not self.workers:
                _logger.warning(
                    "No active PBX: nothing to connect to (checking every %ss)",
                    self.rescan,
                )
            while not self.stop_event.wait(self.rescan):
                try:
                    self.sync_workers()
                except ConnectorError:
                    raise
                except Exception:
                    _logger.exception(
                        "Could not read the PBX list; keeping the current sessions"
                    )
        except ConnectorError as exc:
            _logger.error("Connector stopping: %s", exc)
            self.shutdown()
            return 1
        self.shutdown()
        return 0

    def shutdown(self):
        for pbx_id in list(self.workers):
            self.stop_pbx(pbx_id)
        for lock in self.locks.values():
            lock.release()
        self.locks.clear()
        if self.simulator:
            self.simulator.stop()
        _logger.info("Connector stopped")


class HotlineConnector(Command):
    """Asterisk connector: AMI sessions, FastAGI server and the call log"""

    name = "hotline-connector"

    def run(self, args):
        parser = argparse.ArgumentParser(
            prog="odoo-bin hotline-connector",
            description="Keep one AMI session per active PBX, answer FastAGI, "
            "record calls. Odoo options (-c, -d, --db_host...) are accepted too.",
        )
        parser.add_argument(
            "--simulator",
            action="store_true",
            help="start the built-in Asterisk simulator and generate demo traffic",
        )
        parser.add_argument(
            "--simulator-rate", type=float, default=0.2, help="demo calls per second"
        )
        parser.add_argument(
            "--rescan", type=float, default=30.0, help="seconds between PBX list reads"
        )
        ours, rest = parser.parse_known_args(args)
        config.parse_config(rest, setup_logging=True)
        db_name = (config["db_name"] or "").split(",")[0].strip()
        if not db_name:
            parser.error("a database is required: -d DB")
        from odoo.modules.registry import Registry

        registry = Registry(db_name)
        connector = Connector(
            registry,
            simulator=ours.simulator,
            simulator_rate=ours.simulator_rate,
            rescan=ours.rescan,
        )

        def stop(signum, _frame):
            _logger.info("Signal %s: stopping the connector", signum)
            connector.stop_event.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        status = connector.run()
        if status:
            sys.exit(status)
