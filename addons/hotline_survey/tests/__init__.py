from . import test_roles
from . import test_satisfaction_report
from . import test_dissatisfied
