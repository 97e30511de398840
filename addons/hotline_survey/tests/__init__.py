from . import test_roles
from . import test_callback
from . import test_callback_tour
