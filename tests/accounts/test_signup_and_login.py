import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "Stockton-Widgets-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth keeps rate-limit counters in the cache
    yield
    cache.clear()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent():`` around a request: its emails (queued after commit) are sent at the end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _signup(client, **overrides):
    data = {
        "first_name": "Maya",
        "last_name": "Patel",
        "email": "maya.patel@teescomponents.example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def _confirm_link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/confirm-email/[^\s]+)", message.body)
    assert match, message.body
    return match.group(1)


def test_signup_page_is_a_govuk_form_with_labels_and_hints(client):
    response = client.get(reverse("account_signup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Create an employer account</h1>' in html
    assert 'class="govuk-label govuk-label--s" for="id_email">Email address</label>' in html
    assert "Use at least 10 characters" in html  # the password rules, before the user trips on them
    assert 'class="govuk-input"' in html
    assert "placeholder" not in html
    assert 'class="govuk-button"' in html


def test_signing_up_creates_an_unverified_employer_and_sends_a_confirmation_link(client, sent):
    with sent():
        response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    user = User.objects.get(email="maya.patel@teescomponents.example")
    assert user.has_role(Role.EMPLOYER)
    assert not user.is_portal_staff
    assert (user.first_name, user.last_name) == ("Maya", "Patel")
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("Confirm your email address")
    assert "/accounts/confirm-email/" in mail.outbox[0].body

    page = client.get(response.url).content.decode()
    assert "Check your email" in page


def test_confirming_the_email_signs_the_employer_in(client, sent):
    with sent():
        _signup(client)
    link = _confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert (
        "Confirm that <strong>maya.patel@teescomponents.example</strong> is your email address"
        in page.content.decode()
    )

    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="maya.patel@teescomponents.example").verified
    dashboard = client.get(reverse("core_dashboard"))
    assert dashboard.status_code in (200, 302)
    assert dashboard.wsgi_request.user.email == "maya.patel@teescomponents.example"


def test_a_bad_confirmation_link_says_so(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This link has expired or is not valid" in response.content.decode()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password2": "Something-else-2026"}, "You must type the same password each time."),
        (
            {"password1": "short", "password2": "short"},
            "This password is too short. It must contain at least 10 characters.",
        ),
        ({"password1": "password123", "password2": "password123"}, "This password is too common."),
        ({"password1": "4839201957", "password2": "4839201957"}, "This password is entirely numeric."),
        ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
        ({"email": ""}, "Enter your email address"),
        ({"first_name": ""}, "Enter your first name"),
    ],
)
def test_bad_signups_show_a_clear_message_and_save_nothing(client, overrides, message):
    response = _signup(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html  # the error summary
    assert message in html
    assert "<title>Error: " in html
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signing_up_again_with_a_registered_email_does_not_create_a_second_account(client):
    UserFactory(email="maya.patel@teescomponents.example", role=Role.EMPLOYER)
    _signup(client)
    assert User.objects.filter(email="maya.patel@teescomponents.example").count() == 1


def test_login_page_is_govuk(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'for="id_login">Email address</label>' in html
    assert reverse("account_signup") in html
    assert reverse("account_reset_password") in html


def test_login_with_the_right_password_goes_to_the_dashboard(client):
    UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    response = client.post(reverse("account_login"), {"login": "Priya@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core_dashboard")


def test_login_with_a_wrong_password_shows_a_clear_error(client):
    UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    response = client.post(reverse("account_login"), {"login": "priya@example.org", "password": "wrong-password"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "The email address or password is not correct" in html
    assert not response.wsgi_request.user.is_authenticated


def test_login_with_empty_fields_says_what_to_enter(client):
    html = client.post(reverse("account_login"), {"login": "", "password": ""}).content.decode()
    assert "Enter your email address" in html
    assert "Enter your password" in html


def test_an_unverified_email_cannot_log_in_but_is_sent_a_new_link(client, sent):
    UserFactory(email="new@example.org", role=Role.EMPLOYER, verified=False)
    EmailAddress.objects.create(
        user=User.objects.get(email="new@example.org"),
        email="new@example.org",
        primary=True,
        verified=False,
    )
    with sent():
        response = client.post(reverse("account_login"), {"login": "new@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    assert not client.get(reverse("core_dashboard")).wsgi_request.user.is_authenticated


def test_too_many_failed_logins_are_refused_with_a_clear_message(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    for _ in range(3):
        html = client.post(
            reverse("account_login"), {"login": "priya@example.org", "password": "wrong"}
        ).content.decode()
        assert "The email address or password is not correct" in html
    # Even the right password is refused until the limit expires.
    response = client.post(reverse("account_login"), {"login": "priya@example.org", "password": PASSWORD})
    html = response.content.decode()
    assert "You have tried to sign in too many times" in html
    assert not response.wsgi_request.user.is_authenticated


def test_too_many_login_requests_get_a_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    for _ in range(2):
        assert client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}).status_code == 200
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 429
    assert "You have tried too many times" in response.content.decode()


def test_password_reset_journey(client, sent):
    user = UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    with sent():
        response = client.post(reverse("account_reset_password"), {"email": "priya@example.org"})
    assert response.status_code == 302
    assert "Check your email" in client.get(response.url).content.decode()
    assert mail.outbox[-1].subject.endswith("Reset your password")
    link = re.search(r"https?://testserver(/accounts/password/reset/key/[^\s]+)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    bad = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                      {"password1": "short", "password2": "short"})
    assert "This password is too short" in bad.content.decode()
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
                       {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
    assert "Your password has been changed" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_account_management_pages_render_in_govuk_style(client):
    user = UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    client.force_login(user)
    for name, heading in [
        ("account_email", "Email addresses"),
        ("account_change_password", "Change your password"),
        ("account_logout", "Sign out"),
        ("mfa_index", "Two-factor authentication"),
    ]:
        html = client.get(reverse(name)).content.decode()
        assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html, name
        assert "govuk-template" in html  # inside the portal's base template


def test_change_password_with_the_wrong_current_password(client):
    user = UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    client.force_login(user)
    html = client.post(
        reverse("account_change_password"),
        {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ).content.decode()
    assert "There is a problem" in html
    assert "The current password is not correct" in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
