"""Content Security Policy on every response: django-csp's middleware, with the admin's own policy.

The public pages get ``CONTENT_SECURITY_POLICY`` (no inline scripts at all). The Wagtail admin
(and Django's, under ``/django-admin/``) get ``CONTENT_SECURITY_POLICY_ADMIN`` on its URL
prefixes: as strict everywhere Wagtail allows, but Wagtail 8 still writes inline ``<script>``
blocks (date pickers, inline panels, workflow and chooser modals; wagtail/wagtail#1288), so
scripts there may be inline, and it shows Gravatar avatars. A page preview keeps the public
policy but may be framed by the admin's preview panel. A view that sets its own policy
(django-csp's decorators) keeps it.
"""

from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.middleware import PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse


class CSPMiddleware(_DjangoCSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN", None)
        if (
            admin
            and not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin["URL_PREFIXES"]))
        ):
            parts.config = default_config(admin["DIRECTIVES"])
        if getattr(request, "is_preview", False) and not report_only:
            # Wagtail renders a preview by running a made-up request for the page's public URL
            # through the middleware (so the public policy), and shows it in a frame of the
            # editor: the page keeps its own policy but may be framed by the admin.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        return parts


NUL = "\x00"


class RejectNulCharactersMiddleware:
    """A request carrying a NUL character in its path or query string (or, for the partner API,
    its JSON body) is answered 400.

    No one types a NUL; PostgreSQL cannot store or compare one in a text column, so a query
    filtered by such a value would fail with a server error. Forms already refuse it (Django's
    ``ProhibitNullCharactersValidator``); this covers the values read without a form. The partner
    API answers in its documented error shape (docs/api.md); pages get the "bad request" page.
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            if request.path_info.startswith(self.API_PREFIX):
                return JsonResponse(
                    {"error": {"code": "bad_request", "fields": {},
                               "message": "The request contains a NUL character"}},
                    status=400,
                )
            raise SuspiciousOperation("NUL character in the request")
        return self.get_response(request)

    def _carries_nul(self, request) -> bool:
        if NUL in request.path_info:
            return True
        if any(NUL in key + "".join(values) for key, values in request.GET.lists()):
            return True
        if (request.path_info.startswith(self.API_PREFIX)
                and request.content_type == "application/json"
                and request.method in ("POST", "PUT", "PATCH")):
            return b"\\u0000" in request.body.lower()
        return False
