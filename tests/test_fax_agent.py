"""The connector's fax agent (cli/fax.py) against the AMI simulator, with a
store standing for the database: the order it works in (results first, the
plan committed before any Originate), refusals and lost answers."""

import time
from pathlib import Path

import odoo.addons

ADDONS = Path(__file__).resolve().parents[1] / "addons"
if str(ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(ADDONS))

from odoo.addons.hotline_callcenter.cli.fax import FaxAgent
from odoo.addons.hotline_callcenter.pbx import fax
from odoo.addons.hotline_callcenter.pbx.ami_client import AmiClient
from odoo.addons.hotline_callcenter.pbx.simulator import AmiSimulator


class Store:
    """Records the calls; ``plan`` answers the specs queued in ``to_send``."""

    def __init__(self):
        self.calls = []
        self.to_send = []

    def run(self, method, *args, **kwargs):
        self.calls.append((method, args))
        if method == "hotline_fax_plan":
            specs, self.to_send = self.to_send, []
            return specs
        return True


def spec(fax_id, number, context="hotline-fax-send"):
    return {
        "fax_id": fax_id,
        "action_id": fax.make_action_id(fax_id),
        "channel_id": fax.make_channel_id(fax_id),
        "channel": f"Local/{number}@pstn-out",
        "context": context,
        "file": f"/var/spool/asterisk/fax/out/fax-{fax_id}-1.tif",
        "timeout": 30,
    }


def start(tmp_path):
    sim = AmiSimulator(speed=0, auth_fail_delay=0).start()
    sim.fax_spool = str(tmp_path)
    store = Store()
    agent = FaxAgent(1, "sim", None, store)
    client = AmiClient(
        "127.0.0.1", sim.port, "odoo", "secret", timeout=3, on_event=agent.feed
    )
    client.__enter__()
    agent.client = client
    return sim, client, store, agent


def results_of(store):
    return [r for m, a in store.calls if m == "hotline_fax_results" for r in a[1]]


def wait_results(agent, store, count, timeout=5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        agent.process_events()
        if len(results_of(store)) >= count:
            return results_of(store)
        time.sleep(0.02)
    raise AssertionError(f"{len(results_of(store))} results, not {count}")


def test_plan_then_originate_then_results(tmp_path):
    sim, client, store, agent = start(tmp_path)
    try:
        sim.fax.script["01077778888"] = "busy"
        store.to_send = [spec(1, "01088886666"), spec(2, "01077778888")]
        assert agent.tick() == 2
        # the plan (committed) came before the Originates
        assert store.calls[0][0] == "hotline_fax_plan"
        assert [o[1] for o in sim.fax.originates] == [
            "Local/01088886666@pstn-out",
            "Local/01077778888@pstn-out",
        ]
        results = wait_results(agent, store, 2)
        by_fax = {r["fax_id"]: r for r in results}
        assert by_fax[1]["kind"] == "done" and by_fax[1]["status"] == "SUCCESS"
        assert by_fax[2] == {
            "kind": "not_sent",
            "fax_id": 2,
            "result": "busy",
            "reason": "5",
            "cause": "17",
        }
    finally:
        client.__exit__(None, None, None)
        sim.stop()


def test_refused_originate_fails_the_fax(tmp_path, caplog):
    sim, client, store, agent = start(tmp_path)
    try:
        store.to_send = [spec(3, "01088886666", context="no-such-context")]
        assert agent.tick() == 0
        refused = [a for m, a in store.calls if m == "hotline_fax_refused"]
        assert refused == [(3, "Extension does not exist.")]
        assert "refused" in caplog.text
        assert agent.stats["refused"] == 1
    finally:
        client.__exit__(None, None, None)
        sim.stop()


def test_received_fax_reported(tmp_path):
    sim, client, store, agent = start(tmp_path)
    try:
        sim.receive_fax("4008100300", "01066660000", b"II*\x00", remote_id="R")
        results = wait_results(agent, store, 2)
        assert [r["kind"] for r in results] == ["receiving", "done"]
        assert results[1]["exten"] == "4008100300"
        assert results[1]["caller"] == "01066660000"
    finally:
        client.__exit__(None, None, None)
        sim.stop()


def test_results_kept_when_the_database_fails(tmp_path):
    sim, client, store, agent = start(tmp_path)
    try:
        failing = {"on": True}
        real_run = store.run

        def run(method, *args, **kwargs):
            if method == "hotline_fax_results" and failing["on"]:
                raise RuntimeError("database down")
            return real_run(method, *args, **kwargs)

        store.run = run
        sim.receive_fax("4008100300", "01066660000", b"II*\x00")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(agent.pending_results) < 2:
            try:
                agent.process_events()
            except RuntimeError:
                pass
            time.sleep(0.02)
        assert len(agent.pending_results) == 2
        failing["on"] = False
        assert agent.process_events() == 2
        assert agent.pending_results == []
    finally:
        client.__exit__(None, None, None)
        sim.stop()
