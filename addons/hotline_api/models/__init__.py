from . import fastapi_endpoint
from . import hotline_api_key
from . import hotline_api_request
