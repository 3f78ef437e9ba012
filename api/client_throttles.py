"""The API's throttles, counting anonymous clients by kb.clients' address rule
(X-Forwarded-For only as far as TRUSTED_PROXIES), the same rule as the pages'
throttles and the admin's login lockout."""

from api import throttling
from kb.clients import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonThrottle(ClientAddressMixin, throttling.AnonThrottle):
    pass


class UserThrottle(ClientAddressMixin, throttling.UserThrottle):
    pass
