from . import gfs
from . import manifest
from . import backup_archive
from . import restore
