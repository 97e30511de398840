from . import identity
from . import phone
from . import payload
from . import api
from . import sms_gateways
from . import webhook
