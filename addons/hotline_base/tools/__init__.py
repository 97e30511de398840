from . import phone
