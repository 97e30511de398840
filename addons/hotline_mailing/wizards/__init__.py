from . import hotline_mailing_audience_wizard
