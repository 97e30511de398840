from . import test_roles
from . import test_link
from . import test_keypad
