from . import identity
from . import phone
from . import payload
from . import api
