from . import customer_sync
from . import sms_report
