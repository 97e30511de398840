from . import test_backup
from . import test_restore
