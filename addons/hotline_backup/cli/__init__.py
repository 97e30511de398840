from . import hotline_restore
