"""Flexible fund pages: a participant's requests, a new request, a request's page (payment,
receipt), the receipt itself, the coordinator's approval queue and the budget overview.

Anyone who may not use the fund (employers, partner staff, finance on participant pages) and
anyone who may not see the participant gets a 404, so nothing about the request is revealed.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from brokerage.participants.selectors import participant_for_user_or_404
from brokerage.participants.services import access_log_record
from brokerage.payments.fund import selectors as fund_selectors
from brokerage.payments.fund import services as fund
from brokerage.payments.fund.forms import (
    FundChangeDecisionForm,
    FundDecisionForm,
    FundRequestForm,
    QuoteForm,
    ReceiptForm,
)
from brokerage.payments.models import FundRequestStatus
from brokerage.payments.stripe import gateway
from portal.core.files import private_file_response, safe_extension
from portal.core.forms import apply_service_errors
from portal.core.money import pence_display

PAGE_SIZE = 25


def _gate(test):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise Http404("Page not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


fund_user_required = _gate(fund_selectors.can_use_fund)
fund_home_required = _gate(lambda u: fund_selectors.can_use_fund(u) or fund_selectors.can_see_budgets(u))
coordinator_required = _gate(fund_selectors.can_decide)


def _participant(request, reference: str, page: str):
    participant = participant_for_user_or_404(request.user, reference)
    if request.method == "GET":
        access_log_record(participant=participant, user=request.user, page=page, path=request.path)
    return participant


def _pay(request, fund_request) -> None:
    """Pay an approved request now; a Stripe problem is shown and can be tried again."""
    try:
        paid = fund.fund_request_pay(fund_request=fund_request, actor=request.user)
    except gateway.PaymentProviderError as exc:
        messages.error(request, f"The request is approved but not yet paid. {exc}")
        return
    if paid.card_id:
        messages.success(
            request,
            f"Virtual card ending {paid.card_last4} issued for {pence_display(paid.amount_pence)}",
        )
    elif paid.transfer_id:
        messages.success(request, f"{pence_display(paid.amount_pence)} paid to {paid.supplier}")


# --- key worker -------------------------------------------------------------------------------


@fund_home_required
@require_GET
def fund_home(request: HttpRequest) -> HttpResponse:
    """Key workers: their caseload's requests. Coordinators and finance: budgets too."""
    budgets = list(fund_selectors.fund_budgets_for_user(request.user))
    requests_qs = fund_selectors.fund_requests_for_user(request.user)
    page_obj = Paginator(requests_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payments/fund/home.html", {
        "budgets": budgets,
        "can_see_budgets": fund_selectors.can_see_budgets(request.user),
        "can_use_fund": fund_selectors.can_use_fund(request.user),
        "waiting_count": fund_selectors.fund_approvals_for_user(request.user).count(),
        "changes_waiting": fund_selectors.fund_changes_waiting(request.user).count(),
        "page_obj": page_obj,
    })


@fund_user_required
@require_GET
def fund_participant(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Flexible fund")
    requests_qs = fund_selectors.fund_requests_for_participant(request.user, participant)
    return render(request, "payments/fund/participant.html", {
        "participant": participant,
        "fund_requests": requests_qs,
        "budget": fund.fund_budget_for(participant),
        "limit_pence": fund.auto_approve_limit_pence(participant.programme),
    })


def _draft_key(participant) -> str:
    return f"fund-request-draft-{participant.reference}"


def _form_context(participant, form) -> dict:
    return {
        "participant": participant,
        "form": form,
        "budget": fund.fund_budget_for(participant),
        "limit_pence": fund.auto_approve_limit_pence(participant.programme),
        "catalogue": fund_selectors.catalogue_items(),
    }


@fund_user_required
def fund_request_new(request: HttpRequest, reference: str) -> HttpResponse:
    """The request form; a valid answer goes to the check-your-answers page (kept in the session)."""
    participant = _participant(request, reference, "Flexible fund request")
    draft = request.session.get(_draft_key(participant))
    if request.method == "POST":
        form = FundRequestForm(request.POST, participant=participant, user=request.user)
        if form.is_valid():
            request.session[_draft_key(participant)] = {
                **{name: request.POST.get(name, "") for name in form.fields},
                # One key per answers checked: sending them twice records one request.
                "submission_key": str(uuid.uuid4()),
            }
            return redirect("payments:fund_request_check", reference=participant.reference)
    else:
        form = FundRequestForm(initial=draft, participant=participant, user=request.user)
    return render(request, "payments/fund/request_form.html", _form_context(participant, form))


@fund_user_required
def fund_request_check(request: HttpRequest, reference: str) -> HttpResponse:
    """Check your answers, then send: approved (and paid) at once, or sent to a coordinator."""
    participant = _participant(request, reference, "Flexible fund request")
    draft = request.session.get(_draft_key(participant))
    if not draft:
        return redirect("payments:fund_request_new", reference=participant.reference)
    form = FundRequestForm(draft, participant=participant, user=request.user)
    if not form.is_valid():  # e.g. the budget ran down meanwhile: show the form with the reason
        return render(request, "payments/fund/request_form.html", _form_context(participant, form))
    quote_form = QuoteForm(optional=True)
    if request.method == "POST":
        quote_form = QuoteForm(request.POST, request.FILES, optional=True)
        if quote_form.is_valid():
            try:
                created = fund.fund_request_submit(
                    participant=participant, actor=request.user, **form.service_kwargs(),
                    submission_key=draft.get("submission_key"),
                    quote=quote_form.cleaned_data.get("quote"),
                )
            except ValidationError as exc:
                if "quote" in getattr(exc, "error_dict", {}):  # e.g. refused by the virus scan
                    apply_service_errors(quote_form, exc)
                else:
                    apply_service_errors(form, exc)
                    return render(request, "payments/fund/request_form.html",
                                  _form_context(participant, form))
            else:
                request.session.pop(_draft_key(participant), None)
                if created.status == FundRequestStatus.APPROVED:
                    _pay(request, created)
                return redirect("payments:fund_request_detail",
                                reference=participant.reference, pk=created.pk)
    data = form.cleaned_data
    limit_pence = fund.auto_approve_limit_pence(participant.programme)
    return render(request, "payments/fund/request_check.html", {
        "participant": participant,
        "data": data,
        "limit_pence": limit_pence,
        "approved_at_once": fund.fund_approves_at_once(
            actor=request.user, programme=participant.programme, amount_pence=data["amount"]),
        "category_label": dict(form.fields["category"].choices).get(data["category"]),
        "barrier_label": dict(form.fields["barrier"].choices).get(data["barrier"]),
        "method_label": dict(form.fields["payment_method"].choices).get(data["payment_method"]),
        "form": quote_form,
    })


@fund_user_required
def fund_request_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    participant = _participant(request, reference, "Flexible fund request")
    fund_request = fund_selectors.fund_request_for_user_or_404(request.user, participant, pk)
    form = ReceiptForm()
    quote_form = QuoteForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "quote":
            quote_form = QuoteForm(request.POST, request.FILES)
            if quote_form.is_valid():
                try:
                    fund.fund_quote_record(fund_request=fund_request, actor=request.user,
                                           upload=quote_form.cleaned_data["quote"])
                except ValidationError as exc:
                    quote_form.add_error("quote", exc.messages[0])
                else:
                    messages.success(request, "Quote attached")
                    return redirect("payments:fund_request_detail", reference=reference, pk=pk)
        elif action == "receipt":
            form = ReceiptForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    fund.fund_receipt_record(
                        fund_request=fund_request,
                        actor=request.user,
                        upload=form.cleaned_data["receipt"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, "Receipt recorded")
                    return redirect("payments:fund_request_detail", reference=reference, pk=pk)
        elif action == "pay":
            _pay(request, fund_request)
            return redirect("payments:fund_request_detail", reference=reference, pk=pk)
        elif action == "cancel":
            try:
                fund.fund_request_cancel(fund_request=fund_request, actor=request.user)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, "Request cancelled. The money is back in the budget.")
            return redirect("payments:fund_request_detail", reference=reference, pk=pk)
    test_purchase_url = ""
    if fund_request.status == FundRequestStatus.PAID and fund_request.card_id:
        test_purchase_url = gateway.card_test_purchase_url(
            fund_request.card_id, return_url=request.build_absolute_uri()
        )
    return render(request, "payments/fund/request_detail.html", {
        "participant": participant,
        "fund_request": fund_request,
        "form": form,
        "quote_form": quote_form,
        "can_attach_quote": fund_request.status in fund.QUOTE_STATUSES,
        "statuses": FundRequestStatus,
        "test_purchase_url": test_purchase_url,
    })


@fund_user_required
@require_GET
def fund_receipt(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The receipt, as a download, to whoever may open the request's page (404 for anyone else)."""
    participant = _participant(request, reference, "Flexible fund receipt")
    fund_request = fund_selectors.fund_request_for_user_or_404(request.user, participant, pk)
    return private_file_response(
        fund_request.receipt,
        download_name=f"{fund_request.reference}-receipt{safe_extension(fund_request.receipt.name)}",
    )


@fund_user_required
@require_GET
def fund_quote(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The quote, as a download, to whoever may open the request's page (404 for anyone else)."""
    participant = _participant(request, reference, "Flexible fund quote")
    fund_request = fund_selectors.fund_request_for_user_or_404(request.user, participant, pk)
    return private_file_response(
        fund_request.quote,
        download_name=f"{fund_request.reference}-quote{safe_extension(fund_request.quote.name)}",
    )


# --- coordinator ------------------------------------------------------------------------------


@coordinator_required
@require_GET
def fund_approvals(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(fund_selectors.fund_approvals_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "payments/fund/approvals.html", {"page_obj": page_obj})


@coordinator_required
def fund_approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    fund_request = fund_selectors.fund_approval_for_user_or_404(request.user, pk)
    form = FundDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                approved = fund.fund_request_approve(
                    fund_request=fund_request, actor=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"{fund_request.reference} approved")
                _pay(request, approved)
            else:
                fund.fund_request_refuse(
                    fund_request=fund_request, actor=request.user, reason=form.cleaned_data["note"]
                )
                messages.success(request, f"{fund_request.reference} refused")
        except fund.FundRequestAlreadyDecided as exc:
            messages.info(request, exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("payments:fund_approvals")
        if not form.errors:
            return redirect("payments:fund_approvals")
    return render(request, "payments/fund/decide.html", {
        "fund_request": fund_request,
        "form": form,
        "budget": fund_request.budget,
        "own_request": fund_request.requested_by_id == request.user.pk,
    })


# --- changes to budgets and limits (a finance officer confirms) ---------------------------------


budgets_required = _gate(fund_selectors.can_see_budgets)


@budgets_required
@require_GET
def fund_changes(request: HttpRequest) -> HttpResponse:
    """Changes to budgets and limits waiting for a finance officer, and the latest decided."""
    changes = fund_selectors.fund_changes_for_user(request.user)
    return render(request, "payments/fund/changes.html", {
        "waiting": fund_selectors.fund_changes_waiting(request.user),
        "decided": changes.exclude(status="pending")[:20],
        "can_confirm": fund_selectors.can_confirm_fund_changes(request.user),
    })


@budgets_required
def fund_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = fund_selectors.fund_change_for_finance_or_404(request.user, pk)
    form = FundChangeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                fund.fund_change_confirm(change=change, actor=request.user)
                messages.success(request, f"{change.reference} confirmed: "
                                          f"{change.get_kind_display().lower()} is now "
                                          f"{pence_display(change.new_pence)}")
            else:
                fund.fund_change_reject(
                    change=change, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, f"{change.reference} rejected: nothing has changed")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("payments:fund_changes")
    return render(request, "payments/fund/change_decide.html", {
        "change": change, "form": form, "own_change": change.proposed_by_id == request.user.pk,
    }, status=400 if form.errors else 200)
