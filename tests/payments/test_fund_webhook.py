"""Issuing webhooks update the fund request's spend, and each purchase is one ledger entry."""

import pytest

from brokerage.payments.fund import services as fund
from brokerage.payments.models import FundRequest, LedgerEntry, LedgerKind
from tests.payments.fund_helpers import fund_world, submit
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def _deliver(payload: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=sign(payload))

    return _deliver


@pytest.fixture
def paid_card_request(stripe_stub):
    participant, key_worker, _, _, _ = fund_world()
    request = submit(participant, key_worker, amount_pence=6_000)
    return fund.fund_request_pay(fund_request=request)


def _txn(card_id, txn_id="ipi_fund1", amount=-4_599, type="capture"):
    return {"id": txn_id, "object": "issuing.transaction", "amount": amount, "currency": "gbp",
            "card": card_id, "authorization": "iauth_fund1", "type": type,
            "merchant_data": {"name": "Arriva North East"}}


def test_authorisation_then_capture_update_the_spend(deliver, paid_card_request, stripe_stub):
    card_id = paid_card_request.card_id
    auth = {"id": "iauth_fund1", "object": "issuing.authorization", "amount": 4_599, "approved": True,
            "status": "pending", "card": {"id": card_id}, "merchant_data": {"name": "Arriva North East"}}
    deliver(event_payload("issuing_authorization.created", auth))
    request = FundRequest.objects.get(pk=paid_card_request.pk)
    assert request.authorised_pence == 4_599 and request.spent_pence == 0

    deliver(event_payload("issuing_transaction.created", _txn(card_id)))
    deliver(event_payload("issuing_transaction.created", _txn(card_id)))  # Stripe sends it again
    deliver(event_payload("issuing_authorization.updated", {**auth, "status": "closed"}))
    deliver(event_payload("issuing_authorization.created", auth))  # late, out of order
    request.refresh_from_db()
    assert request.spent_pence == 4_599
    assert request.authorised_pence == 0
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_pence, entry.stripe_object_id) == (LedgerKind.FUND_CARD, 4_599, "ipi_fund1")
    assert entry.source_id == str(request.pk)
    assert stripe_stub.cards[card_id]["status"] == "canceled"  # single use


def test_a_refund_comes_back_as_a_negative_entry(deliver, paid_card_request):
    card_id = paid_card_request.card_id
    deliver(event_payload("issuing_transaction.created", _txn(card_id)))
    deliver(event_payload("issuing_transaction.created", _txn(card_id, "ipi_fund2", amount=1_000, type="refund")))
    request = FundRequest.objects.get(pk=paid_card_request.pk)
    assert request.spent_pence == 3_599
    refund = LedgerEntry.objects.get(kind=LedgerKind.FUND_CARD_REFUND)
    assert refund.amount_pence == -1_000


def test_transactions_on_other_cards_touch_no_fund_request(deliver, paid_card_request):
    deliver(event_payload("issuing_transaction.created", _txn("ic_not_ours")))
    assert FundRequest.objects.get(pk=paid_card_request.pk).spent_pence == 0
    assert LedgerEntry.objects.count() == 0
