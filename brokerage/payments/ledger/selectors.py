"""Reads of the ledger for finance: entries, months and the monthly reconciliation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from brokerage.payments.access import can_see_finance
from brokerage.payments.models import LedgerEntry
from brokerage.payments.stripe import gateway

# --- ledger -----------------------------------------------------------------------------------


def ledger_entries(user, *, kind: str = "", month: datetime.date | None = None) -> QuerySet[LedgerEntry]:
    """Ledger entries a finance officer or coordinator may see, newest first.

    Entries are not yet tied to a programme, so every finance user sees all of them; once
    payment runs exist this narrows to the user's programmes.
    """
    if not can_see_finance(user):
        return LedgerEntry.objects.none()
    entries = LedgerEntry.objects.select_related("created_by")
    if kind:
        entries = entries.filter(kind=kind)
    if month is not None:
        start, end = month_bounds(month)
        entries = entries.filter(created_at__gte=start, created_at__lt=end)
    return entries.order_by("-created_at", "-id")


def ledger_months(user) -> list[datetime.date]:
    """The months that have ledger entries, newest first (UK time)."""
    if not can_see_finance(user):
        return []
    months = (
        LedgerEntry.objects.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")
    )
    return [m.date() if isinstance(m, datetime.datetime) else m for m in months]


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime.datetime(
        month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz
    )
    return start, following


# --- reconciliation ---------------------------------------------------------------------------


class Match:
    MATCHED = "matched"
    MISSING = "missing"
    AMOUNT_DIFFERS = "amount_differs"
    NOT_IN_STRIPE = "no_stripe_object"
    UNCHECKED = "unchecked"

    LABELS = {
        MATCHED: "Matched",
        MISSING: "Missing in Stripe",
        AMOUNT_DIFFERS: "Amount differs",
        NOT_IN_STRIPE: "No Stripe object recorded",
        UNCHECKED: "Could not check",
    }


@dataclass
class ReconciliationRow:
    entry: LedgerEntry
    result: str
    stripe_amount_pence: int | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return Match.LABELS[self.result]


@dataclass
class Reconciliation:
    month: datetime.date
    rows: list[ReconciliationRow]

    def count(self, result: str) -> int:
        return sum(1 for row in self.rows if row.result == result)

    @property
    def problems(self) -> list[ReconciliationRow]:
        return [row for row in self.rows if row.result != Match.MATCHED]

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.count(key)) for key, label in Match.LABELS.items()]


def _stripe_amount(entry: LedgerEntry) -> int:
    """The amount Stripe holds for the entry's object, in pence, positive."""
    object_id = entry.stripe_object_id
    if object_id.startswith("trr_"):
        return gateway.transfer_reversal_retrieve(
            transfer_id=entry.stripe_parent_id, reversal_id=object_id
        ).amount_pence
    if object_id.startswith("tr_"):
        return gateway.transfer_retrieve(object_id).amount_pence
    if object_id.startswith("ic_"):
        return gateway.issuing_card_retrieve(object_id).spending_limit_pence
    if object_id.startswith("ipi_"):
        return abs(gateway.issuing_transaction_retrieve(object_id).amount_pence)
    raise gateway.PaymentProviderError(f"The portal cannot check Stripe objects like {object_id}.")


def reconciliation_report(user, *, month: datetime.date) -> Reconciliation:
    """Each ledger entry of the month against the Stripe object it records, fetched now."""
    rows = []
    for entry in ledger_entries(user, month=month).order_by("created_at", "id"):
        if not entry.stripe_object_id:
            rows.append(ReconciliationRow(entry, Match.NOT_IN_STRIPE))
            continue
        try:
            amount = _stripe_amount(entry)
        except gateway.PaymentObjectMissing:
            rows.append(ReconciliationRow(entry, Match.MISSING, note="Stripe has no such object."))
            continue
        except gateway.PaymentProviderError as exc:
            rows.append(ReconciliationRow(entry, Match.UNCHECKED, note=str(exc)))
            continue
        if amount == abs(entry.amount_pence):
            rows.append(ReconciliationRow(entry, Match.MATCHED, amount))
        else:
            rows.append(ReconciliationRow(entry, Match.AMOUNT_DIFFERS, amount))
    return Reconciliation(month=month, rows=rows)
