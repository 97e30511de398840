from . import db_backup
from . import hotline_backup_run
