from . import test_roles
from . import test_arrears
from . import test_demo_data
from . import test_chinese_screens
from . import test_finance_tour
from . import test_selfservice_transaction
from . import test_arrears_indexes
