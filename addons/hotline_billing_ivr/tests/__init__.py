from . import test_roles
from . import test_arrears
from . import test_chinese_screens
