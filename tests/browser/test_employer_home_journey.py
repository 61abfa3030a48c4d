"""The employer's way in and home, each screen checked with axe: sign up from an offer page,
follow an enquiry by its emailed link, see a due incentive on the task list with its reason,
set up the payout account in test mode, and choose a daily digest of emails."""

import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from brokerage.enquiries import follow
from brokerage.enquiries.models import EnquiryItemEvent, EventKind
from brokerage.messaging.models import Frequency, MessageKind, NotificationPreference
from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import StripeAccount
from tests.browser.helpers import assert_accessible, link_from_email
from tests.factories.enquiries import EnquiryItemFactory
from tests.factories.reference import PartnerFactory
from tests.payments.incentive_helpers import days_ago, start_create, world
from tests.payments.stub import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, serve

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "ola.ade@teesbakes.example"
PASSWORD = "Green-Ferry-Window-58"


@pytest.fixture
def cms_pages():
    from cms import demo

    demo.load(io.StringIO())
    cache.clear()


@pytest.fixture
def stripe_standin(settings, live_server):
    """The Stripe stand-in serving its own onboarding page, as in development (test mode)."""
    server = serve()
    server.stub.public_url = server.url
    server.stub.return_url_prefix = live_server.url
    settings.STRIPE_STANDIN = False
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    yield server.stub
    server.stop()


def test_a_new_employer_signs_up_from_an_offer_page(page, cms_pages):
    mail.outbox.clear()
    page.goto("/")
    page.locator("main a[href*='/employer-offer/']").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Create an employer account").is_visible()
    assert_accessible(page, context="offer page with the calls to action")
    page.get_by_role("button", name="Offer an opportunity").click()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    assert_accessible(page, context="sign-up page")
    page.get_by_label("First name").fill("Ola")
    page.get_by_label("Last name").fill("Ade")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(link_from_email(mail.outbox[-1], "/confirm-email/"))
    page.get_by_role("button", name="Confirm email address").click()
    page.wait_for_load_state()
    page.goto("/employer/")
    page.get_by_role("heading", name="Set up your organisation").wait_for()
    assert "Create your organisation" in page.locator("#first-steps").inner_text()
    assert_accessible(page, context="employer home before the organisation exists")


def test_an_employer_follows_an_enquiry_by_its_link(page):
    item = EnquiryItemFactory(partner=PartnerFactory(name="Stockton Jobcentre Plus"))
    EnquiryItemEvent.objects.create(item=item, kind=EventKind.ROUTED, partner=item.partner,
                                    happened_at=timezone.now())
    page.goto(reverse("enquiries:follow_link", args=[follow.enquiry_follow_token(item.enquiry)]))
    page.get_by_role("heading", name=f"Your enquiry {item.enquiry.reference}").wait_for()
    assert page.get_by_text("With Stockton Jobcentre Plus: not picked up yet").is_visible()
    assert page.get_by_text("Passed to Stockton Jobcentre Plus").is_visible()
    assert_accessible(page, context="check your enquiry (by link)")

    page.goto("/employers/enquiry/")
    page.get_by_label("Reference number").fill(item.enquiry.reference)
    page.get_by_label("Email address").fill("someone.else@example.com")
    page.get_by_role("button", name="Check your enquiry").click()
    assert "We could not find an enquiry" in page.locator(".govuk-error-summary").inner_text()
    assert "Stockton Jobcentre Plus" not in page.locator("main").inner_text()
    assert_accessible(page, context="check your enquiry with an error")


def test_a_due_incentive_shows_on_the_task_list_with_its_reason(page, browser_login):
    w = world(ready=None)  # the employer has no payout account yet
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    incentives.incentive_claim_for_placement(placement=placement)
    browser_login(w.employer_user)
    page.goto("/employer/")
    page.get_by_role("heading", name="What needs doing").wait_for()
    tasks = page.locator("#tasks")
    assert "2 payments held: no payout account" in tasks.inner_text()
    assert "Action needed" in tasks.inner_text()
    assert "What is missing: no payout account" in page.locator("#incentives").inner_text()
    assert page.get_by_role("button", name="Set up payout account with Stripe").is_visible()
    assert_accessible(page, context="employer home task list")

    page.get_by_role("link", name="Incentives and payments").first.click()
    page.get_by_role("heading", name="How incentives work").wait_for()
    assert_accessible(page, context="incentives and how they work")


def test_an_employer_sets_up_the_payout_account_in_test_mode(page, browser_login, stripe_standin):
    w = world(ready=None)
    browser_login(w.employer_user)
    page.goto("/employer/")
    page.get_by_role("heading", name="What needs doing").wait_for()
    page.get_by_role("button", name="Set up payout account with Stripe").click()
    page.get_by_role("heading", name="Set up payouts").wait_for()
    assert "Test mode: no real money moves" in page.locator("main").inner_text()
    assert "Tees Components Ltd" in page.locator("main").inner_text()
    assert_accessible(page, context="the Stripe stand-in's onboarding page")

    page.get_by_role("button", name="Finish setting up payouts").click()
    page.get_by_role("heading", name="Your payout account is ready", level=2).wait_for()
    assert page.url.startswith(stripe_standin.return_url_prefix)
    assert StripeAccount.objects.get(employer=w.employer).payouts_enabled
    assert_accessible(page, context="back from Stripe: payout account ready")

    page.goto("/employer/")
    page.get_by_role("heading", name="What needs doing").wait_for()
    assert "Ready" in page.locator("#tasks").inner_text()
    assert "Ready" in page.locator("#payouts").inner_text()
    assert page.get_by_role("button", name="Set up payout account with Stripe").count() == 0
    assert_accessible(page, context="employer home with the payout account ready")


def test_an_employer_chooses_a_daily_digest(page, browser_login):
    w = world(ready=None)
    browser_login(w.employer_user)
    page.goto("/employer/")
    page.get_by_role("link", name="Choose which emails you get").click()
    page.get_by_role("heading", name="Choose which emails you get").wait_for()
    assert_accessible(page, context="email preferences")

    candidates = page.get_by_role("group", name=MessageKind.CANDIDATES.label)
    candidates.get_by_label("In one daily email").check()
    page.get_by_role("button", name="Save choices").click()
    page.get_by_text("Your choices are saved").wait_for()
    assert_accessible(page, context="email preferences saved")

    page.reload()
    group = page.get_by_role("group", name=MessageKind.CANDIDATES.label)
    assert group.get_by_label("In one daily email").is_checked()
    assert page.get_by_role("group", name=MessageKind.CHECKS.label).get_by_label(
        "Straight away").is_checked()
    assert NotificationPreference.objects.get(
        email=w.employer_user.email, kind=MessageKind.CANDIDATES).frequency == Frequency.DAILY
