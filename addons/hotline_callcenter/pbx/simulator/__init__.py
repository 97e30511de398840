# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PBX simulator: AMI (and FastAGI as Asterisk's side) replayed from real captures."""

from .ami_server import AmiSimulator
from .callers import CallerMix
from .dialplan import CAPTURE_PBX_SETTINGS, Dialplan
from .scenarios import SCENARIOS, render

__all__ = [
    "CAPTURE_PBX_SETTINGS",
    "SCENARIOS",
    "AmiSimulator",
    "CallerMix",
    "Dialplan",
    "render",
]
