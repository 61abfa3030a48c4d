"""Reads for the money outbox: what needs finance's attention."""

from django.db.models import Q, QuerySet

from brokerage.payments.incentives.services import is_finance_officer
from brokerage.payments.models import MoneyAttention
from brokerage.reference.programme_admin import programmes_limited_to


def _attention(user) -> QuerySet[MoneyAttention]:
    """Finance officers only; one limited to some programmes sees the items about a payment or
    a fund request of those programmes (an item about no record concerns every programme, so
    only finance officers for every programme see it)."""
    if not is_finance_officer(user):
        return MoneyAttention.objects.none()
    items = MoneyAttention.objects.select_related("event", "payment", "fund_request", "resolved_by")
    programmes = programmes_limited_to(user)
    if programmes is None:
        return items
    return items.filter(Q(payment__claim__scheme__programme__in=programmes)
                        | Q(fund_request__participant__programme__in=programmes))


def attention_open(user) -> QuerySet[MoneyAttention]:
    """Items waiting for a finance officer, newest first."""
    return _attention(user).filter(resolved_at__isnull=True).order_by("-created_at", "-id")


def attention_resolved(user) -> QuerySet[MoneyAttention]:
    return _attention(user).filter(resolved_at__isnull=False).order_by("-resolved_at", "-id")


def attention_open_count(user) -> int:
    return attention_open(user).count() if is_finance_officer(user) else 0
