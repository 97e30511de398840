from . import test_roles
from . import test_ui
from . import test_caller_identification
from . import test_customer
from . import test_blacklist
