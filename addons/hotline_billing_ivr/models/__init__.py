from . import res_partner
from . import hotline_screen_pop
from . import res_company
from . import hotline_selfservice_transaction
from . import hotline_meter_reading
from . import hotline_service_site
from . import hotline_meter_tariff
from . import hotline_ivr_flow_meter
