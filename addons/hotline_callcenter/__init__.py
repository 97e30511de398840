from . import models
from . import cli
from . import report
from . import controllers
from . import wizards
