"""One way in: the Wagtail admin's, Django admin's and Wagtail's front-end sign-in pages.

Each answers at the library's own address (so every link and redirect to it still works) but
never shows a password form: a signed-out visitor goes to allauth's sign-in, which has the
rate limits and asks for the second factor. A signed-in visitor who may use the area goes on
to it; one who may not is refused (sending them to sign in again would loop).
"""

from collections.abc import Callable

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def wagtail_admin_login(request: HttpRequest) -> HttpResponse:
    return _sign_in_through_allauth(
        request,
        default_next=reverse("wagtailadmin_home"),
        may_enter=lambda user: user.has_perm("wagtailadmin.access_admin"),
    )


def django_admin_login(request: HttpRequest) -> HttpResponse:
    return _sign_in_through_allauth(
        request,
        default_next=reverse("admin:index"),
        may_enter=lambda user: user.is_active and user.is_staff,
    )


def frontend_login(request: HttpRequest) -> HttpResponse:
    """Wagtail sends visitors here for a private page; a signed-in one was already refused."""
    return _sign_in_through_allauth(request, default_next="/", may_enter=lambda user: False)


def _sign_in_through_allauth(
    request: HttpRequest, *, default_next: str, may_enter: Callable[..., bool]
) -> HttpResponse:
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = default_next
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, login_url=reverse("account_login"))
    if may_enter(request.user):
        return redirect(next_url)
    raise PermissionDenied("You do not have access to this page")
