"""/stripe/webhook/: verified on the raw body, stored once, handled once, in any order."""

import datetime
import json
import time

import pytest
from django.urls import reverse

from brokerage.payments.models import LedgerEntry, LedgerKind, StripeEvent, StripeTransfer
from tests.factories.payments import LedgerEntryFactory, StripeAccountFactory
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db

URL = "/stripe/webhook/"


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """deliver(payload) posts it as Stripe would, runs the queued task, returns the response."""

    def _deliver(payload: bytes, signature: str | None = None):
        headers = {"HTTP_STRIPE_SIGNATURE": sign(payload) if signature is None else signature}
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(URL, data=payload, content_type="application/json", **headers)
        response.callbacks = callbacks
        return response

    return _deliver


def _account(account_id, *, ready: bool) -> dict:
    return {
        "id": account_id, "object": "account", "charges_enabled": ready, "payouts_enabled": ready,
        "details_submitted": ready,
        "requirements": {"currently_due": [] if ready else ["external_account"], "past_due": [],
                         "disabled_reason": None if ready else "requirements.past_due"},
    }


def _transfer(transfer_id, *, amount=50_000, reversals=()) -> dict:
    reversed_total = sum(r["amount"] for r in reversals)
    return {
        "id": transfer_id, "object": "transfer", "amount": amount, "currency": "gbp",
        "destination": "acct_dest", "amount_reversed": reversed_total,
        "reversed": reversed_total == amount, "metadata": {"payment_id": "1"},
        "reversals": {"object": "list", "data": list(reversals), "has_more": False},
    }


def test_url_name():
    assert reverse("payments:stripe_webhook") == URL


@pytest.mark.parametrize(
    "signature",
    [
        "",  # missing
        "t=123,v1=deadbeef",  # wrong
        "nonsense",
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(deliver, signature):
    payload = event_payload("account.updated", _account("acct_1", ready=True))
    response = deliver(payload, signature=signature)
    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0


def test_signed_with_another_secret_or_too_old_is_refused(deliver):
    payload = event_payload("account.updated", _account("acct_1", ready=True))
    assert deliver(payload, signature=sign(payload, secret="whsec_someone_else")).status_code == 400
    stale = sign(payload, timestamp=int(time.time()) - 3600)
    assert deliver(payload, signature=stale).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_the_signature_covers_the_raw_body(deliver):
    payload = event_payload("account.updated", _account("acct_1", ready=True))
    tampered = payload.replace(b'"payouts_enabled": true', b'"payouts_enabled": false')
    assert deliver(tampered, signature=sign(payload)).status_code == 400


def _event(**fields) -> bytes:
    body = json.loads(event_payload("account.updated", _account("acct_1", ready=True)))
    return json.dumps({**body, **fields}).encode()


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"this is not JSON", id="not-json"),
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"[" * 100_000, id="nested-too-deep"),
        pytest.param(b"[]", id="a-list"),
        pytest.param(b"null", id="null"),
        pytest.param(b'"evt_1"', id="a-string"),
        pytest.param(b"42", id="a-number"),
        pytest.param(b"{}", id="an-empty-object"),
        pytest.param(_event(id=None), id="no-id"),
        pytest.param(_event(id={"nested": "evt_1"}), id="id-not-a-string"),
        pytest.param(_event(id="evt_" + "x" * 300), id="id-too-long"),
        pytest.param(_event(type=["account.updated"]), id="type-not-a-string"),
        pytest.param(_event(type="account." + "x" * 200), id="type-too-long"),
        pytest.param(_event(object="list"), id="not-an-event-object"),
        pytest.param(_event(data="account.updated"), id="data-not-an-object"),
        pytest.param(_event(data={"object": []}), id="data-object-not-an-object"),
        pytest.param(_event(data=None), id="no-data"),
        pytest.param(_event(created=99_999_999_999_999_999), id="created-out-of-range"),
        pytest.param(_event(created="yesterday"), id="created-not-a-timestamp"),
        pytest.param(_event(livemode="yes"), id="livemode-not-a-boolean"),
        pytest.param(_event(data={"object": {"id": "acct_1", "name": "a\u0000b"}}), id="nul-character"),
        pytest.param(_event()[:-1] + b', "amount": NaN}', id="nan"),
    ],
)
def test_a_signed_but_malformed_body_is_refused_and_nothing_is_stored(deliver, payload):
    """Signed with our secret, so it passes the signature check, but it is not a Stripe event we
    can store: a 400 (Stripe shows it on the endpoint), never a server error, and no row."""
    response = deliver(payload)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert StripeEvent.objects.count() == 0
    assert response.callbacks == []


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_a_valid_event_is_stored_and_handled(deliver):
    account = StripeAccountFactory(payouts_enabled=False, details_submitted=False)
    payload = event_payload("account.updated", _account(account.account_id, ready=True),
                            event_id="evt_1")
    response = deliver(payload)

    assert response.status_code == 200
    event = StripeEvent.objects.get()
    assert event.event_id == "evt_1" and event.type == "account.updated"
    assert event.processed_at is not None and event.processing_error == ""
    account.refresh_from_db()
    assert account.payouts_enabled and account.details_submitted and account.ready


def test_a_duplicate_delivery_is_stored_once_and_handled_once(deliver):
    payload = event_payload("account.updated", _account("acct_x", ready=True), event_id="evt_dup")
    first = deliver(payload)
    second = deliver(payload)

    assert first.status_code == second.status_code == 200
    assert len(first.callbacks) == 1
    assert len(second.callbacks) == 0  # not queued again
    event = StripeEvent.objects.get()
    assert event.attempts == 1


def test_handling_the_same_event_twice_changes_nothing_the_second_time():
    from brokerage.payments.stripe.webhooks import stripe_event_handle

    paid = LedgerEntryFactory(stripe_object_id="tr_1", amount_pence=50_000)
    reversal = {"id": "trr_1", "object": "transfer_reversal", "amount": 20_000, "transfer": "tr_1"}
    event = StripeEvent.objects.create(
        event_id="evt_r", type="transfer.reversed",
        payload={"id": "evt_r", "type": "transfer.reversed",
                 "data": {"object": _transfer("tr_1", reversals=[reversal])}},
    )
    stripe_event_handle(event_pk=event.pk)
    stripe_event_handle(event_pk=event.pk)

    entry = LedgerEntry.objects.get(stripe_object_id="trr_1")
    assert entry.amount_pence == -20_000 and entry.kind == LedgerKind.TRANSFER_REVERSAL
    assert (entry.source_type, entry.source_id) == (paid.source_type, paid.source_id)
    assert LedgerEntry.objects.count() == 2


def test_out_of_order_transfer_events_neither_crash_nor_double_count(deliver):
    LedgerEntryFactory(stripe_object_id="tr_9", amount_pence=50_000)
    first_reversal = {"id": "trr_a", "object": "transfer_reversal", "amount": 10_000, "transfer": "tr_9"}
    second_reversal = {"id": "trr_b", "object": "transfer_reversal", "amount": 5_000, "transfer": "tr_9"}

    # Stripe sends: created, reversed (10,000), reversed (15,000 in total). We get them backwards.
    later = event_payload("transfer.reversed", _transfer("tr_9", reversals=[second_reversal, first_reversal]))
    earlier = event_payload("transfer.reversed", _transfer("tr_9", reversals=[first_reversal]))
    created = event_payload("transfer.created", _transfer("tr_9"))
    for payload in (later, earlier, created):
        assert deliver(payload).status_code == 200

    mirror = StripeTransfer.objects.get(transfer_id="tr_9")
    assert mirror.amount_reversed_pence == 15_000  # the older snapshots did not wind it back
    assert not mirror.reversed and not mirror.failed
    reversals = LedgerEntry.objects.filter(kind=LedgerKind.TRANSFER_REVERSAL)
    assert sorted(e.amount_pence for e in reversals) == [-10_000, -5_000]
    assert all(e.processed_at for e in StripeEvent.objects.all())


def test_a_failed_transfer_stays_failed_whatever_arrives_next(deliver):
    deliver(event_payload("transfer.failed", _transfer("tr_f")))
    deliver(event_payload("transfer.created", _transfer("tr_f")))
    assert StripeTransfer.objects.get(transfer_id="tr_f").failed


def test_an_older_account_update_does_not_overwrite_a_newer_one(deliver):
    account = StripeAccountFactory(payouts_enabled=False, details_submitted=False)
    now = int(time.time())
    deliver(event_payload("account.updated", _account(account.account_id, ready=True), created=now))
    deliver(event_payload("account.updated", _account(account.account_id, ready=False), created=now - 60))
    account.refresh_from_db()
    assert account.payouts_enabled


def test_account_updated_can_also_take_payouts_away(deliver):
    account = StripeAccountFactory(payouts_enabled=True, details_submitted=True)
    deliver(event_payload("account.updated", _account(account.account_id, ready=False)))
    account.refresh_from_db()
    assert not account.payouts_enabled
    assert account.requirements_due == ["external_account"]


def test_issuing_transaction_recorded_once(deliver):
    from brokerage.payments.models import IssuingTransaction

    txn = {"id": "ipi_1", "object": "issuing.transaction", "amount": -4599, "currency": "gbp",
           "card": "ic_1", "authorization": "iauth_1", "type": "capture",
           "merchant_data": {"name": "Workwear Direct"}}
    deliver(event_payload("issuing_transaction.created", txn))
    deliver(event_payload("issuing_transaction.created", txn))  # a second event about it
    recorded = IssuingTransaction.objects.get()
    assert (recorded.card_id, recorded.amount_pence, recorded.merchant_name) == ("ic_1", -4599, "Workwear Direct")


@pytest.mark.parametrize("event_type", ["issuing_authorization.created", "charge.succeeded"])
def test_other_events_are_kept_and_marked_handled(deliver, event_type):
    assert deliver(event_payload(event_type, {"id": "x_1", "object": "thing"})).status_code == 200
    assert StripeEvent.objects.get().processed_at is not None


def test_a_handler_failure_is_recorded_for_the_retry_sweep(deliver, monkeypatch):
    from brokerage.payments.stripe import webhooks
    from brokerage.payments.stripe.events import ACCOUNT_UPDATED

    def broken(event):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(webhooks.HANDLERS, ACCOUNT_UPDATED, broken)
    response = deliver(event_payload("account.updated", _account("acct_1", ready=True)))
    assert response.status_code == 200  # Stripe is not asked to resend: the sweep retries
    event = StripeEvent.objects.get()
    assert event.processed_at is None and "database hiccup" in event.processing_error

    monkeypatch.undo()
    from brokerage.payments.stripe.tasks import stripe_event_retry_unprocessed_task

    StripeEvent.objects.filter(pk=event.pk).update(received_at=event.received_at - datetime.timedelta(minutes=10))
    assert stripe_event_retry_unprocessed_task() == 1
    event.refresh_from_db()
    assert event.processed_at is not None and event.processing_error == ""
