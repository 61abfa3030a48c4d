import csv
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from brokerage.employers.models import MembershipRole
from brokerage.employers.selectors import employer_for_member_or_404
from brokerage.payments import selectors, services
from brokerage.payments import stripe_gateway as gateway
from brokerage.payments.forms import LedgerFilterForm, ReconciliationForm
from portal.accounts.decorators import role_required
from portal.accounts.roles import Role

LEDGER_PAGE_SIZE = 50


def finance_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.can_see_finance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


employer_required = role_required(Role.EMPLOYER)


# --- webhook ----------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, store once, queue; answer Stripe at once. Handling happens in a task."""
    try:
        event = gateway.webhook_event_construct(
            payload=request.body, sig_header=request.headers.get("Stripe-Signature", "")
        )
    except gateway.InvalidWebhook as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    services.stripe_event_receive(event=event)
    return HttpResponse("ok", content_type="text/plain")


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
    from brokerage.payments.incentives import is_finance_officer
    from brokerage.payments.outbox_selectors import attention_open_count

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
        sign = "-" if entry.amount_pence < 0 else ""
        pounds, pennies = divmod(abs(entry.amount_pence), 100)
        writer.writerow([
            entry.pk,
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            entry.kind,
            entry.get_kind_display(),
            _csv_text(entry.description),
            entry.amount_pence,
            f"{sign}{pounds}.{pennies:02d}",
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


# --- employer payout account ------------------------------------------------------------------


def allows_stripe_onboarding(response: HttpResponse) -> HttpResponse:
    """Let this page's "Set up payout account with Stripe" form lead to Stripe's onboarding
    (the form's redirect is checked against the page's ``form-action`` policy)."""
    response._csp_update = {"form-action": [gateway.onboarding_origin()]}  # type: ignore[attr-defined]
    return response


def _payout_page(request, employer, *, returned=False, error="") -> HttpResponse:
    account = selectors.stripe_account_for_employer(employer)
    return allows_stripe_onboarding(render(
        request,
        "payments/employer_payouts.html",
        {
            "employer": employer,
            "account": account,
            "status": selectors.payout_status(account),
            "returned": returned,
            "error": error,
        },
    ))


def _admin_employer_or_response(request, pk):
    """(employer, None) for an admin; (None, response) for a member who is not an admin."""
    employer, membership = employer_for_member_or_404(request.user, pk)
    if membership.role != MembershipRole.ADMIN:
        return None, render(
            request, "payments/employer_payouts_not_admin.html", {"employer": employer},
            status=403,
        )
    return employer, None


@employer_required
@require_GET
def employer_payouts(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.payout_memberships_for_user(request.user))
    if len(memberships) == 1:
        return _payout_page(request, memberships[0].employer)
    if not memberships:
        return render(request, "payments/employer_payouts_not_admin.html", {"employer": None})
    rows = [
        (m.employer, selectors.payout_status(getattr(m.employer, "stripe_account", None)))
        for m in memberships
    ]
    return render(request, "payments/employer_payouts_choose.html", {"rows": rows})


@employer_required
@require_GET
def employer_payouts_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    employer, response = _admin_employer_or_response(request, pk)
    return response or _payout_page(request, employer)


def _onboarding_urls(request, employer) -> dict:
    return {
        "refresh_url": request.build_absolute_uri(
            reverse("payments:employer_payouts_refresh", args=[employer.pk])
        ),
        "return_url": request.build_absolute_uri(
            reverse("payments:employer_payouts_return", args=[employer.pk])
        ),
    }


@employer_required
@require_POST
def employer_payouts_start(request: HttpRequest, pk: int) -> HttpResponse:
    employer, response = _admin_employer_or_response(request, pk)
    if response:
        return response
    try:
        account = services.employer_payout_account_start(employer=employer, actor=request.user)
        url = services.payout_account_link(account=account, **_onboarding_urls(request, employer))
    except gateway.PaymentProviderError as exc:
        return _payout_page(request, employer, error=str(exc))
    return redirect(url)


@employer_required
@require_GET
def employer_payouts_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """Stripe sends people here when their onboarding link has expired: give them a new one."""
    employer, response = _admin_employer_or_response(request, pk)
    if response:
        return response
    account = selectors.stripe_account_for_employer(employer)
    if account is None:
        return redirect("payments:employer_payouts_organisation", pk=employer.pk)
    try:
        url = services.payout_account_link(account=account, **_onboarding_urls(request, employer))
    except gateway.PaymentProviderError as exc:
        return _payout_page(request, employer, error=str(exc))
    return redirect(url)


@employer_required
@require_GET
def employer_payouts_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Where Stripe sends people back: ask Stripe for the account's status now."""
    employer, response = _admin_employer_or_response(request, pk)
    if response:
        return response
    account = selectors.stripe_account_for_employer(employer)
    if account is None:
        return redirect("payments:employer_payouts_organisation", pk=employer.pk)
    try:
        services.payout_account_refresh(account=account, actor=request.user)
    except gateway.PaymentProviderError as exc:
        return _payout_page(request, employer, returned=True, error=str(exc))
    return _payout_page(request, employer, returned=True)
