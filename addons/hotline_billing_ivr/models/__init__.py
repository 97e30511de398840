from . import res_partner
from . import hotline_screen_pop
from . import credit_control_run
from . import res_company
