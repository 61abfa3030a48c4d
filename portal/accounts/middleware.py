from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

_ALWAYS_ALLOWED = ("/accounts/", "/static/", "/media/", "/healthz", "/stripe/webhook/")


class RequireStaffTwoFactorMiddleware:
    """Staff roles must set up an authenticator app before doing anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_portal_staff
            and not request.path.startswith(_ALWAYS_ALLOWED)
            and not (user.skip_two_factor and not settings.PRODUCTION)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
