from . import test_mailing
