from . import reply_letter
