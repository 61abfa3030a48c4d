"""The ledger: immutable entries in pence; each Stripe object recorded once."""

import pytest

from brokerage.audit.models import AuditEvent
from brokerage.payments.ledger.services import PaymentError, ledger_entry_record
from brokerage.payments.models import LedgerEntry, LedgerKind
from tests.factories.payments import LedgerEntryFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_edited_or_deleted():
    entry = LedgerEntryFactory(amount_pence=12_345)
    entry.amount_pence = 1
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    with pytest.raises(ValueError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(ValueError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_pence == 12_345


def test_recording_a_payment_audits_it_and_keeps_the_source(make_user):
    from portal.accounts.roles import Role

    officer = make_user(Role.FINANCE_OFFICER)
    supplier = SupplierFactory()
    entry = ledger_entry_record(
        kind=LedgerKind.FUND_TRANSFER, amount_pence=4599, source=supplier,
        stripe_object_id="tr_abc", description="Interview suit", actor=officer,
    )
    assert (entry.source_type, entry.source_id) == ("payments.supplier", str(supplier.pk))
    assert entry.created_by == officer and entry.currency == "gbp"
    assert AuditEvent.objects.filter(action="payments.ledger_entry_recorded", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize(
    "kind,amount,message",
    [
        (LedgerKind.INCENTIVE_PAYMENT, 0, "non-zero"),
        (LedgerKind.INCENTIVE_PAYMENT, 10.5, "whole"),
        (LedgerKind.INCENTIVE_PAYMENT, -100, "positive"),
        (LedgerKind.CLAWBACK, 100, "negative"),
        ("gift", 100, "Unknown"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_saved(kind, amount, message):
    with pytest.raises(PaymentError, match=message):
        ledger_entry_record(kind=kind, amount_pence=amount)
    assert LedgerEntry.objects.count() == 0


def test_the_same_stripe_object_is_recorded_once():
    first = ledger_entry_record(kind=LedgerKind.TRANSFER_REVERSAL, amount_pence=-500, stripe_object_id="trr_1")
    again = ledger_entry_record(kind=LedgerKind.TRANSFER_REVERSAL, amount_pence=-500, stripe_object_id="trr_1")
    assert again.pk == first.pk
    assert LedgerEntry.objects.count() == 1
    with pytest.raises(PaymentError, match="already in the ledger"):
        ledger_entry_record(kind=LedgerKind.CLAWBACK, amount_pence=-900, stripe_object_id="trr_1")
