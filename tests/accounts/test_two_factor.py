import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse

from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _sign_in(client, user):
    """A real sign-in (not force_login), so allauth records when the user authenticated."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _reauthenticate(client):
    """allauth asks for the password again before an authenticator is added."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return response


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_key_worker_without_an_authenticator_app_must_set_one_up(client):
    key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=False)
    _sign_in(client, key_worker)

    response = client.get(reverse("core_dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp") + "?next=/dashboard/"

    # allauth first asks for the password again (adding an authenticator is sensitive);
    # the page already says why.
    reauth = client.get(response.url)
    assert reauth.status_code == 302
    assert reauth.url.startswith(reverse("account_reauthenticate"))
    reauth_html = client.get(reauth.url).content.decode()
    assert "Confirm it is you" in reauth_html
    assert "You need to set up two-factor authentication before you can continue." in reauth_html
    back = client.post(reauth.url, {"password": PASSWORD})
    assert back.url == reverse("mfa_activate_totp") + "?next=/dashboard/"

    page = client.get(back.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Set up two-factor authentication</h1>' in html
    assert "You need to set up two-factor authentication before you can continue." in html
    assert "Staff accounts can see participants' personal information" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    assert page.context["form"].secret in html  # the key for people who cannot scan


def test_every_staff_role_is_held_to_two_factor(client):
    for role in (Role.PARTNER_STAFF, Role.COORDINATOR, Role.FINANCE_OFFICER, Role.EDITOR):
        client.logout()
        user = UserFactory(role=role, skip_two_factor=False)
        client.force_login(user)
        response = client.get(reverse("core_dashboard"))
        assert response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp")), role


def test_account_pages_stay_open_so_staff_can_set_up_or_sign_out(client):
    client.force_login(UserFactory(role=Role.KEY_WORKER, skip_two_factor=False))
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_activating_totp_lets_the_key_worker_in_and_shows_recovery_codes(client):
    key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=False)
    _sign_in(client, key_worker)
    _reauthenticate(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if _code(secret) != "000000" else "111111"})
    assert "There is a problem" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=key_worker).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=key_worker, type=Authenticator.Type.TOTP).exists()

    codes = client.get(response.url).content.decode()
    assert "Your recovery codes" in codes
    dashboard = client.get(reverse("core_dashboard"))
    assert not (dashboard.status_code == 302 and dashboard.url.startswith(reverse("mfa_activate_totp")))


def test_staff_with_totp_are_asked_for_a_code_when_they_sign_in(client):
    key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=False)
    _sign_in(client, key_worker)
    _reauthenticate(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    client.logout()

    response = _sign_in(client, key_worker)
    assert response.url == reverse("mfa_authenticate")
    html = client.get(response.url).content.decode()
    assert "Enter your security code" in html
    bad = client.post(reverse("mfa_authenticate"), {"code": "12"}).content.decode()
    assert "There is a problem" in bad
    good = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert good.status_code == 302
    assert client.get(reverse("mfa_index")).wsgi_request.user == key_worker


def test_an_employer_is_not_made_to_set_up_two_factor(client):
    client.force_login(UserFactory(role=Role.EMPLOYER, skip_two_factor=False))
    response = client.get(reverse("core_dashboard"))
    assert not (response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp")))


def test_an_employer_may_still_turn_on_two_factor(client):
    employer = UserFactory(role=Role.EMPLOYER)
    _sign_in(client, employer)
    _reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "You need to set up two-factor authentication" not in page.content.decode()


def test_demo_users_skip_two_factor_outside_production_only(client, settings):
    demo_key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=True)
    client.force_login(demo_key_worker)
    response = client.get(reverse("core_dashboard"))
    assert not (response.status_code == 302 and response.url.startswith(reverse("mfa_activate_totp")))

    settings.PRODUCTION = True
    response = client.get(reverse("core_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_healthz_is_not_blocked_for_staff_without_totp(client):
    client.force_login(UserFactory(role=Role.KEY_WORKER, skip_two_factor=False))
    assert client.get("/healthz").status_code == 200
