"""M1: a start leads to a validated stage; a second finance officer approves the run; Stripe
(the stub) records exactly one transfer; the webhook marks it paid; the employer sees "Paid".
Then finance claws the stage back (its checkpoint was wrong) and blocks the employer. axe-core
on every page."""

import pytest
from django.test import Client

from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import IncentivePayment, PaymentStatus
from tests.browser.helpers import assert_accessible
from tests.payments.conftest import _stripe_stub_server, stripe_stub  # noqa: F401 (fixtures)
from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_to_paid(page, browser_login, live_server, stripe_stub, context):  # noqa: F811
    w = world(stub=stripe_stub)
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(35))
    incentives.incentive_claims_sync()  # the beat task
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_check_due()  # the daily check
    payment = IncentivePayment.objects.get(checkpoint_measure="job_starts_4w")
    assert payment.status == PaymentStatus.DUE and payment.blocking_check == ""

    # The employer sees the stage checked and the next one not yet due.
    browser_login(w.employer_user)
    page.goto("/employer/incentives/")
    page.get_by_role("heading", name="Incentives and payments", level=1).wait_for()
    assert page.get_by_text("Checked: waiting for the next payment run").is_visible()
    assert_accessible(page, context="employer incentives before payment")

    # One finance officer proposes the run; they may not approve it.
    incentives.payment_run_propose(actor=w.proposer)
    context.clear_cookies()
    browser_login(w.proposer)
    page.goto("/payments/")
    page.get_by_role("link", name="Employer incentive payment runs").click()
    page.get_by_role("heading", name="Payment runs").wait_for()
    assert_accessible(page, context="payment runs")
    page.get_by_role("link", name="Review run").click()
    assert page.get_by_text("You proposed this run, so another finance officer must approve it.").is_visible()
    assert_accessible(page, context="run as its proposer")

    # A second finance officer approves it.
    context.clear_cookies()
    browser_login(w.approver)
    page.reload()
    assert page.get_by_text("Tees Components Ltd: £750.00").is_visible()
    page.get_by_role("button", name="Approve and pay £750.00").click()
    page.get_by_text("approved. The payments are being sent through Stripe.").wait_for()
    assert_accessible(page, context="run approved")
    assert len(stripe_stub.requests_to("POST", "/v1/transfers")) == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.transfer_id in stripe_stub.transfers

    # Stripe's webhook confirms the transfer.
    payload = event_payload("transfer.paid", stripe_stub.transfers[payment.transfer_id])
    response = Client().post("/stripe/webhook/", data=payload, content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID

    context.clear_cookies()
    browser_login(w.employer_user)
    page.goto("/employer/incentives/")
    page.get_by_text("Paid", exact=True).wait_for()
    assert_accessible(page, context="employer incentives after payment")
    assert len(stripe_stub.transfers) == 1

    # The 4-week check turns out to be wrong: finance claws the stage back and blocks payments.
    context.clear_cookies()
    browser_login(w.approver)
    page.goto(f"/payments/incentives/{payment.claim_id}/")
    assert_accessible(page, context="claim with a paid stage")
    page.get_by_role("link", name=f"Claw back {payment.reference}").click()
    assert_accessible(page, context="claw back")
    page.get_by_label("Reason").fill("Payslips show the person left in week 2")
    page.get_by_label("Reference").fill("AUD-3")
    page.get_by_role("button", name="Record the clawback").click()
    page.get_by_text(f"A clawback of £750.00 is recorded for {payment.reference}").wait_for()
    assert_accessible(page, context="claim with a clawback")
    page.get_by_role("link", name="Block payments to Tees Components Ltd").click()
    assert_accessible(page, context="block an employer")
    page.get_by_label("Reason").fill("Fraud referral")
    page.get_by_label("Reference").fill("FR-12")
    page.get_by_role("button", name="Block payments").click()
    page.get_by_text("Incentive payments to Tees Components Ltd are blocked.").wait_for()
    assert_accessible(page, context="employer blocked")
