"""Bearer-token authentication: ``Authorization: Bearer obp_…``.

``request.auth`` is the ``ApiToken`` and ``request.user`` the partner admin it acts as, so every
selector and service is called exactly as the pages call them.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from brokerage.api.errors import InsufficientScope
from brokerage.api.models import ApiToken
from brokerage.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = (
        "A partner API token created by a partner admin on the portal's API tokens page."
    )

    def __init__(self, *, write: bool = False):
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        if self.write and not api_token.can_write:
            raise InsufficientScope()
        request.user = api_token.created_by
        return api_token


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (per client address before a token is known), at the rate in the
    ``PARTNER_API_RATE_LIMIT`` setting (read on each request, so a change needs no restart)."""

    scope = "partner_api"
    cache_format = "api_throttle_%(scope)s_%(ident)s"

    def __init__(self):
        super().__init__(rate=settings.PARTNER_API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.PARTNER_API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        auth = getattr(request, "auth", None)
        ident = f"token-{auth.pk}" if isinstance(auth, ApiToken) else f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
