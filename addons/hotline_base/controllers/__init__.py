from . import customer_sync
