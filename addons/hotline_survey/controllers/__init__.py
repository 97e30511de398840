from . import survey_callback
