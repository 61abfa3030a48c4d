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
