from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from portal.accounts.two_factor import (
    has_second_factor,
    session_passed_two_factor,
    two_factor_required,
    two_factor_set_up_record,
)

_ALWAYS_ALLOWED = ("/static/", "/media/", "/healthz", "/stripe/webhook/")
# Where staff set up their authenticator, change their password or sign out.
_ACCOUNT_PAGES = "/accounts/"
# Where an authenticator is set up; a session that does so has used it (see two_factor.py).
_SET_UP_PATHS = ("/accounts/2fa/totp/activate/", "/accounts/2fa/webauthn/add/")


class RequireStaffTwoFactorMiddleware:
    """Staff must use two-factor authentication, and this session must have passed it.

    - No authenticator yet: staff are sent to set one up before doing anything else.
    - An authenticator, but this session only gave the password (it was opened some other
      way than allauth's sign-in, which asks for the code): the session is ended and the
      person signs in again, with the code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path.startswith(_ALWAYS_ALLOWED)
            or not two_factor_required(user, path=request.path)
        ):
            return self.get_response(request)

        if session_passed_two_factor(request):  # read from the session: no query on each page
            return self.get_response(request)
        if has_second_factor(user):
            logout(request)
            messages.info(request, "Sign in again with your password and your security code.")
            if request.path.startswith(_ACCOUNT_PAGES):
                return self.get_response(request)  # as a signed-out visitor
            return redirect_to_login(request.get_full_path(), login_url=reverse("account_login"))

        if not request.path.startswith(_ACCOUNT_PAGES):
            return redirect(reverse("mfa_activate_totp") + f"?next={request.path}")
        response = self.get_response(request)
        if request.method == "POST" and request.path.startswith(_SET_UP_PATHS) and has_second_factor(user):
            two_factor_set_up_record(request=request)
        return response
