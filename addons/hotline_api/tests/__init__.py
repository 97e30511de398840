from . import test_api_auth
from . import test_api_customers
from . import test_api_readings
from . import test_api_cases
from . import test_api_calls
from . import test_api_bills
from . import test_api_keys
