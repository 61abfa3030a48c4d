"""An employer admin sets up the Stripe Connect account that incentives are paid into."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from brokerage.employers.models import MembershipRole
from brokerage.payments.models import StripeAccount
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.payments import StripeAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return EmployerMembershipFactory(role=MembershipRole.ADMIN)


def test_the_page_explains_what_to_do(login, admin, stripe_stub):
    response = login(admin.user).get(reverse("payments:employer_payouts"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Get paid: set up your payout account" in content
    assert "You have not set up a payout account yet" in content
    assert "Set up payout account with Stripe" in content
    assert stripe_stub.requests == []  # looking does not create anything


def test_pages_with_the_set_up_form_let_it_lead_to_stripe(login, admin, stripe_stub, settings):
    """Browsers check the redirect after a form against the page's form-action policy: the pages
    with the "Set up payout account" form allow Stripe's onboarding, and other pages do not."""
    client = login(admin.user)
    stripe_origin = settings.STRIPE_API_BASE.rstrip("/")
    for name in ("payments:employer_payouts", "employers:dashboard"):
        policy = client.get(reverse(name))["Content-Security-Policy"]
        form_action = next(part for part in policy.split(";") if "form-action" in part)
        assert stripe_origin in form_action and "'self'" in form_action, (name, form_action)
    other = client.get(reverse("opportunities:employer_list"))["Content-Security-Policy"]
    assert stripe_origin not in other


def test_starting_creates_one_account_and_sends_the_admin_to_stripe(login, admin, stripe_stub):
    client = login(admin.user)
    url = reverse("payments:employer_payouts_start", args=[admin.employer.pk])
    first = client.post(url)
    second = client.post(url)  # a double click

    assert first.status_code == second.status_code == 302
    assert first.url.startswith("https://connect.stripe.com/setup/")
    account = StripeAccount.objects.get()
    assert account.employer == admin.employer and account.account_id in stripe_stub.accounts
    assert len(stripe_stub.requests_to("POST", "/v1/accounts")) == 1
    (created,) = stripe_stub.requests_to("POST", "/v1/accounts")
    assert created.idempotency_key == f"portal-employer-{admin.employer.pk}-connect-account"
    links = stripe_stub.requests_to("POST", "/v1/account_links")
    assert len(links) == 2
    assert links[0].params["return_url"].endswith(
        reverse("payments:employer_payouts_return", args=[admin.employer.pk])
    )
    assert links[0].params["refresh_url"].endswith(
        reverse("payments:employer_payouts_refresh", args=[admin.employer.pk])
    )


def test_the_database_refuses_a_second_account_for_one_employer():
    existing = StripeAccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StripeAccount.objects.create(employer=existing.employer, account_id="acct_other")


def test_coming_back_from_stripe_shows_the_status_in_plain_english(login, admin, stripe_stub):
    client = login(admin.user)
    client.post(reverse("payments:employer_payouts_start", args=[admin.employer.pk]))
    return_url = reverse("payments:employer_payouts_return", args=[admin.employer.pk])

    response = client.get(return_url)
    assert "Stripe needs more details from you" in response.content.decode()
    assert "Continue with Stripe" in response.content.decode()

    stripe_stub.complete_onboarding(StripeAccount.objects.get().account_id)
    response = client.get(return_url)
    content = response.content.decode()
    assert "Your payout account is ready" in content
    assert "govuk-panel--confirmation" in content
    account = StripeAccount.objects.get()
    assert account.payouts_enabled and account.details_submitted


def test_an_expired_link_gets_a_new_one(login, admin, stripe_stub):
    client = login(admin.user)
    client.post(reverse("payments:employer_payouts_start", args=[admin.employer.pk]))
    response = client.get(reverse("payments:employer_payouts_refresh", args=[admin.employer.pk]))
    assert response.status_code == 302 and response.url.startswith("https://connect.stripe.com/")
    assert len(stripe_stub.requests_to("POST", "/v1/accounts")) == 1


def test_when_stripe_is_down_the_admin_is_told_and_nothing_is_saved(login, admin, stripe_stub):
    stripe_stub.fail_next(400, type="invalid_request_error", message="Your platform is not enabled")
    response = login(admin.user).post(
        reverse("payments:employer_payouts_start", args=[admin.employer.pk])
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and "Stripe refused the request" in content
    assert StripeAccount.objects.count() == 0


def test_another_organisations_payout_page_is_not_found(login, admin, stripe_stub):
    other = EmployerFactory()
    client = login(admin.user)
    for name in ("employer_payouts_organisation", "employer_payouts_return", "employer_payouts_refresh"):
        assert client.get(reverse(f"payments:{name}", args=[other.pk])).status_code == 404
    assert client.post(reverse("payments:employer_payouts_start", args=[other.pk])).status_code == 404
    assert StripeAccount.objects.count() == 0 and stripe_stub.requests == []


def test_a_member_who_is_not_an_admin_is_told_to_ask_an_admin(login, stripe_stub):
    member = EmployerMembershipFactory(role=MembershipRole.MEMBER)
    client = login(member.user)
    response = client.get(reverse("payments:employer_payouts"))
    assert "Only an admin can set up payouts" in response.content.decode()
    response = client.post(reverse("payments:employer_payouts_start", args=[member.employer.pk]))
    assert response.status_code == 403
    assert StripeAccount.objects.count() == 0


def test_an_admin_of_two_organisations_chooses(login, admin, stripe_stub):
    second = EmployerMembershipFactory(user=admin.user, role=MembershipRole.ADMIN)
    StripeAccountFactory(employer=second.employer)
    response = login(admin.user).get(reverse("payments:employer_payouts"))
    content = response.content.decode()
    assert escape(admin.employer.name) in content and escape(second.employer.name) in content
    assert "Ready" in content and "Not set up" in content


def test_staff_cannot_use_the_employer_pages(login, make_user, admin):
    client = login(make_user(Role.KEY_WORKER))
    assert client.get(reverse("payments:employer_payouts")).status_code == 403
    assert client.get(
        reverse("payments:employer_payouts_organisation", args=[admin.employer.pk])
    ).status_code == 403


def test_two_requests_that_both_reach_stripe_still_make_one_stripe_account(admin, stripe_stub):
    """Stripe is asked with a key derived from the employer, so it answers with one account."""
    from brokerage.payments.stripe.services import employer_payout_account_start

    first = employer_payout_account_start(employer=admin.employer, actor=admin.user)
    StripeAccount.objects.filter(pk=first.pk).delete()  # as if the other request had not committed
    second = employer_payout_account_start(employer=admin.employer, actor=admin.user)
    assert second.account_id == first.account_id
    assert len(stripe_stub.accounts) == 1
