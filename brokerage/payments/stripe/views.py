"""The Stripe webhook endpoint and employers' payout account pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from brokerage.employers.models import MembershipRole
from brokerage.employers.selectors import employer_for_member_or_404
from brokerage.payments.access import employer_required
from brokerage.payments.stripe import gateway, inbox, selectors, services

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
    inbox.stripe_event_receive(event=event)
    return HttpResponse("ok", content_type="text/plain")


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
