"""Notify's callbacks (delivery receipts, received texts) and the preferences pages."""

import hmac
import json

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from brokerage.messaging import selectors, services
from brokerage.messaging.forms import PreferencesForm
from portal.core.http import AuthenticatedHttpRequest

# --- Notify's callbacks --------------------------------------------------------------------


def _callback_payload(request: HttpRequest) -> dict | HttpResponse:
    """The JSON Notify posted, or a refusal: Notify sends the token we gave it as a bearer token."""
    expected = f"Bearer {settings.NOTIFY_CALLBACK_TOKEN}"
    given = request.headers.get("Authorization", "")
    if not settings.NOTIFY_CALLBACK_TOKEN or not hmac.compare_digest(given, expected):
        return JsonResponse({"error": "Unauthorised"}, status=401)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "Not JSON"}, status=400)
    if not isinstance(payload, dict) or "id" not in payload:
        return JsonResponse({"error": "No id"}, status=400)
    return payload


@csrf_exempt
@require_POST
def notify_delivery(request: HttpRequest) -> HttpResponse:
    payload = _callback_payload(request)
    if isinstance(payload, HttpResponse):
        return payload
    services.message_receipt_record(payload=payload)
    return JsonResponse({"result": "ok"})


@csrf_exempt
@require_POST
def notify_inbound_text(request: HttpRequest) -> HttpResponse:
    payload = _callback_payload(request)
    if isinstance(payload, HttpResponse):
        return payload
    services.inbound_text_record(payload=payload)
    return JsonResponse({"result": "ok"})


# --- preferences ---------------------------------------------------------------------------


def _preferences(request: HttpRequest, *, email: str, actor, done_url: str) -> HttpResponse:
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial_choices=selectors.preferences_for(email),
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_update(actor=actor, email=email, choices=form.cleaned_data)
        flash.success(request, "Your choices are saved")
        return redirect(done_url)
    return render(request, "messaging/preferences.html", {"form": form, "email": email})


def preferences_link(request: HttpRequest, token: str) -> HttpResponse:
    """From the link at the foot of every email: no sign-in needed."""
    email = services.preferences_email_from_token(token)
    if email is None:
        raise Http404("This link is not valid")
    return _preferences(request, email=email, actor=None, done_url=request.path)


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _preferences(
        request, email=request.user.email, actor=request.user, done_url=request.path
    )
