from . import hotline_dial_wizard
from . import hotline_fax_send_wizard
from . import hotline_missed_call_assign
