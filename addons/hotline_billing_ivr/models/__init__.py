from . import res_partner
from . import hotline_screen_pop
from . import res_company
