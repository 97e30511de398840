from . import test_audit
from . import test_login
from . import test_password_policy
