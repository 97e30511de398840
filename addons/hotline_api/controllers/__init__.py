from . import customer_sync
from . import router_v1
