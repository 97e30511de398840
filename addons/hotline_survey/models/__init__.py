from . import survey_survey
from . import survey_question
from . import survey_question_answer
from . import survey_user_input
from . import hotline_callback_plan
from . import hotline_callback_task
from . import hotline_campaign
from . import hotline_campaign_contact
