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
import threading

from odoo import SUPERUSER_ID, api
from odoo.cli import Command
from odoo.tools import config

from ..pbx.fastagi import FastAgiServer, default_handler
from .connector import PbxWorker, RegistrySink

_logger = logging.getLogger(__name__)

SIMULATOR_PBX = "Simulator"


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
    """The service: one :class:`PbxWorker` and one FastAGI server per active PBX."""

    def __init__(self, registry, simulator=False, simulator_rate=0.2, rescan=30.0):
        self.registry = registry
        self.simulator_mode = simulator
        self.simulator_rate = simulator_rate
        self.rescan = rescan
        self.simulator = None
        self.workers = {}
        self.agi_servers = {}
        self.stop_event = threading.Event()

    def _read_pbxs(self):
        self.registry = self.registry.check_signaling()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return [
                {
                    "id": pbx.id,
                    "name": pbx.name,
                    "host": pbx.host,
                    "port": pbx.ami_port,
                    "username": pbx.ami_user,
                    "secret": pbx.ami_secret or "",
                    "agi_bind_address": pbx.agi_bind_address or "127.0.0.1",
                    "agi_port": pbx.agi_port,
                }
                for pbx in env["hotline.pbx"].search([])
            ]

    def start_simulator(self):
        from ..pbx.simulator import AmiSimulator

        secret = secrets.token_hex(8)
        self.simulator = AmiSimulator("127.0.0.1", 0, "odoo", secret).start()
        # the simulated PBX's sounds folder: prompt files are synced there
        sounds = os.path.join(config["data_dir"], "simulator-sounds")
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
            }
            if pbx:
                pbx.write(vals)
            else:
                Pbx.create(vals)
            # demo agents answer on the simulator's extensions
            for login, extension in (("agent", "8001"), ("supervisor", "8002")):
                user = env["res.users"].search([("login", "=", login)], limit=1)
                taken = env["res.users"].search_count(
                    [("hotline_extension", "=", extension)]
                )
                if user and not user.hotline_extension and not taken:
                    user.hotline_extension = extension
        _logger.info(
            "Simulator PBX on 127.0.0.1:%s, %.2f calls/s of demo traffic",
            self.simulator.port,
            self.simulator_rate,
        )
        if self.simulator_rate:
            self.simulator.generate_traffic(self.simulator_rate)

    def sync_workers(self):
        pbxs = {p["id"]: p for p in self._read_pbxs()}
        for pbx_id in list(self.workers):
            if pbx_id not in pbxs:
                _logger.info("PBX %s archived or deleted: stopping its session", pbx_id)
                self.workers.pop(pbx_id).stop()
                server = self.agi_servers.pop(pbx_id, None)
                if server:
                    server.stop()
        for pbx_id, pbx in pbxs.items():
            if pbx_id in self.workers:
                continue
            worker = PbxWorker(
                pbx_id,
                pbx["name"],
                pbx["host"],
                pbx["port"],
                pbx["username"],
                pbx["secret"],
                RegistrySink(self.registry),
                pop_workers=8,
            )
            self.workers[pbx_id] = worker.start()
            try:
                handler = agi_handler_for(self.registry, pbx_id)
                server = FastAgiServer(
                    pbx["agi_bind_address"], pbx["agi_port"], handler
                )
                self.agi_servers[pbx_id] = server.start()
            except OSError as exc:
                _logger.error(
                    "PBX %s: cannot listen for FastAGI on %s:%s: %s",
                    pbx["name"],
                    pbx["agi_bind_address"],
                    pbx["agi_port"],
                    exc,
                )

    def run(self):
        if self.simulator_mode:
            self.start_simulator()
        self.sync_workers()
        if not self.workers:
            _logger.warning(
                "No active PBX: nothing to connect to (checking every %ss)", self.rescan
            )
        while not self.stop_event.wait(self.rescan):
            try:
                self.sync_workers()
            except Exception:
                _logger.exception(
                    "Could not read the PBX list; keeping the current sessions"
                )
        self.shutdown()

    def shutdown(self):
        for worker in self.workers.values():
            worker.stop()
        for server in self.agi_servers.values():
            server.stop()
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
        connector.run()
