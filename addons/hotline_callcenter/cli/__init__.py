from . import hotline_connector
