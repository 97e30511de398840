from . import hotline_call_report
