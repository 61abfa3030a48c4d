"""Partner admins create and revoke their partnership's API tokens. A new token is shown once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from brokerage.api import selectors, services
from brokerage.api.forms import ApiTokenForm
from portal.accounts.permissions import can_manage_api_tokens
from portal.core.forms import apply_service_errors
from portal.core.http import AuthenticatedHttpRequest

NOT_ADMIN = "Only your partnership's admins can manage API tokens"


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not can_manage_api_tokens(request.user):
        raise PermissionDenied(NOT_ADMIN)


@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    tokens = selectors.api_tokens_for_user(request.user)
    return render(request, "api/token_list.html", {"tokens": tokens})


@never_cache
@login_required
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            # Shown on this response only: the portal keeps nothing it could show again.
            return render(request, "api/token_created.html", {"token": token, "raw": raw})
    return render(request, "api/token_form.html", {"form": form})


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    token = selectors.api_token_for_user_or_404(request.user, pk)
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Token ‘{token.name}’ has been revoked. It no longer works.")
    return redirect("api:token_list")
