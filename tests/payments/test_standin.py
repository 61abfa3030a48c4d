"""The Stripe stand-in the portal starts itself in development (no Stripe keys): every money
journey completes offline, its webhooks come back signed, and every page says test mode."""

import datetime
import http.client
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from brokerage.employers.models import Employer
from brokerage.payments import demo as payments_demo
from brokerage.payments.fund import services as fund
from brokerage.payments.models import (
    LedgerEntry,
    LedgerKind,
    StripeAccount,
    StripeTransfer,
    Supplier,
)
from brokerage.payments.stripe import gateway, services
from portal.standins import stripe as standin
from tests.factories.employers import EmployerFactory
from tests.payments.fund_helpers import fund_world, submit
from tests.payments.stub import TEST_WEBHOOK_SECRET, StripeStub, event_payload
from tests.test_settings import PRODUCTION_ENV, _run

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_standin(settings, tmp_path, monkeypatch):
    """Settings as in development without keys; the stand-in's events are handed to the test
    client (``deliver``) instead of its background thread."""
    settings.STRIPE_STANDIN = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.STRIPE_STANDIN_STATE = tmp_path / "stripe-standin.json"
    settings.STRIPE_STANDIN_PORT = 0
    settings.PORTAL_BASE_URL = "http://testserver"
    monkeypatch.setattr(standin.WebhookDeliverer, "start", lambda self: None)
    monkeypatch.setattr(standin, "_development", None)
    server = standin.development_server()
    server.stub.webhook_delay = 0
    yield server
    server.stop()


@pytest.fixture
def deliver(client, dev_standin, django_capture_on_commit_callbacks):
    """Send the stand-in's events to /stripe/webhook/ as its delivery thread would."""

    def send(payload: bytes, signature: str) -> int:
        return client.post("/stripe/webhook/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=signature).status_code

    def _deliver() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return dev_standin.stub.deliver_pending(send)

    return _deliver


def _browser(method: str, url: str, form: dict | None = None) -> tuple[int, str, str]:
    """Open one of the stand-in's pages as a browser would (without following redirects)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = "&".join(f"{k}={v}" for k, v in (form or {}).items())
    connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, response.getheader("Location") or "", text


def test_without_keys_the_gateway_talks_to_the_standin_and_its_state_outlives_the_process(
    dev_standin, settings
):
    account = gateway.connected_account_create(
        email="owner@example.com", business_name="Tees Components Ltd", metadata={},
        idempotency_key="portal-employer-1-connect-account",
    )
    request = dev_standin.stub.requests[-1]
    assert request.headers["authorization"] == f"Bearer {standin.STANDIN_SECRET_KEY}"
    assert not gateway.livemode() and gateway.in_test_mode()

    # Another process (seed_demo, then the web server) reads the same state file.
    other = StripeStub(state_path=settings.STRIPE_STANDIN_STATE)
    with other._state():
        assert account.id in other.accounts
    assert account.id in json.loads(settings.STRIPE_STANDIN_STATE.read_text())["accounts"]


def test_an_employer_finishes_onboarding_on_the_standin_and_its_webhook_makes_payouts_ready(
    dev_standin, deliver
):
    employer = EmployerFactory(name="Tees Components Ltd")
    account = services.employer_payout_account_start(employer=employer, actor=None)
    assert not account.ready
    url = services.payout_account_link(account=account, refresh_url="http://testserver/refresh",
                                       return_url="http://testserver/back")
    assert url.startswith(dev_standin.url + "/setup/e/")

    status, _, page = _browser("GET", url)
    assert status == 200 and "Test mode: no real money moves." in page
    status, location, _ = _browser("POST", url)
    assert (status, location) == (303, "http://testserver/back")
    assert _browser("GET", url)[0] == 404  # an onboarding link is used once

    # Onboarding takes its owner minutes; Stripe's event times are whole seconds, and the
    # portal ignores a snapshot older than the status it holds.
    StripeAccount.objects.filter(pk=account.pk).update(
        status_as_of=account.status_as_of - datetime.timedelta(minutes=5)
    )
    assert deliver() == 1  # account.updated, signed with the portal's webhook secret
    account.refresh_from_db()
    assert account.ready


def test_a_fund_card_purchase_on_the_standin_comes_back_through_its_webhooks(
    dev_standin, deliver, client
):
    participant, key_worker, _, _, _ = fund_world()
    request = fund.fund_request_pay(fund_request=submit(participant, key_worker, amount_pence=6_000))
    assert request.card_id in dev_standin.stub.cards

    client.force_login(key_worker)
    detail = reverse("payments:fund_request_detail", args=[participant.reference, request.pk])
    page = client.get(detail).content.decode()
    assert "Test mode: no real money moves." in page
    link = re.search(r'href="([^"]+)">Make a test purchase with this card', page)[1].replace("&amp;", "&")

    status, location, _ = _browser("POST", link, {"amount": "45.99", "merchant": "Arriva"})
    assert (status, location) == (303, "http://testserver" + detail)
    assert deliver() == 3  # authorisation created, authorisation closed, transaction created

    request.refresh_from_db()
    assert request.spent_pence == 4_599
    entry = LedgerEntry.objects.get(source_id=str(request.pk))
    assert (entry.kind, entry.amount_pence) == (LedgerKind.FUND_CARD, 4_599)
    assert dev_standin.stub.cards[request.card_id]["status"] == "canceled"  # single use

    # The card was cancelled after its one purchase: a second one is declined.
    status, _, page = _browser("POST", link, {"amount": "5.00", "merchant": "Arriva"})
    assert status == 200 and "The card declined the purchase: card inactive." in page


def test_the_standin_declines_a_purchase_over_the_cards_limit(dev_standin):
    participant, key_worker, _, _, _ = fund_world()
    request = fund.fund_request_pay(fund_request=submit(participant, key_worker, amount_pence=6_000))
    authorization = dev_standin.stub.purchase(card_id=request.card_id, amount_pence=6_001,
                                              merchant_name="Arriva")
    assert not authorization["approved"]
    assert authorization["request_history"][0]["reason"] == "spending_controls"
    assert not dev_standin.stub.issuing_transactions


def test_a_transfer_and_its_reversal_reach_the_portal_as_signed_events(dev_standin, deliver):
    employer = EmployerFactory()
    account = services.employer_payout_account_start(employer=employer, actor=None)
    standin.development_account_onboard(account.account_id)
    transfer = gateway.transfer_create(amount_pence=75_000, destination=account.account_id,
                                       idempotency_key="incentive-payment-1")
    gateway.transfer_reversal_create(transfer_id=transfer.id, idempotency_key="clawback-1",
                                     amount_pence=25_000)
    assert [e["type"] for e in dev_standin.stub.events] == [
        "account.updated", "transfer.created", "transfer.reversed",
    ]
    assert deliver() == 3
    mirror = StripeTransfer.objects.get(transfer_id=transfer.id)
    assert (mirror.amount_pence, mirror.amount_reversed_pence) == (75_000, 25_000)


def test_an_event_the_portal_does_not_accept_is_tried_again():
    stub = StripeStub()
    stub.add_account()
    stub._emit("account.updated", next(iter(stub.accounts.values())))
    answers = iter([500, 200])
    sent = []

    def send(payload, signature):
        sent.append(signature)
        return next(answers)

    assert stub.deliver_pending(send) == 0
    stub._pending[0].due = 0  # the retry is due
    assert stub.deliver_pending(send) == 1
    assert len(sent) == 2 and not stub._pending
    # Unreachable: kept for later, in order.
    stub._emit("transfer.created", {"id": "tr_1"})
    stub._emit("transfer.updated", {"id": "tr_1"})

    def down(payload, signature):
        raise ConnectionRefusedError("nothing listening")

    assert stub.deliver_pending(down) == 0
    assert [d.event["type"] for d in stub._pending] == ["transfer.created", "transfer.updated"]


def test_a_forged_event_from_elsewhere_is_still_refused(dev_standin, client):
    payload = event_payload("account.updated", {"id": "acct_x", "object": "account"})
    response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE="t=1,v1=forged")
    assert response.status_code == 400


def test_every_page_says_test_mode_while_no_real_money_can_move(dev_standin, client, settings):
    page = reverse("enquiries:start")
    assert "Test mode: no real money moves." in client.get(page).content.decode()
    settings.STRIPE_STANDIN = False
    settings.STRIPE_SECRET_KEY = "sk_live_" + "x" * 20
    assert "Test mode" not in client.get(page).content.decode()


def test_the_demo_has_an_employer_and_a_supplier_with_ready_payout_accounts(dev_standin):
    EmployerFactory(name="Tees Components Ltd")
    Supplier.objects.create(name="Teesside Workwear Ltd", category="tools")
    out = io.StringIO()
    payments_demo._ready_payout_accounts(out)
    payments_demo._ready_payout_accounts(out)  # idempotent
    employer = Employer.objects.get(name="Tees Components Ltd")
    assert StripeAccount.objects.get(employer=employer).ready
    assert StripeAccount.objects.get(supplier__name="Teesside Workwear Ltd").ready
    assert StripeAccount.objects.count() == 2
    assert "2 payout accounts ready" in out.getvalue()


def test_the_demo_makes_no_payout_accounts_with_real_keys(settings):
    settings.STRIPE_STANDIN = False
    EmployerFactory(name="Tees Components Ltd")
    out = io.StringIO()
    payments_demo._ready_payout_accounts(out)
    assert not StripeAccount.objects.exists()
    assert "not using the Stripe stand-in" in out.getvalue()


def test_production_refuses_to_start_with_the_standin():
    result = _run(["-c", "import django; django.setup()"], {**PRODUCTION_ENV, "STRIPE_STANDIN": "true"})
    assert result.returncode != 0
    assert "STRIPE_STANDIN is for development only" in result.stderr
