from . import auditlog_rule
from . import ir_http
from . import res_company
from . import res_config_settings
from . import res_users
