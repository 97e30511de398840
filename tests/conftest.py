"""pytest configuration for the cross-module and connector tests.

The connector's protocol code (``addons/hotline_callcenter/pbx``) is plain Python:
it is imported here as the top-level package ``pbx`` so these tests need neither
Odoo nor a database.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "addons" / "hotline_callcenter"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
