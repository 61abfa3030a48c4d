"""The invariant every money test ends with: what Stripe holds, what the ledger says and what each
portal record says agree, and each payment, card and spend is there once.

Only Stripe objects the portal could have made are counted: transfers to the record's own payee
for its amount, cards for its own cardholder. A foreign event (another destination or amount,
from a connected account) is a webhook body only, never an object in the stub.
"""

from brokerage.payments.models import (
    IN_FLIGHT_STATES,
    FundRequest,
    FundRequestStatus,
    IncentivePayment,
    LedgerEntry,
    LedgerKind,
    MoneyIntent,
    PaymentStatus,
    StripeAccount,
)

RETURNS = (LedgerKind.TRANSFER_REVERSAL, LedgerKind.CLAWBACK, LedgerKind.TRANSFER_FAILED)


def _entries(record, kind) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(
        kind=kind, source_type=record._meta.label_lower, source_id=str(record.pk)
    ).order_by("id"))


def _transfer_adds_up(transfer: dict, failed: bool) -> None:
    returned = sum(e.amount_pence for e in LedgerEntry.objects.filter(
        stripe_parent_id=transfer["id"], kind__in=RETURNS))
    expected_back = transfer["amount"] if failed else transfer["amount_reversed"]
    assert returned == -expected_back, (
        f"{transfer['id']}: the ledger has {returned} pence back, Stripe {expected_back}")


def assert_money_adds_up(stub) -> None:
    in_flight = MoneyIntent.objects.filter(state__in=IN_FLIGHT_STATES)
    assert not in_flight.exists(), f"still in flight: {', '.join(map(str, in_flight))}"

    for payment in IncentivePayment.objects.select_related("claim"):
        account = StripeAccount.objects.filter(employer_id=payment.claim.employer_id).first()
        sent = [t for t in stub.transfers.values()
                if t["metadata"].get("portal_incentive_payment_id") == str(payment.pk)
                and account is not None and t["destination"] == account.account_id
                and t["amount"] == payment.amount_pence]
        assert len(sent) <= 1, f"{payment.reference} was paid {len(sent)} times in Stripe"
        entries = _entries(payment, LedgerKind.INCENTIVE_PAYMENT)
        in_stripe, in_ledger = [t["id"] for t in sent], [e.stripe_object_id for e in entries]
        assert in_ledger == in_stripe, (
            f"{payment.reference}: Stripe {in_stripe}, ledger {in_ledger}")
        assert [e.amount_pence for e in entries] == [t["amount"] for t in sent]
        if sent:
            transfer = sent[0]
            assert payment.transfer_id == transfer["id"], (
                f"{payment.reference} records {payment.transfer_id!r}")
            failed = payment.status == PaymentStatus.FAILED
            assert payment.status in (PaymentStatus.APPROVED, PaymentStatus.PAID) or failed
            _transfer_adds_up(transfer, failed)
        else:
            assert payment.transfer_id == "" and payment.status != PaymentStatus.PAID, (
                f"{payment.reference} is {payment.status} with {payment.transfer_id!r} but Stripe "
                "holds nothing")

    for request in FundRequest.objects.all():
        cards = [c for c in stub.cards.values()
                 if c["metadata"].get("fund_request_id") == str(request.pk)]
        assert len(cards) <= 1, f"{request.reference} has {len(cards)} cards in Stripe"
        if cards:
            card = cards[0]
            assert request.card_id == card["id"], (
                f"{request.reference} records card {request.card_id!r}")
            if request.status == FundRequestStatus.CANCELLED:
                assert card["status"] == "canceled", (
                    f"the card of cancelled {request.reference} is {card['status']}")
            spent = [t for t in stub.issuing_transactions.values() if t["card"] == card["id"]]
            entries = (_entries(request, LedgerKind.FUND_CARD)
                       + _entries(request, LedgerKind.FUND_CARD_REFUND))
            assert sorted(e.stripe_object_id for e in entries) == sorted(t["id"] for t in spent), (
                f"{request.reference}: card spend in Stripe and in the ledger differ")
            assert sum(e.amount_pence for e in entries) == -sum(t["amount"] for t in spent)
        else:
            assert request.card_id == "" or request.payment_method != "card"
        paid = [t for t in stub.transfers.values()
                if t["metadata"].get("fund_request_id") == str(request.pk)]
        assert len(paid) <= 1, f"{request.reference} was paid {len(paid)} times in Stripe"
        entries = _entries(request, LedgerKind.FUND_TRANSFER)
        assert [e.stripe_object_id for e in entries] == [t["id"] for t in paid]
        assert request.transfer_id == (paid[0]["id"] if paid else "")
