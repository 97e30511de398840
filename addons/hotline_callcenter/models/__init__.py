from . import hotline_pbx
