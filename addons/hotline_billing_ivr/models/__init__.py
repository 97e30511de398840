from . import res_partner
from . import hotline_screen_pop
from . import res_company
from . import hotline_selfservice_transaction
from . import hotline_meter_reading
from . import account_payment
