"""Incentive payments to a company Companies House lists as dissolved or in liquidation are held,
with the reason shown to finance."""

import pytest
from django.core.exceptions import ValidationError

from brokerage.employers.companies_house_standin import CompaniesHouseStandIn, serve
from brokerage.employers.services import employer_companies_house_check
from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.checks import Check
from brokerage.payments.models import PaymentStatus
from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings):
    server = serve()
    settings.COMPANIES_HOUSE_API_URL = server.url
    settings.COMPANIES_HOUSE_API_KEY = "test-key"
    yield server.standin
    server.stop()


def _payment(w):
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_mark_due()
    return claim.payments.get(checkpoint_measure="job_starts_4w")


def _status(standin: CompaniesHouseStandIn, employer, status: str) -> None:
    standin.companies["08412736"]["company_status"] = status
    employer.companies_house_number = "08412736"
    employer.save()
    employer_companies_house_check(employer=employer)
    employer.refresh_from_db()


@pytest.mark.parametrize("status, words", [
    ("dissolved", "as dissolved"), ("liquidation", "as in liquidation"),
])
def test_payment_to_a_company_not_trading_fails_its_check_with_the_reason(standin, status, words):
    w = world()
    payment = _payment(w)
    _status(standin, w.employer, status)
    [result] = [r for r in incentives.incentive_payment_checks(payment)
                if r.check == Check.COMPANY_TRADING]
    assert not result.passed
    assert result.label == "Company still trading (Companies House)"
    assert result.detail.startswith("Companies House lists TEES COMPONENTS LTD (08412736) " + words)
    assert result.detail.endswith("payments to it are held")


def test_an_active_or_unchecked_company_passes(standin):
    w = world()
    payment = _payment(w)
    assert all(r.passed for r in incentives.incentive_payment_checks(payment))
    _status(standin, w.employer, "active")
    assert all(r.passed for r in incentives.incentive_payment_checks(payment))


def test_a_dissolved_companys_payment_is_held_at_approval_and_finance_sees_why(
    standin, stripe_stub, client, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    payment = _payment(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    payment.refresh_from_db()
    assert payment.run == run

    _status(standin, w.employer, "dissolved")  # dissolved after the run was proposed
    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(ValidationError, match="Nothing was approved"):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE and payment.run is None
    assert payment.blocking_check == Check.COMPANY_TRADING
    assert stripe_stub.transfers == {}  # no money went to the dissolved company

    client.force_login(w.approver)
    page = client.get(f"/payments/runs/{run.pk}/").content.decode()
    assert "Company still trading (Companies House)" in page
    assert "Companies House lists TEES COMPONENTS LTD (08412736) as dissolved" in page
