from . import identity
from . import phone
