from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.accounts.roles import Role
from portal.core import health
from portal.core.http import AuthenticatedHttpRequest

# Where each role lands after signing in, first match wins.
_ROLE_HOMES = [
    (Role.COORDINATOR, "opportunities:moderation_queue"),
    (Role.FINANCE_OFFICER, "payments:home"),
    (Role.KEY_WORKER, "participants:caseload"),
    (Role.PARTNER_STAFF, "enquiries:inbox"),
    (Role.EDITOR, "wagtailadmin_home"),
    (Role.EMPLOYER, "employers:dashboard"),
]


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """{"status": "ok"} (200) or {"status": "unavailable"} (503) for anyone (load balancers,
    uptime checks); each check's detail too for staff or a monitor with the token."""
    checks = {
        "database": health.check_database(),
        "cache": health.check_cache(),
        "celery_broker": health.check_broker(),
        "search": health.check_search(),
    }
    healthy = all(ok for ok, _ in checks.values())
    body: dict = {"status": "ok" if healthy else "unavailable"}
    if health.details_allowed(request):
        body["checks"] = {
            name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()
        }
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    for role, url_name in _ROLE_HOMES:
        if request.user.has_role(role):
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    return render(request, "core/dashboard.html")


def govuk_asset(request: HttpRequest, path: str) -> HttpResponse:
    """govuk-frontend's compiled CSS asks for /assets/...; send it to the static copy."""
    return redirect(static(f"govuk/assets/{path}"), permanent=True)
