"""Who must use two-factor authentication, and whether this session has used it.

Having an authenticator is not enough: the session itself must have passed it. allauth keeps a
record in the session of each way it authenticated (``password``, ``mfa``…; see
``allauth.account.authentication.get_authentication_records``), so a session that signed in
with a code from an authenticator app or a passkey has an ``mfa`` record. A session that set
up the account's first authenticator has proved it too (it entered a code from it, or used
the passkey), so ``RequireStaffTwoFactorMiddleware`` marks it with ``two_factor_set_up_record``.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

# Authenticators that are a second factor on their own (recovery codes only back them up).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

_SET_UP_IN_SESSION = "portal_two_factor_set_up_by"

# The demo users' ``skip_two_factor`` is honoured only in these environments.
_DEMO_ENVIRONMENTS = frozenset({"development", "test"})


def two_factor_skipped(user) -> bool:
    """Demo accounts skip two-factor authentication, never in production."""
    return (
        user.skip_two_factor
        and not settings.PRODUCTION
        and settings.DJANGO_ENV in _DEMO_ENVIRONMENTS
    )


def two_factor_required(user, *, path: str) -> bool:
    """Staff roles, superusers, Django admin users, and anyone opening the Wagtail admin."""
    if two_factor_skipped(user):
        return False
    if user.is_portal_staff or user.is_staff:
        return True
    # People whose only way into the admin is a group outside the portal's roles (such as
    # Wagtail's "Moderators"); checked only there, as it costs a query.
    return path.startswith("/admin/") and user.has_perm("wagtailadmin.access_admin")


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def session_passed_two_factor(request: HttpRequest) -> bool:
    """True if this session signed in (or re-confirmed) with a second factor, or set one up."""
    user = request.user
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return request.session.get(_SET_UP_IN_SESSION) == str(user.pk)


def two_factor_set_up_record(*, request: HttpRequest) -> None:
    """This session set up the user's first second factor, so it has used it."""
    request.session[_SET_UP_IN_SESSION] = str(request.user.pk)
