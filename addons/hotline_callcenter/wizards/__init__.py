from . import hotline_dial_wizard
