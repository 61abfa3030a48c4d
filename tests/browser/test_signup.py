"""An employer finds the offer, creates an account, confirms the email and signs in."""

import io
import re

import pytest
from django.core import mail
from django.core.cache import cache

from tests.browser.helpers import assert_accessible, link_from_email

# serialized_rollback keeps the rows migrations create (Wagtail's root page, role groups),
# which a transactional test would otherwise flush for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "sam.okafor@teesfabrication.example"
PASSWORD = "Blue-Harbour-Lantern-73"


@pytest.fixture
def cms_pages():
    from cms import demo

    demo.load(io.StringIO())
    cache.clear()


def test_employer_signs_up_from_the_offer_confirms_email_and_signs_in(page, live_server, cms_pages):
    mail.outbox.clear()

    page.goto("/")
    assert_accessible(page, context="home page")

    offer_link = page.locator("main a[href*='/employer-offer/']").first
    offer_title = offer_link.inner_text().strip()
    offer_link.click()
    page.wait_for_load_state()
    assert "/employer-offer/" in page.url
    assert page.locator("h1").first.inner_text().strip()
    assert_accessible(page, context=f"offer page {offer_title!r}")

    # From the offer, the header's "Sign in" leads to the sign-in page and its sign-up link.
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page, context="sign-in page")
    page.get_by_role("link", name="create an employer account").click()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    assert_accessible(page, context="sign-up page")

    # A mistake first: the passwords do not match. The error summary says so, nothing is saved.
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD + "x")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "You must type the same password each time." in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page, context="sign-up page with errors")

    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    assert page.locator("h1").inner_text() == "Check your email"
    assert_accessible(page, context="check your email")

    assert len(mail.outbox) == 1
    page.goto(link_from_email(mail.outbox[0], "/confirm-email/"))
    assert page.locator("h1").inner_text() == "Confirm your email address"
    assert EMAIL in page.locator("main").inner_text()
    assert_accessible(page, context="confirm email")
    page.get_by_role("button", name="Confirm email address").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign out").is_visible()

    # Sign out, then sign in with the new account.
    page.goto("/accounts/logout/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    assert "The email address or password is not correct" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, context="sign-in page with errors")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url
    assert page.get_by_role("link", name="Sign out").is_visible()
