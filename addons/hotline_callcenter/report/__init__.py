from . import day_bounds
from . import report_without_jit
from . import hotline_call_report
from . import hotline_outbound_report
from . import hotline_missed_call_report
from . import hotline_agent_call_report
from . import hotline_agent_work_report
from . import hotline_agent_attendance_report
