from . import hotline_area
from . import hotline_customer_category
from . import hotline_partner_phone
from . import hotline_service_site
from . import res_company
from . import res_partner
from . import hotline_blacklist
from . import hotline_knowledge_article
