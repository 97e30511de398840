from . import hotline_call_report
from . import hotline_outbound_report
