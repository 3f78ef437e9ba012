"""The API's throttles, counting anonymous clients by kb.clients' address rule
(X-Forwarded-For only as far as TRUSTED_PROXIES), the same rule as the pages'
throttles and the admin's login lockout; the docs have their own allowance."""

from api import throttling
from kb.clients import client_address
from kb.throttles import ScopedThrottle


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(ClientAddressMixin, throttling.AnonThrottle):
    pass


class UserThrottle(ClientAddressMixin, throttling.UserThrottle):
    pass


class DocsThrottle(ScopedThrottle):
    """The API docs and schema count apart from the API, so that a person reading
    the docs is not throttled by their own script, nor the script by the docs."""

    def __init__(self):
        super().__init__("docs")
