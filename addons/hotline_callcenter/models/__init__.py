from . import hotline_pbx
from . import hotline_call
from . import res_users
from . import hotline_screen_pop
