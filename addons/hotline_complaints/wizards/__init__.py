from . import hotline_case_dispatch_wizard
from . import hotline_case_step_wizard
from . import hotline_case_merge_wizard
from . import hotline_case_report_wizard
from . import hotline_fax_send_wizard
