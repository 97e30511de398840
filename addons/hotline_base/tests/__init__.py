from . import test_roles
from . import test_ui
from . import test_caller_identification
from . import test_customer
from . import test_blacklist
from . import test_knowledge
from . import test_roles_rpc
from . import test_import
