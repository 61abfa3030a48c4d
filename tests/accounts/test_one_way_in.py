"""One way in: every sign-in page (the portal's, the Wagtail admin's, the Django admin's and
Wagtail's page-privacy one) is allauth's, with its limit on wrong passwords; staff with an
authenticator app or a passkey must use it in this session before any staff page opens."""

import hashlib
import json
import os
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.urls import reverse
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    RegistrationResponse,
)

from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN = reverse("account_login")

# Each sign-in page, and a staff page someone signing in there wants.
SIGN_IN_PAGES = [
    pytest.param("/accounts/login/", "/reports/", id="portal"),
    pytest.param("/admin/login/", "/admin/", id="wagtail-admin"),
    pytest.param("/django-admin/login/", "/django-admin/", id="django-admin"),
    pytest.param("/_util/login/", "/reports/", id="wagtail-private-pages"),
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _coordinator_with_app(**extra):
    """A coordinator (Wagtail admin) who may also use the Django admin, with an authenticator app."""
    user = UserFactory(role=Role.COORDINATOR, skip_two_factor=False, is_staff=True, **extra)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _password_form(html: str) -> str:
    """The action of the form on the page that asks for a password."""
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
        if 'type="password"' in form:
            return re.search(r'action="([^"]*)"', form).group(1)
    raise AssertionError("the page has no password form")


def _credentials(user, password=PASSWORD) -> dict:
    # allauth's form calls the email "login"; Django's and Wagtail's call it "username".
    return {"login": user.email, "username": user.email, "password": password}


@pytest.mark.parametrize("sign_in_page, staff_page", SIGN_IN_PAGES)
def test_a_password_alone_opens_no_staff_page_from_any_sign_in_page(client, sign_in_page, staff_page):
    user, _ = _coordinator_with_app()

    client.post(sign_in_page, _credentials(user), follow=True)

    response = client.get(staff_page)
    assert response.status_code == 302
    assert not _signed_in(client)


@pytest.mark.parametrize("sign_in_page, staff_page", SIGN_IN_PAGES)
def test_every_sign_in_page_is_the_portal_one_and_asks_for_the_code(client, sign_in_page, staff_page):
    user, secret = _coordinator_with_app()

    page = client.get(sign_in_page + f"?next={staff_page}", follow=True)
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert _password_form(html) == LOGIN

    response = client.post(f"{LOGIN}?next={staff_page}", _credentials(user))
    assert response.url == reverse("mfa_authenticate")
    assert client.get(staff_page).status_code == 302  # not until the code is given

    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.url == staff_page
    assert client.get(staff_page).status_code == 200


@pytest.mark.parametrize("sign_in_page, staff_page", SIGN_IN_PAGES)
def test_wrong_passwords_are_limited_whichever_sign_in_page_is_used(client, settings, sign_in_page, staff_page):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key,20/m/ip"}  # as in production
    user = UserFactory(role=Role.COORDINATOR, is_staff=True)  # no code asked, to see the password alone
    form = _password_form(client.get(sign_in_page, follow=True).content.decode())

    for _ in range(5):
        client.post(form, _credentials(user, password="wrong-password"), follow=True)

    # The right password is refused now, on the page's form and posted straight to the page.
    refused = client.post(form, _credentials(user), follow=True).content.decode()
    assert "You have tried to sign in too many times" in refused
    client.post(sign_in_page, _credentials(user), follow=True)
    assert not _signed_in(client)
    assert client.get(staff_page).status_code == 302


@pytest.mark.parametrize(
    "role, staff_page",
    [
        (Role.KEY_WORKER, "/caseload/"),
        (Role.COORDINATOR, "/reports/"),
        (Role.FINANCE_OFFICER, "/payments/"),
        (Role.EDITOR, "/admin/"),
        (None, "/django-admin/"),
    ],
)
def test_a_session_that_only_gave_the_password_is_signed_out(client, role, staff_page):
    superuser = role is None
    user = UserFactory(role=role, skip_two_factor=False, is_superuser=superuser, is_staff=superuser)
    TOTP.activate(user, generate_totp_secret())
    assert client.login(username=user.email, password=PASSWORD)  # Django's own check of the password

    response = client.get(staff_page)

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={staff_page}"
    assert not _signed_in(client)
    page = client.get(response.url).content.decode()
    assert "Sign in again with your password and your security code." in page


def test_setting_up_two_factor_in_one_session_does_not_vouch_for_another(client):
    key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=False)
    client.force_login(key_worker)  # an older session, opened with the password only
    TOTP.activate(key_worker, generate_totp_secret())  # set up somewhere else

    assert client.get("/caseload/").status_code == 302
    assert not _signed_in(client)


def test_someone_in_the_admin_through_a_group_outside_the_roles_is_held_to_two_factor(client):
    from django.contrib.auth.models import Group, Permission

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(codename="access_admin"))
    moderator = UserFactory(skip_two_factor=False)
    moderator.groups.add(moderators)
    client.force_login(moderator)

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_signing_out_of_either_admin_is_the_portal_sign_out(client):
    for sign_out in ("/admin/logout/", "/django-admin/logout/"):
        client.force_login(UserFactory(role=Role.EDITOR, is_staff=True))
        assert client.post(sign_out).status_code == 302
        assert not _signed_in(client)
        assert "You have signed out." in client.get(LOGIN).content.decode()


def test_the_admin_password_pages_are_the_portal_ones(client):
    client.force_login(UserFactory(role=Role.EDITOR, is_staff=True))
    assert client.get("/admin/password_reset/").status_code == 404
    response = client.get("/django-admin/password_change/")
    assert response.url == reverse("account_change_password")


def test_a_signed_in_person_without_admin_access_is_refused_not_sent_round_in_circles(client):
    client.force_login(UserFactory(role=Role.EMPLOYER))
    for admin_page in ("/admin/", "/django-admin/"):
        page = client.get(admin_page, follow=True)
        assert page.status_code == 403
        assert len(page.redirect_chain) <= 2


def test_demo_staff_still_sign_in_through_the_admin_without_a_code_outside_production(client):
    editor = UserFactory(role=Role.EDITOR, skip_two_factor=True)
    page = client.get("/admin/", follow=True)
    response = client.post(_password_form(page.content.decode()) + "?next=/admin/", _credentials(editor))
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


# Passkeys ------------------------------------------------------------------------------------


class SoftwarePasskey:
    """A passkey kept in memory, answering the browser's WebAuthn calls as a real one would."""

    ORIGIN = "https://testserver"

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.counter = 0
        self.rp_id_hash = hashlib.sha256(b"testserver").digest()

    def create(self, creation_options: dict) -> str:
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=creation_options["publicKey"]["challenge"], origin=self.ORIGIN
        )
        credential = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(self.rp_id_hash, flags, self.counter, credential)
        response = RegistrationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data, attestation_object=AttestationObject.create("none", auth_data, {})
            ),
        )
        return json.dumps(dict(response))

    def get(self, request_options: dict) -> str:
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=request_options["publicKey"]["challenge"], origin=self.ORIGIN
        )
        self.counter += 1
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        auth_data = AuthenticatorData.create(self.rp_id_hash, flags, self.counter)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        response = AuthenticationResponse(
            raw_id=self.credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data, authenticator_data=auth_data, signature=signature
            ),
        )
        return json.dumps(dict(response))


def test_the_security_page_offers_a_passkey_alongside_the_app(client):
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    html = client.get(reverse("mfa_index")).content.decode()
    assert '<dt class="govuk-summary-list__key">Authenticator app</dt>' in html
    assert '<dt class="govuk-summary-list__key">Passkeys</dt>' in html
    assert f'href="{reverse("mfa_add_webauthn")}"' in html


def test_staff_can_set_up_a_passkey_instead_of_an_app_and_sign_in_with_it(client):
    key_worker = UserFactory(role=Role.KEY_WORKER, skip_two_factor=False)
    passkey = SoftwarePasskey()
    client.post(LOGIN, _credentials(key_worker))

    # Sent to set up two-factor authentication, they choose a passkey instead of an app.
    assert client.get("/caseload/").url == reverse("mfa_activate_totp") + "?next=/caseload/"
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # confirm it is you
    totp_page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert f'href="{reverse("mfa_add_webauthn")}">add a passkey instead</a>' in totp_page

    add = client.get(reverse("mfa_add_webauthn"))
    html = add.content.decode()
    assert '<h1 class="govuk-heading-l">Add a passkey</h1>' in html
    assert "You need to set up two-factor authentication before you can continue." in html
    assert 'for="id_name">Name for this passkey</label>' in html
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Work laptop", "credential": passkey.create(add.context["js_data"]["creation_options"])},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Authenticator.objects.filter(user=key_worker, type=Authenticator.Type.WEBAUTHN).count() == 1
    assert client.get("/caseload/").status_code == 200  # set up in this session, so it counts

    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Work laptop" in listing
    rename = reverse("mfa_edit_webauthn", kwargs={"pk": Authenticator.objects.get(type="webauthn").pk})
    assert '<h1 class="govuk-heading-l">Rename a passkey</h1>' in client.get(rename).content.decode()
    assert "Enter a name for this passkey" in client.post(rename, {"name": ""}).content.decode()
    client.post(rename, {"name": "Office laptop"})
    assert "Office laptop" in client.get(reverse("mfa_list_webauthn")).content.decode()
    remove = client.get(rename.replace("/edit/", "/remove/")).content.decode()
    assert '<h1 class="govuk-heading-l">Remove the passkey Office laptop</h1>' in remove

    # Next time: the password, then the passkey.
    client.logout()
    response = client.post(LOGIN, _credentials(key_worker))
    assert response.url == reverse("mfa_authenticate")
    stage = client.get(response.url)
    assert '<h1 class="govuk-heading-l">Use your passkey</h1>' in stage.content.decode()
    assert client.get("/caseload/").status_code == 302
    stage = client.get(reverse("mfa_authenticate"))
    response = client.post(
        reverse("mfa_authenticate"), {"credential": passkey.get(stage.context["js_data"]["request_options"])}
    )
    assert response.status_code == 302
    assert client.get("/caseload/").status_code == 200
