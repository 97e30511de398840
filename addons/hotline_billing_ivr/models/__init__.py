from . import res_partner
from . import hotline_screen_pop
from . import res_company
from . import hotline_selfservice_transaction
from . import hotline_meter_reading
from . import hotline_attempt_limit
from . import hotline_ivr_flow
from . import hotline_call
