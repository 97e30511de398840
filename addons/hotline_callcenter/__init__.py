from . import models
from . import cli
from . import report
