"""Finance pages: the payments home, the ledger (CSV) and the monthly reconciliation."""

import csv

from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from brokerage.payments.access import finance_required, is_finance_officer
from brokerage.payments.ledger import selectors
from brokerage.payments.ledger.forms import LedgerFilterForm, ReconciliationForm
from brokerage.payments.outbox.selectors import attention_open_count
from portal.core.money import pence_as_pounds

LEDGER_PAGE_SIZE = 50


# --- finance ----------------------------------------------------------------------------------


def _ledger_filters(request):
    form = LedgerFilterForm(request.GET or None, months=selectors.ledger_months(request.user))
    kind, month = (form.cleaned_kind(), form.cleaned_month()) if form.is_bound else ("", None)
    return form, selectors.ledger_entries(request.user, kind=kind, month=month)


@finance_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    form, entries = _ledger_filters(request)
    totals = entries.aggregate(
        out=Sum("amount_pence", filter=Q(amount_pence__gt=0), default=0),
        back=Sum("amount_pence", filter=Q(amount_pence__lt=0), default=0),
    )
    page_obj = Paginator(entries, LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/home.html",
        {
            "form": form,
            "page_obj": page_obj,
            "totals": {**totals, "net": totals["out"] + totals["back"]},
            "filtered": bool(form.is_bound and (form.cleaned_kind() or form.cleaned_month())),
            **_attention_context(request.user),
        },
    )


def _attention_context(user) -> dict:

    return {
        "can_see_attention": is_finance_officer(user),
        "attention_count": attention_open_count(user),
    }


def _csv_text(value) -> str:
    """Stop spreadsheet formula injection in text columns."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@finance_required
@require_GET
def ledger_csv(request: HttpRequest) -> HttpResponse:
    form, entries = _ledger_filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([
        "entry_id", "recorded_at", "kind", "kind_label", "description", "amount_pence",
        "amount_pounds", "currency", "source_type", "source_id", "stripe_object_id",
        "stripe_parent_id", "recorded_by",
    ])
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow([
            entry.pk,
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            entry.kind,
            entry.get_kind_display(),
            _csv_text(entry.description),
            entry.amount_pence,
            pence_as_pounds(entry.amount_pence),
            entry.currency.upper(),
            entry.source_type,
            entry.source_id,
            entry.stripe_object_id,
            entry.stripe_parent_id,
            _csv_text(entry.created_by.email if entry.created_by else "Stripe"),
        ])
    return response


@finance_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    months = selectors.ledger_months(request.user)
    data = request.GET if "month" in request.GET else (
        {"month": months[0].strftime("%Y-%m")} if months else None
    )
    form = ReconciliationForm(data, months=months)
    report = (
        selectors.reconciliation_report(request.user, month=form.cleaned_month())
        if form.is_bound and form.is_valid() else None
    )
    return render(
        request, "payments/reconciliation.html",
        {
            "form": form, "report": report, "has_entries": bool(months),
            "crumbs": [("Payments", reverse("payments:home")), ("Reconciliation", None)],
        },
    )
