from . import identity
from . import phone
from . import payload
