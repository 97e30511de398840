from . import test_roles
from . import test_link
from . import test_keypad
from . import test_satisfaction_report
from . import test_dissatisfied
from . import test_callback
from . import test_callback_tour
from . import test_sampling
