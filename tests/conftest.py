"""pytest configuration for the cross-module and connector tests.

The connector's protocol code (``addons/hotline_callcenter/pbx``) is plain Python:
it is imported here as the top-level package ``pbx`` so these tests need neither
Odoo nor a database; so are hotline_base's fake SMS provider and webhook receiver.
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "addons" / "hotline_callcenter"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
# the fakes of the outside systems in hotline_base's tests (plain Python) as the
# package ``hotline_base_fakes``, without that folder's __init__ (Odoo's tests)
_fakes = types.ModuleType("hotline_base_fakes")
_fakes.__path__ = [str(ROOT / "addons" / "hotline_base" / "tests")]
sys.modules.setdefault("hotline_base_fakes", _fakes)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: minutes-long end-to-end test, deselected unless asked with -m slow "
        "(make test-bootstrap)",
    )
    # pyst2 0.5.1 calls Event.isSet() thousands of times; its deprecation noise hides
    # the warnings that matter.
    config.addinivalue_line(
        "filterwarnings", "ignore:isSet\\(\\) is deprecated:DeprecationWarning"
    )


def pytest_collection_modifyitems(config, items):
    # `make test` counts skipped tests as failures: slow tests are deselected instead.
    if "slow" in (config.getoption("markexpr") or ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item not in slow]
