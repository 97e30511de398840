from . import test_roles
from . import test_screen_pop
from . import test_ivr_flow
from . import test_queue
from . import test_ivr_backend
from . import test_rating
