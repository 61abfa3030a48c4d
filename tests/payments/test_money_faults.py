"""Money that survives crashes, lying events and insiders (issue 16).

Each test breaks something on the way money moves (the process dies between Stripe's answer and
the commit, a webhook arrives in that gap, the broker is down at approval, Stripe has forgotten
the idempotency key, a signed event is about someone else's transfer, reversals come in pieces,
a card is cancelled while it is being made) and ends with ``assert_money_adds_up``: for every
payment, card and spend, Stripe, the ledger and the portal's record agree, each once.

Dying is simulated in-process by raising ``SystemExit`` inside the database transaction right
after Stripe answered (nothing the portal wrote in that transaction survives); on PostgreSQL with
Redis, ``test_a_real_worker_killed_mid_transfer_is_finished_by_the_next_worker`` kills a real
worker process with SIGKILL while Stripe's answer is on its way.
"""

import copy
import datetime
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from brokerage.payments.fund import services as fund
from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives import transfers
from brokerage.payments.incentives.transfer_tasks import incentive_run_execute_task
from brokerage.payments.models import (
    AttentionCode,
    ClawbackReason,
    ClawbackStatus,
    FundRequest,
    FundRequestStatus,
    IncentivePayment,
    IntentState,
    LedgerEntry,
    LedgerKind,
    MoneyAttention,
    MoneyIntent,
    PaymentStatus,
    RunStatus,
    StripeEvent,
    StripeTransfer,
)
from brokerage.payments.stripe import gateway, webhooks
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit
from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world
from tests.payments.money_invariants import assert_money_adds_up
from tests.payments.stub import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, event_payload, sign

pytestmark = pytest.mark.django_db

STAGE_PENCE = 75_000  # half of the £1,500 for a participant aged 25 or over
LATER = datetime.timedelta(minutes=10)  # past recovery's grace period


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """Run what a transaction queues for after its commit (tasks run in-process in tests)."""
    return django_capture_on_commit_callbacks


class WorkerDied(SystemExit):
    """What the process dying looks like to the code it was running: nothing after it runs."""


def _dies_after(monkeypatch, name: str):
    """Make ``gateway.<name>`` do its work in Stripe, then the process die before the commit."""
    real = getattr(gateway, name)

    def call_then_die(*args, **kwargs):
        real(*args, **kwargs)
        raise WorkerDied(f"killed after {name}")

    monkeypatch.setattr(gateway, name, call_then_die)
    return lambda: monkeypatch.setattr(gateway, name, real)


def _recover(*, later: datetime.timedelta = LATER) -> int:
    from brokerage.payments.outbox.recovery import money_intents_recover

    return money_intents_recover(now=timezone.now() + later)


def _due_payment(w) -> IncentivePayment:
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_mark_due()
    return claim.payments.get(checkpoint_measure="job_starts_4w")


def _approved_not_sent(w, capture):
    """A run approved by a second finance officer, its task not run yet."""
    payment = _due_payment(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with capture(execute=False):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    return run, payment


def _crash_after_transfer(w, stub, monkeypatch, capture):
    """The worker running the approved run dies after Stripe made the transfer, before the
    commit."""
    run, payment = _approved_not_sent(w, capture)
    restore = _dies_after(monkeypatch, "transfer_create")
    with pytest.raises(WorkerDied):
        incentive_run_execute_task(run.pk)
    restore()
    payment.refresh_from_db()
    assert len(stub.transfers) == 1, "Stripe made the transfer"
    assert (payment.status, payment.transfer_id) == (PaymentStatus.APPROVED, ""), "never heard"
    assert not LedgerEntry.objects.exists()
    return run, payment, next(iter(stub.transfers.values()))


def _deliver(client, capture, payload: bytes):
    with capture(execute=True):
        response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 200
    return response


def _claim_url(payment) -> str:
    return reverse("payments:incentive_claim", args=[payment.claim_id])


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- the worker dies between Stripe and the commit ---------------------------------------------


def test_a_worker_that_dies_after_stripe_paid_is_finished_by_recovery_once(
    client, stripe_stub, monkeypatch, capture
):
    w = world(stub=stripe_stub)
    run, payment, transfer = _crash_after_transfer(w, stripe_stub, monkeypatch, capture)
    intent = MoneyIntent.objects.get(payment=payment)
    assert intent.state == IntentState.SENDING, "written down before Stripe was asked, so not lost"

    assert _recover(later=datetime.timedelta(0)) == 0, "a worker may still be on it: left alone"
    assert _recover() == 1
    assert _recover() == 0, "nothing left to do"

    payment.refresh_from_db()
    assert payment.transfer_id == transfer["id"] and payment.status == PaymentStatus.APPROVED
    posts = stripe_stub.requests_to("POST", "/v1/transfers")
    key = f"incentive-payment-{payment.pk}"
    assert [p.idempotency_key for p in posts] == [key, key], "asked again with the same key"
    assert len(stripe_stub.transfers) == 1, "and Stripe answered with the transfer it had made"
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_pence, entry.created_by) == (
        LedgerKind.INCENTIVE_PAYMENT, STAGE_PENCE, w.approver)

    # What finance see: the payment carries Stripe's transfer, and the ledger has it once.
    claim_page = _page(client, w.proposer, _claim_url(payment))
    assert transfer["id"] in claim_page
    ledger_page = _page(client, w.proposer, reverse("payments:home"))
    assert ledger_page.count(transfer["id"]) == 1 and "£750.00" in ledger_page
    assert_money_adds_up(stripe_stub)


def test_the_redelivered_task_finishes_the_transfer_instead_of_paying_again(
    stripe_stub, monkeypatch, capture
):
    """acks_late + reject_on_worker_lost: the broker hands the task to another worker."""
    w = world(stub=stripe_stub)
    run, payment, transfer = _crash_after_transfer(w, stripe_stub, monkeypatch, capture)
    assert incentive_run_execute_task.acks_late and incentive_run_execute_task.reject_on_worker_lost
    incentive_run_execute_task(run.pk)
    payment.refresh_from_db()
    assert payment.transfer_id == transfer["id"] and len(stripe_stub.transfers) == 1
    assert_money_adds_up(stripe_stub)


def test_days_later_stripe_is_asked_for_the_transfer_before_anything_is_paid_again(
    stripe_stub, monkeypatch, capture
):
    """Stripe forgets idempotency keys after about 24 hours: the same key would pay twice."""
    w = world(stub=stripe_stub)
    run, payment, transfer = _crash_after_transfer(w, stripe_stub, monkeypatch, capture)
    stripe_stub.forget_idempotency_keys()

    assert _recover(later=datetime.timedelta(days=3)) == 1
    payment.refresh_from_db()
    assert payment.transfer_id == transfer["id"]
    assert len(stripe_stub.requests_to("POST", "/v1/transfers")) == 1, "nothing was sent again"
    [listing] = stripe_stub.requests_to("GET", "/v1/transfers")
    assert listing.params["transfer_group"] == f"incentive-run-{run.pk}"
    assert len(stripe_stub.transfers) == 1
    assert_money_adds_up(stripe_stub)


def test_days_later_a_transfer_stripe_never_made_is_made_once(stripe_stub, capture):
    w = world(stub=stripe_stub)
    run, payment = _approved_not_sent(w, capture)
    for _ in range(3):  # the request and the library's two retries never reach Stripe
        stripe_stub.fail_next(500, path_prefix="/v1/transfers")
    with pytest.raises(gateway.PaymentProviderUnavailable):
        transfers.incentive_payment_transfer(payment_id=payment.pk)
    assert MoneyIntent.objects.get(payment=payment).state == IntentState.SENDING
    stripe_stub.forget_idempotency_keys()

    _recover(later=datetime.timedelta(days=3))
    payment.refresh_from_db()
    assert len(stripe_stub.transfers) == 1 and payment.transfer_id in stripe_stub.transfers
    assert len(stripe_stub.requests_to("GET", "/v1/transfers")) == 1, "looked for it first"
    assert_money_adds_up(stripe_stub)


def test_a_transfer_stripe_keeps_failing_to_answer_is_shown_to_finance(
    client, stripe_stub, capture
):
    w = world(stub=stripe_stub)
    run, payment = _approved_not_sent(w, capture)
    for _ in range(6):  # two attempts, each the request and the library's two retries
        stripe_stub.fail_next(500, path_prefix="/v1/transfers")
    with pytest.raises(gateway.PaymentProviderUnavailable):
        transfers.incentive_payment_transfer(payment_id=payment.pk)
    MoneyIntent.objects.filter(payment=payment).update(attempts=11)  # an hour of trying
    _recover()
    intent = MoneyIntent.objects.get(payment=payment)
    assert intent.state == IntentState.SENDING and intent.attempts == 12
    flag = MoneyAttention.objects.get()
    assert flag.code == AttentionCode.STUCK and flag.payment == payment
    page = _page(client, w.approver, reverse("payments:needs_attention"))
    assert payment.reference in page and "after 12 attempts" in page

    _recover()  # Stripe is back: the transfer is made once, and the flag stays for the record
    payment.refresh_from_db()
    assert payment.transfer_id in stripe_stub.transfers and MoneyAttention.objects.count() == 1
    assert_money_adds_up(stripe_stub)


# --- the webhook arrives in that gap -------------------------------------------------------------


def test_the_webhook_in_the_gap_records_the_payment_and_its_ledger_entry_once(
    client, stripe_stub, monkeypatch, capture
):
    w = world(stub=stripe_stub)
    run, payment, transfer = _crash_after_transfer(w, stripe_stub, monkeypatch, capture)
    _deliver(client, capture, event_payload("transfer.paid", transfer))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.transfer_id == transfer["id"]
    assert LedgerEntry.objects.get().amount_pence == STAGE_PENCE, "the money is in the ledger"
    assert MoneyIntent.objects.get(payment=payment).state == IntentState.CONFIRMED

    # The worker's task comes back, and recovery runs: neither pays nor records it again.
    incentive_run_execute_task(run.pk)
    assert _recover() == 0
    _deliver(client, capture, event_payload("transfer.paid", transfer))
    assert LedgerEntry.objects.count() == 1 and len(stripe_stub.transfers) == 1
    employer_page = _page(client, w.employer_user, reverse("payments:employer_incentives"))
    assert "Paid" in employer_page
    assert_money_adds_up(stripe_stub)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_webhook_waits_for_a_live_worker_still_recording_the_transfer(stripe_stub):
    """The worker is alive, between Stripe's answer and its commit, when the webhook comes."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections waiting on a row lock need PostgreSQL")
    w = world(stub=stripe_stub)
    payment = _due_payment(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    from brokerage.payments.incentives import transfer_tasks

    original = transfer_tasks.incentive_run_execute_task.delay
    # The test is the worker.
    transfer_tasks.incentive_run_execute_task.delay = lambda *a, **k: None
    try:
        incentives.payment_run_approve(run=run, actor=w.approver)
    finally:
        transfer_tasks.incentive_run_execute_task.delay = original
    hold = stripe_stub.hold("POST", "/v1/transfers")
    outcomes = {}

    def worker():
        try:
            outcomes["worker"] = transfers.incentive_payment_transfer(payment_id=payment.pk)
        finally:
            connection.close()

    def webhook():
        try:
            transfer = next(iter(stripe_stub.transfers.values()))
            event = StripeEvent.objects.create(event_id="evt_gap", type="transfer.paid",
                                               payload=json_event("transfer.paid", transfer))
            outcomes["webhook"] = webhooks.stripe_event_handle(event_pk=event.pk)
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert hold.reached.wait(timeout=30), "the worker asked Stripe"
    second = threading.Thread(target=webhook)
    second.start()
    time.sleep(0.5)  # the webhook is now waiting on the payment row the worker holds
    hold.released.set()
    first.join(timeout=60)
    second.join(timeout=60)

    payment.refresh_from_db()
    assert outcomes["webhook"].processed_at is not None
    assert payment.status == PaymentStatus.PAID and payment.transfer_id in stripe_stub.transfers
    assert LedgerEntry.objects.filter(kind=LedgerKind.INCENTIVE_PAYMENT).count() == 1
    assert not MoneyAttention.objects.exists(), "the worker's own transfer is not a foreign one"
    assert_money_adds_up(stripe_stub)


def json_event(event_type: str, obj: dict) -> dict:
    import json

    return json.loads(event_payload(event_type, obj))


# --- the broker is down at approval ---------------------------------------------------------------


def test_a_run_approved_while_the_broker_is_down_is_sent_by_recovery(
    client, stripe_stub, monkeypatch, capture
):
    from kombu.exceptions import OperationalError

    from brokerage.payments.outbox.tasks import money_intents_recover_task

    w = world(stub=stripe_stub)
    payment = _due_payment(w)
    run = incentives.payment_run_propose(actor=w.proposer)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(incentive_run_execute_task, "delay", broker_down)
    client.force_login(w.approver)
    with capture(execute=True):
        response = client.post(reverse("payments:incentive_run_approve", args=[run.pk]),
                               {"total_pence": str(run.total_pence)})
    assert response.status_code == 302, "the approver is not shown an error: the approval is kept"
    run.refresh_from_db()
    payment.refresh_from_db()
    assert run.status == RunStatus.APPROVED and payment.status == PaymentStatus.APPROVED
    assert stripe_stub.transfers == {}, "nothing was sent: the hand-off to the broker failed"

    # The beat task, a few minutes later.
    IncentivePayment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - LATER)
    assert money_intents_recover_task() == 1
    payment.refresh_from_db()
    assert payment.transfer_id in stripe_stub.transfers and len(stripe_stub.transfers) == 1
    run_page = _page(client, w.approver, _claim_url(payment))
    assert payment.transfer_id in run_page
    assert money_intents_recover_task() == 0
    assert_money_adds_up(stripe_stub)


def test_recovery_runs_every_few_minutes_and_when_a_worker_starts(monkeypatch):
    from celery.signals import worker_ready

    from brokerage.payments.beat import SCHEDULE
    from brokerage.payments.fund.tasks import fund_request_pay_task
    from brokerage.payments.outbox import recovery
    from brokerage.payments.outbox import tasks as outbox_tasks
    from brokerage.payments.stripe.tasks import stripe_event_handle_task

    entry = SCHEDULE["payments-money-intents-recover"]
    assert entry["task"] == "brokerage.payments.outbox_tasks.money_intents_recover_task"
    assert entry["schedule"].minute == set(range(0, 60, 5))
    calls = []
    monkeypatch.setattr(recovery, "money_intents_recover", lambda **kwargs: calls.append(kwargs) or 0)
    worker_ready.send(sender=None)
    assert calls == [{"grace": datetime.timedelta(0)}], "a new worker finishes a dead one's work"
    for task in (incentive_run_execute_task, fund_request_pay_task, stripe_event_handle_task,
                 outbox_tasks.money_intent_send_task, outbox_tasks.money_intents_recover_task):
        assert task.acks_late and task.reject_on_worker_lost, task.name


# --- a signed event about someone else's transfer ------------------------------------------------


def _foreign(transfer: dict, how: str) -> bytes:
    obj = copy.deepcopy(transfer)
    obj["id"] = "tr_foreign0001"
    event = json_event("transfer.paid", obj)
    if how == "destination":
        obj["destination"] = "acct_someone_else"
    elif how == "amount":
        obj["amount"] = transfer["amount"] * 10
    elif how == "connected_account":
        event["account"] = "acct_connected_1"
    elif how == "live_mode":
        obj["livemode"] = True
        event["livemode"] = True
    event["data"]["object"] = obj
    import json

    return json.dumps(event).encode()


REASONS = {
    "destination": "it went to acct_someone_else, not to acct_",
    "amount": "it was for £7,500.00, not £750.00",
    "connected_account": "it came from the connected account acct_connected_1",
    "live_mode": "it is from Stripe&#x27;s live mode, but the portal uses test keys",
}


@pytest.mark.parametrize("how", list(REASONS))
def test_a_foreign_event_in_the_gap_changes_nothing_and_is_shown_to_finance(
    client, stripe_stub, monkeypatch, capture, how
):
    w = world(stub=stripe_stub)
    run, payment, transfer = _crash_after_transfer(w, stripe_stub, monkeypatch, capture)
    payload = _foreign(transfer, how)
    _deliver(client, capture, payload)

    payment.refresh_from_db()
    assert (payment.status, payment.transfer_id) == (PaymentStatus.APPROVED, ""), "not marked paid"
    assert not LedgerEntry.objects.exists() and not StripeTransfer.objects.exists()
    event = StripeEvent.objects.get()
    assert event.processed_at is not None, "stored and handled: Stripe need not send it again"
    flag = MoneyAttention.objects.get()
    assert (flag.code, flag.event, flag.reference) == (
        AttentionCode.EVENT_MISMATCH, event, event.event_id)

    page = _page(client, w.approver, reverse("payments:needs_attention"))
    assert event.event_id in page and payment.reference in page and REASONS[how] in page
    home = _page(client, w.approver, reverse("payments:home"))
    assert "1 payment needs attention" in home
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    assert client.get(reverse("payments:needs_attention")).status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR))
    assert client.get(reverse("payments:needs_attention")).status_code == 403

    _deliver(client, capture, payload)  # Stripe sends it again
    assert MoneyAttention.objects.count() == 1

    assert _recover() == 1  # the portal's own transfer is found and recorded, once
    payment.refresh_from_db()
    assert payment.transfer_id == transfer["id"]
    assert_money_adds_up(stripe_stub)


def test_an_event_naming_a_paid_payment_with_another_transfer_changes_nothing(
    client, stripe_stub, capture
):
    w = world(stub=stripe_stub)
    run, payment = _approved_not_sent(w, capture)
    incentive_run_execute_task(run.pk)
    payment.refresh_from_db()
    transfer = stripe_stub.transfers[payment.transfer_id]
    other = copy.deepcopy(transfer)
    other["id"] = "tr_insider0001"  # same payee, same amount, same metadata: made by someone else
    _deliver(client, capture, event_payload("transfer.paid", other))

    payment.refresh_from_db()
    assert payment.transfer_id == transfer["id"] and payment.status == PaymentStatus.APPROVED
    assert LedgerEntry.objects.count() == 1
    flag = MoneyAttention.objects.get()
    assert f"{payment.reference} was paid by transfer {transfer['id']}" in flag.reason
    page = _page(client, w.approver, reverse("payments:needs_attention"))
    assert "tr_insider0001" in page

    client.force_login(w.approver)
    response = client.post(reverse("payments:attention_resolve", args=[flag.pk]), {"note": ""})
    assert response.status_code == 400
    assert "Enter what you found and did" in response.content.decode()
    client.post(reverse("payments:attention_resolve", args=[flag.pk]),
                {"note": "Made by mistake in the dashboard; reversed (FIN-12)."})
    flag.refresh_from_db()
    assert flag.resolved_by == w.approver
    page = _page(client, w.approver, reverse("payments:needs_attention"))
    assert "Nothing needs attention" in page and "FIN-12" in page
    assert_money_adds_up(stripe_stub)


# --- reversals and failures ----------------------------------------------------------------------


def _paid(w, stub, client, capture):
    run, payment = _approved_not_sent(w, capture)
    incentive_run_execute_task(run.pk)
    payment.refresh_from_db()
    _deliver(client, capture, event_payload("transfer.paid", stub.transfers[payment.transfer_id]))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    return payment


def test_two_partial_reversals_are_two_recoveries_and_the_clawback_shows_the_total(
    client, stripe_stub, capture
):
    w = world(stub=stripe_stub)
    payment = _paid(w, stripe_stub, client, capture)
    snapshots = []
    # A finance officer reverses part of it in the dashboard, twice.
    for pence_back in (30_000, 20_000):
        gateway.transfer_reversal_create(transfer_id=payment.transfer_id, amount_pence=pence_back,
                                         idempotency_key=f"dashboard-{pence_back}")
        snapshots.append(copy.deepcopy(stripe_stub.transfers[payment.transfer_id]))
    for snapshot in (snapshots[0], snapshots[1], snapshots[0]):  # and the first event comes twice
        _deliver(client, capture, event_payload("transfer.reversed", snapshot))

    back = LedgerEntry.objects.filter(kind=LedgerKind.TRANSFER_REVERSAL).order_by("amount_pence")
    assert [e.amount_pence for e in back] == [-30_000, -20_000]
    clawback = IncentivePayment.objects.get(pk=payment.pk).clawback
    assert (clawback.reason, clawback.status, clawback.amount_pence) == (
        ClawbackReason.STRIPE_REVERSAL, ClawbackStatus.RECOVERED, 50_000)
    claim_page = _page(client, w.approver, _claim_url(payment))
    assert "Clawback: Recovered £500.00" in claim_page
    ledger_page = _page(client, w.approver, reverse("payments:home"))
    assert "-£500.00" in ledger_page  # came back
    assert_money_adds_up(stripe_stub)


def test_a_failed_transfer_gives_its_money_back_in_the_ledger_whatever_comes_next(
    client, stripe_stub, capture
):
    w = world(stub=stripe_stub)
    payment = _paid(w, stripe_stub, client, capture)
    transfer = stripe_stub.transfers[payment.transfer_id]
    for event_type in ("transfer.failed", "transfer.failed", "transfer.paid", "transfer.updated"):
        _deliver(client, capture, event_payload(event_type, transfer))

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    failed = LedgerEntry.objects.get(kind=LedgerKind.TRANSFER_FAILED)
    assert (failed.amount_pence, failed.stripe_object_id, failed.source_id) == (
        -STAGE_PENCE, transfer["id"], str(payment.pk))
    assert sum(e.amount_pence for e in LedgerEntry.objects.all()) == 0
    ledger_page = _page(client, w.approver, reverse("payments:home"))
    assert "Transfer failed (money returned)" in ledger_page
    claim_page = _page(client, w.approver, _claim_url(payment))
    assert "the money came back to the programme" in claim_page
    assert_money_adds_up(stripe_stub)


# --- flexible fund cards -------------------------------------------------------------------------


@pytest.fixture
def card_in_the_gap(stripe_stub, monkeypatch):
    """An approved card request whose card Stripe made just before the worker died."""
    participant, key_worker, coordinator, budget, _ = fund_world()
    request = submit(participant, key_worker, amount_pence=6_000)
    fund._cardholder_for(key_worker)
    restore = _dies_after(monkeypatch, "issuing_card_create")
    with pytest.raises(WorkerDied):
        fund.fund_request_pay(fund_request=request, actor=key_worker)
    restore()
    request.refresh_from_db()
    [card] = stripe_stub.cards.values()
    assert card["status"] == "active"
    assert request.status == FundRequestStatus.APPROVED and request.card_id == ""
    return request, key_worker, card


def _cancel_on_the_page(client, request, key_worker, capture):
    client.force_login(key_worker)
    url = reverse("payments:fund_request_detail", args=[request.participant.reference, request.pk])
    with capture(execute=True):
        response = client.post(url, {"action": "cancel"})
    assert response.status_code == 302
    return url


def test_cancelling_a_request_whose_card_was_made_in_the_gap_cancels_the_card(
    client, stripe_stub, card_in_the_gap, capture
):
    request, key_worker, card = card_in_the_gap
    url = _cancel_on_the_page(client, request, key_worker, capture)

    request.refresh_from_db()
    assert request.status == FundRequestStatus.CANCELLED and request.card_id == card["id"]
    assert stripe_stub.cards[card["id"]]["status"] == "canceled", "the card cannot be used any more"
    assert request.budget.__class__.objects.get(pk=request.budget_id).committed_pence == 0
    assert "Cancelled" in _page(client, key_worker, url)
    assert_money_adds_up(stripe_stub)


def test_spend_on_a_cancelled_requests_card_reaches_the_ledger_and_finance(
    client, stripe_stub, card_in_the_gap, capture
):
    request, key_worker, card = card_in_the_gap
    _cancel_on_the_page(client, request, key_worker, capture)
    # Bought with the card before Stripe had cancelled it; the capture comes later.
    spend = stripe_stub.add_issuing_transaction(card_id=card["id"], amount_pence=4_599)
    _deliver(client, capture, event_payload("issuing_transaction.created", spend))

    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_pence, entry.source_id) == (
        LedgerKind.FUND_CARD, 4_599, str(request.pk))
    flag = MoneyAttention.objects.get()
    assert flag.code == AttentionCode.CARD_SPEND_AFTER_CANCEL and flag.fund_request_id == request.pk
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    page = _page(client, finance, reverse("payments:needs_attention"))
    assert request.reference in page and "£45.99" in page
    assert "after the request was cancelled" in page
    assert_money_adds_up(stripe_stub)


def test_spend_in_the_gap_reaches_the_ledger_before_recovery_has_run(
    client, stripe_stub, card_in_the_gap, capture
):
    request, key_worker, card = card_in_the_gap
    spend = stripe_stub.add_issuing_transaction(card_id=card["id"], amount_pence=4_599)
    _deliver(client, capture, event_payload("issuing_transaction.created", spend))

    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID and request.card_id == card["id"]
    assert request.spent_pence == 4_599
    assert LedgerEntry.objects.get().amount_pence == 4_599
    assert stripe_stub.cards[card["id"]]["status"] == "canceled", "single use"
    assert _recover() == 0
    assert_money_adds_up(stripe_stub)


def test_a_card_cancel_that_fails_is_tried_again_by_recovery(
    client, stripe_stub, card_in_the_gap, capture
):
    request, key_worker, card = card_in_the_gap
    stripe_stub.fail_next(400, type="invalid_request_error", message="Issuing is busy",
                          path_prefix=f"/v1/issuing/cards/{card['id']}")
    _cancel_on_the_page(client, request, key_worker, capture)
    assert stripe_stub.cards[card["id"]]["status"] == "active", "the cancel call failed"
    cancel = MoneyIntent.objects.get(fund_request=request, kind="fund_card_cancel")
    assert cancel.state == IntentState.SENDING and "Issuing is busy" in cancel.last_error

    assert _recover() == 1
    assert stripe_stub.cards[card["id"]]["status"] == "canceled"
    assert_money_adds_up(stripe_stub)


def test_a_card_request_cancelled_before_anything_was_sent_never_makes_a_card(stripe_stub):
    participant, key_worker, _, _, _ = fund_world()
    request = submit(participant, key_worker, amount_pence=6_000)
    from brokerage.payments.models import IntentKind
    from brokerage.payments.outbox import services as outbox

    with fund.transaction.atomic():
        locked = FundRequest.objects.get(pk=request.pk)
        intent = outbox.fund_intent_create(
            fund_request=locked, kind=IntentKind.FUND_CARD, metadata={},
            destination=fund._cardholder_for(key_worker),
        )
    fund.fund_request_cancel(fund_request=request, actor=key_worker)
    outbox.money_intent_send(intent_id=intent.pk)
    intent.refresh_from_db()
    assert intent.state == IntentState.CANCELLED and stripe_stub.cards == {}
    assert_money_adds_up(stripe_stub)


# --- the Stripe API version is pinned -------------------------------------------------------------


def test_every_request_names_the_pinned_api_version(stripe_stub):
    import stripe

    assert settings.STRIPE_API_VERSION == "2026-10-28.endive"
    assert settings.STRIPE_API_VERSION == stripe.api_version, (
        "the stripe library was upgraded: read Stripe's changelog, then move STRIPE_API_VERSION "
        "with it")
    account = stripe_stub.add_account()
    gateway.connected_account_retrieve(account["id"])
    assert stripe_stub.requests[-1].headers["stripe-version"] == settings.STRIPE_API_VERSION


# --- a real worker, killed ------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_killed_mid_transfer_is_finished_by_the_next_worker(
    stripe_stub, _stripe_stub_server, monkeypatch, tmp_path
):
    """SIGKILL a worker while Stripe's answer is on its way; the next worker to start pays once."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database on PostgreSQL only")
    from tests.test_celery_worker import real_worker

    w = world(stub=stripe_stub)
    payment = _due_payment(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    # The broker lost the hand-off.
    monkeypatch.setattr(incentive_run_execute_task, "delay", lambda *a, **k: None)
    incentives.payment_run_approve(run=run, actor=w.approver)

    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "STRIPE_API_BASE": _stripe_stub_server.url, "STRIPE_SECRET_KEY": TEST_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": TEST_WEBHOOK_SECRET,
    }
    hold = stripe_stub.hold("POST", "/v1/transfers")
    with real_worker(tmp_path / "first.log", extra_env=env) as first:
        # Starting, the worker finds the approved payment nobody sent, and asks Stripe.
        if not hold.reached.wait(timeout=120):
            log = Path(first["log"]).read_text()[-3000:]
            pytest.fail(f"the first worker never asked Stripe:\n{log}")
        first["process"].kill()  # SIGKILL: no clean-up, no commit
        first["process"].wait(timeout=30)
        hold.released.set()
    payment.refresh_from_db()
    assert len(stripe_stub.transfers) == 1, "Stripe made the transfer"
    assert (payment.status, payment.transfer_id) == (PaymentStatus.APPROVED, ""), "it died first"
    assert MoneyIntent.objects.get(payment=payment).state == IntentState.SENDING

    with real_worker(tmp_path / "second.log", extra_env=env) as second:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            payment.refresh_from_db()
            if payment.transfer_id:
                break
            time.sleep(0.5)
        else:
            log = Path(second["log"]).read_text()[-3000:]
            pytest.fail(f"the next worker did not finish the payment:\n{log}")
    assert payment.transfer_id in stripe_stub.transfers and len(stripe_stub.transfers) == 1
    assert LedgerEntry.objects.get().amount_pence == STAGE_PENCE
    assert_money_adds_up(stripe_stub)
