"""A signed Stripe event about someone else's transfer changes nothing; finance see it on the
"needs attention" page, follow it up and record what they did. axe-core on every page."""

import copy

import pytest
from django.test import Client

from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.transfer_tasks import incentive_run_execute_task
from brokerage.payments.models import IncentivePayment, LedgerEntry
from tests.browser.helpers import assert_accessible
from tests.payments.conftest import _stripe_stub_server, stripe_stub  # noqa: F401 (fixtures)
from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db(transaction=True)


def test_finance_follow_up_an_event_that_does_not_match(page, browser_login, stripe_stub):  # noqa: F811
    w = world(stub=stripe_stub)
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(35))
    incentives.incentive_claims_sync()
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_check_due()
    run = incentives.payment_run_propose(actor=w.proposer)
    incentives.payment_run_approve(run=run, actor=w.approver)  # tasks run in-process: paid
    incentive_run_execute_task(run.pk)
    payment = IncentivePayment.objects.get(checkpoint_measure="job_starts_4w")
    transfer = copy.deepcopy(stripe_stub.transfers[payment.transfer_id])
    transfer.update(id="tr_elsewhere01", destination="acct_not_the_employer")
    payload = event_payload("transfer.paid", transfer)
    assert Client().post("/stripe/webhook/", data=payload, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=sign(payload)).status_code == 200
    assert LedgerEntry.objects.count() == 1, "the event changed nothing"

    browser_login(w.approver)
    page.goto("/payments/")
    page.get_by_text("1 payment needs attention.").wait_for()
    assert_accessible(page, context="payments home with something to look at")
    page.get_by_role("link", name="See what needs attention").click()
    page.get_by_role("heading", name="Payments that need attention").wait_for()
    assert page.get_by_text("it went to acct_not_the_employer").is_visible()
    assert_accessible(page, context="needs attention")

    page.get_by_role("link", name="Record what you did").click()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Enter what you found and did").wait_for()
    assert_accessible(page, context="record what you did, with an error")
    page.get_by_label("What did you find, and what did you do?").fill(
        "A test transfer from the sandbox integration; nothing to recover (FIN-7)."
    )
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Nothing needs attention.").wait_for()
    assert page.get_by_text("FIN-7").is_visible()
    assert_accessible(page, context="needs attention, dealt with")
