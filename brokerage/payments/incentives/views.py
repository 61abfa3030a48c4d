"""Employer incentive screens: the employer's claims, payment runs, claims for finance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from brokerage.employers.models import Employer
from brokerage.payments.access import employer_required, finance_required
from brokerage.payments.incentives import selectors
from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.forms import (
    ClaimCommandForm,
    LiftBlockForm,
    ReasonReferenceForm,
    RetryForm,
    WriteOffForm,
)
from brokerage.payments.models import (
    ClawbackStatus,
    IncentiveClawback,
    IncentiveEmployerBlock,
    IncentivePayment,
)
from brokerage.payments.stripe import gateway
from portal.core.forms import apply_service_errors
from portal.core.money import pence_display

RUNS_PAGE_SIZE = 20
CLAIMS_PAGE_SIZE = 50


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- employer -----------------------------------------------------------------------------------


@employer_required
@require_GET
def employer_incentives(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/incentives/employer.html", {
        "data": selectors.employer_incentives(request.user),
        "schemes": selectors.schemes_explained(),
    })


# --- payment runs -------------------------------------------------------------------------------


def _crumbs(*extra):
    return [("Payments", reverse("payments:home")), *extra]


@finance_required
@require_GET
def runs(request: HttpRequest) -> HttpResponse:
    waiting = selectors.waiting_run(request.user)
    past = selectors.runs(request.user).exclude(pk=waiting.pk if waiting else None)
    return render(request, "payments/incentives/runs.html", {
        "waiting": waiting,
        "page_obj": Paginator(past, RUNS_PAGE_SIZE).get_page(request.GET.get("page")),
        "crumbs": _crumbs(("Payment runs", None)),
    })


@finance_required
@require_POST
def run_propose(request: HttpRequest) -> HttpResponse:
    try:
        run = incentives.payment_run_propose(actor=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect("payments:incentive_runs")
    return redirect("payments:incentive_run", pk=run.pk)


def _run_page(request, run, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(request, "payments/incentives/run.html", {
        "view": selectors.run_view(run),
        "run": run,
        "refusal": incentives.approval_refusal(run, request.user),
        "recheck_refusal": (
            incentives.recheck_refusal(run, request.user) if run.status == "proposed" else ""
        ),
        "run_past_expiry": run.expired_at(timezone.now()),
        "error": error,
        "crumbs": _crumbs(("Payment runs", reverse("payments:incentive_runs")), (run.reference, None)),
    }, status=status)


@finance_required
@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, selectors.run_for_user_or_404(request.user, pk))


@finance_required
@require_POST
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user_or_404(request.user, pk)
    was_approved = run.status == "approved"
    try:
        seen = int(request.POST.get("total_pence", ""))
    except ValueError:
        return _run_page(request, run, error="Approve the run from its page, after checking its total.", status=400)
    try:
        run = incentives.payment_run_approve(run=run, actor=request.user, seen_total_pence=seen)
    except ValidationError as exc:
        return _run_page(request, run, error=_message(exc), status=400)
    except gateway.PaymentProviderError as exc:
        messages.error(request, str(exc))
        return redirect("payments:incentive_run", pk=run.pk)
    if not was_approved:
        messages.success(request, f"Payment run {run.reference} approved. The payments are being sent through Stripe.")
    return redirect("payments:incentive_run", pk=run.pk)


@finance_required
@require_POST
def run_revalidate(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user_or_404(request.user, pk)
    try:
        incentives.payment_run_revalidate(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, "Every payment has been checked again.")
    return redirect("payments:incentive_run", pk=run.pk)


@finance_required
@require_http_methods(["GET", "POST"])
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for_user_or_404(request.user, pk)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        return render(request, "core/confirm.html", {
            "heading": f"Cancel payment run {run.reference}?",
            "body": [
                f"Nothing in it has been paid. Its {run.payments.count()} payments, "
                f"{pence_display(run.total_pence)} in all, go back to being due and can go in "
                "the next run.",
            ],
            "warning": "A cancelled run cannot be approved later.",
            "button": "Yes, cancel this run",
            "danger": True,
            "cancel_url": reverse("payments:incentive_run", args=[run.pk]),
            "cancel_label": "No, keep the run",
        })
    try:
        incentives.payment_run_cancel(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect("payments:incentive_run", pk=run.pk)
    messages.success(request, f"Payment run {run.reference} cancelled. Its payments are due again.")
    return redirect("payments:incentive_runs")


# --- claims -------------------------------------------------------------------------------------


@finance_required
@require_GET
def claims(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.claims_for_finance(request.user), CLAIMS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/incentives/claims.html", {
        "page_obj": page_obj, "crumbs": _crumbs(("Incentive claims", None)),
    })


@finance_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for_finance_or_404(request.user, pk)
    form = ClaimCommandForm(request.POST or None, allowed=incentives.claim_actions_allowed(claim.status))
    if request.method == "POST" and form.is_valid():
        try:
            command = incentives.incentive_claim_command(
                claim=claim, actor=request.user, action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"], reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Claim {claim.reference} {command.get_action_display().lower()}.")
            return redirect("payments:incentive_claim", pk=claim.pk)
    payments = list(claim.payments.all())
    return render(request, "payments/incentives/claim.html", {
        "claim": claim, "payments": payments, "form": form,
        "employer_blocked": IncentiveEmployerBlock.objects.filter(employer_id=claim.employer_id,
                                                                  lifted_at__isnull=True).exists(),
        "crumbs": _crumbs(("Incentive claims", reverse("payments:incentive_claims")), (claim.reference, None)),
    }, status=400 if form.errors else 200)


def _clawback_or_404(request, pk: int) -> IncentiveClawback:
    claims = selectors.claims_for_finance(request.user)
    return get_object_or_404(
        IncentiveClawback.objects.select_related("payment", "payment__claim"), pk=pk, payment__claim__in=claims
    )


@finance_required
@require_POST
def clawback_recover(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback_or_404(request, pk)
    try:
        clawback = incentives.incentive_clawback_recover(clawback=clawback, actor=request.user)
    except (ValidationError, gateway.PaymentProviderError) as exc:
        messages.error(request, _message(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        if clawback.status == ClawbackStatus.RECOVERED:
            messages.success(request, "The money has been taken back from the employer's Stripe account.")
    return redirect("payments:incentive_claim", pk=clawback.payment.claim_id)


@finance_required
@require_http_methods(["GET", "POST"])
def clawback_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    clawback = _clawback_or_404(request, pk)
    form = WriteOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incentives.incentive_clawback_write_off(clawback=clawback, actor=request.user,
                                                    reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The clawback has been written off.")
            return redirect("payments:incentive_claim", pk=clawback.payment.claim_id)
    claim = clawback.payment.claim
    return render(request, "payments/incentives/write_off.html", {
        "clawback": clawback, "form": form,
        "crumbs": _crumbs(("Incentive claims", reverse("payments:incentive_claims")),
                          (claim.reference, reverse("payments:incentive_claim", args=[claim.pk])), ("Write off", None)),
    }, status=400 if form.errors else 200)


@finance_required
@require_http_methods(["GET", "POST"])
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """The checkpoint a paid stage relied on was wrong: record a clawback of the payment."""
    payment = get_object_or_404(
        IncentivePayment.objects.select_related("claim"), pk=pk, claim__in=selectors.claims_for_finance(request.user)
    )
    claim = payment.claim
    form = ReasonReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clawback = incentives.incentive_checkpoint_reverse(
                payment=payment, actor=request.user, reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"A clawback of {pence_display(clawback.amount_pence)} is recorded for "
                                      f"{payment.reference}. Recover it or write it off below.")
            return redirect("payments:incentive_claim", pk=claim.pk)
    return render(request, "payments/incentives/payment_reverse.html", {
        "payment": payment, "form": form,
        "crumbs": _crumbs(("Incentive claims", reverse("payments:incentive_claims")),
                          (claim.reference, reverse("payments:incentive_claim", args=[claim.pk])), ("Claw back", None)),
    }, status=400 if form.errors else 200)


@finance_required
@require_http_methods(["GET", "POST"])
def employer_block(request: HttpRequest, pk: int) -> HttpResponse:
    """Block incentive payments to an employer, or lift the block; with the history of blocks."""
    employer = get_object_or_404(Employer, pk=pk)
    blocks = IncentiveEmployerBlock.objects.filter(employer=employer).select_related("blocked_by", "lifted_by")
    current = next((b for b in blocks if b.lifted_at is None), None)
    intent = "lift" if current else "block"
    if request.method == "POST" and request.POST.get("intent") != intent:
        # The page was out of date: someone blocked or lifted meanwhile. Never do the opposite.
        messages.error(request, f"Someone has just {'blocked' if current else 'lifted the block on'} payments to "
                                f"{employer.name}. Check the status below before doing anything else.")
        return redirect("payments:incentive_employer_block", pk=employer.pk)
    form = (LiftBlockForm if current else ReasonReferenceForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if current:
                incentives.incentive_employer_unblock(employer=employer, actor=request.user,
                                                      reason=form.cleaned_data["reason"])
            else:
                incentives.incentive_employer_block(employer=employer, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Incentive payments to {employer.name} are "
                                      f"{'no longer blocked' if current else 'blocked'}.")
            return redirect("payments:incentive_employer_block", pk=employer.pk)
    return render(request, "payments/incentives/employer_block.html", {
        "employer": employer, "current": current, "blocks": blocks, "form": form, "intent": intent,
        "crumbs": _crumbs(("Incentive claims", reverse("payments:incentive_claims")), (employer.name, None)),
    }, status=400 if form.errors else 200)


@finance_required
@require_http_methods(["GET", "POST"])
def payment_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed payment again once its cause is fixed: every check first, then it is due
    for the next run (approved by two finance officers like any other)."""
    payment = get_object_or_404(
        IncentivePayment.objects.select_related("claim", "claim__employer"), pk=pk,
        claim__in=selectors.claims_for_finance(request.user),
    )
    claim = payment.claim
    form = RetryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incentives.incentive_payment_retry(
                payment=payment, actor=request.user, reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except gateway.PaymentProviderError as exc:
            form.add_error(None, f"Stripe could not be asked about the earlier transfer: {exc}. "
                                 "Try again later.")
        else:
            messages.success(
                request, f"{payment.reference} passed every check and is due again: it will be "
                "paid in the next payment run, once that run is approved.",
            )
            return redirect("payments:incentive_claim", pk=claim.pk)
    return render(request, "payments/incentives/payment_retry.html", {
        "payment": payment, "form": form,
        "retries": payment.retries.select_related("actor"),
        "crumbs": _crumbs(("Incentive claims", reverse("payments:incentive_claims")),
                          (claim.reference, reverse("payments:incentive_claim", args=[claim.pk])),
                          ("Send again", None)),
    }, status=400 if form.errors else 200)
