"""The connector's sink: a batch is one transaction of its own, written
without a savepoint (a failure throws the whole transaction away), and the
screen pops get the calls and callers the same batch ingested."""

from pathlib import Path
from unittest import mock

import odoo.addons

ADDONS = Path(__file__).resolve().parents[1] / "addons"
if str(ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(ADDONS))

from odoo.addons.hotline_callcenter.cli import connector


def sink_with(monkeypatch):
    cr = mock.MagicMock()
    registry = mock.MagicMock()
    registry.check_signaling.return_value = registry
    registry.cursor.return_value.__enter__.return_value = cr
    env = mock.MagicMock()
    env.cr = cr
    monkeypatch.setattr(connector.api, "Environment", lambda *args: env)
    model = env.__getitem__.return_value.sudo.return_value
    model.hotline_ingest.return_value = {
        "calls": "the calls",
        "identified": {"13800138000": [7]},
    }
    return connector.RegistrySink(registry), cr, model


def test_registry_sink_writes_without_a_savepoint(monkeypatch):
    sink, cr, model = sink_with(monkeypatch)
    ring = {"type": "ringing", "linkedid": "L1", "extension": "8001"}
    sink(1, [{"linkedid": "L1"}], [ring])
    cr.savepoint.assert_not_called()
    model.hotline_live_events.assert_called_once_with(
        1, [ring], known_calls="the calls", identified={"13800138000": [7]}
    )


def test_env_sink_keeps_its_savepoint():
    env = mock.MagicMock()
    connector.EnvSink(env)(1, [], [{"type": "ringing"}])
    env.cr.savepoint.assert_called_once()
