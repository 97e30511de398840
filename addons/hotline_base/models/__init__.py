from . import hotline_partner_phone
from . import res_partner
