from . import test_roles
from . import test_intake
from . import test_workflow
from . import test_deadlines
from . import test_confidentiality
from . import test_query
from . import test_work_order
from . import test_report
