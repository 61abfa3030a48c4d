"""Finance's "needs attention" page: Stripe events that did not match the portal's own record,
and money that moved after its request was cancelled. Finance officers only."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from brokerage.payments.incentives.services import is_finance_officer
from brokerage.payments.outbox import selectors as outbox_selectors
from brokerage.payments.outbox import services as outbox
from portal.core.forms import GovUKForm, apply_service_errors

PAGE_SIZE = 50


def finance_officer_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_finance_officer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class AttentionResolveForm(GovUKForm):
    note = forms.CharField(
        label="What did you find, and what did you do?", widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="For example: checked in Stripe, the transfer was made by mistake and has been "
        "reversed (reference FIN-123).",
        error_messages={"required": "Enter what you found and did",
                        "max_length": "Enter what you found and did in 2,000 characters or fewer"},
    )


def _crumbs(*extra):
    return [("Payments", reverse("payments:home")), *extra]


@finance_officer_required
@require_GET
def needs_attention(request: HttpRequest) -> HttpResponse:
    open_items = outbox_selectors.attention_open(request.user)
    return render(request, "payments/attention/list.html", {
        "page_obj": Paginator(open_items, PAGE_SIZE).get_page(request.GET.get("page")),
        "resolved": outbox_selectors.attention_resolved(request.user)[:20],
        "crumbs": _crumbs(("Needs attention", None)),
    })


@finance_officer_required
@require_http_methods(["GET", "POST"])
def attention_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(outbox_selectors.attention_open(request.user), pk=pk)
    form = AttentionResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outbox.money_attention_resolve(
                item=item, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded. The item is no longer waiting for attention.")
            return redirect("payments:needs_attention")
    return render(request, "payments/attention/resolve.html", {
        "item": item, "form": form,
        "crumbs": _crumbs(
            ("Needs attention", reverse("payments:needs_attention")), ("Record what you did", None)
        ),
    }, status=400 if form.errors else 200)
