"""The portal's only door to Stripe: the one module that imports ``stripe``.

Every function takes and returns plain Python (pence as ``int``, small dataclasses), and every
Stripe failure becomes a ``PaymentProviderError`` whose message a finance officer can read.
Calls that move money require an ``idempotency_key`` derived from the portal record, so a
retried task, a double click or two workers send the same key and Stripe creates one object.

``settings.STRIPE_API_BASE`` points the client at a local stub in tests; with
``settings.STRIPE_STANDIN`` (development without keys) it talks to the stand-in the portal
starts itself (``portal/standins/stripe.py``), in test mode.

The API version is pinned: every request carries ``settings.STRIPE_API_VERSION`` (the version the
installed ``stripe`` library was generated for), so the shape of what Stripe sends back never
changes under the portal when Stripe releases a new version or the account's default moves.
Upgrade the library and the setting together, after reading Stripe's changelog (docs/money.md).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import stripe
from django.conf import settings

CURRENCY = "gbp"
COUNTRY = "GB"


# --- errors -----------------------------------------------------------------------------------


class PaymentProviderError(Exception):
    """Stripe refused or could not do something. ``str(error)`` is safe to show to staff."""

    retryable = False

    def __init__(self, message: str, *, code: str = "", detail: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail  # Stripe's own wording, for logs and audit data


class PaymentProviderUnavailable(PaymentProviderError):
    """Stripe could not be reached or asked us to slow down: safe to try again later."""

    retryable = True


class PaymentObjectMissing(PaymentProviderError):
    """Stripe has no object with that id."""


class InvalidWebhook(Exception):
    """The webhook request was not signed by Stripe with our secret, or is not an event."""


def _translate(exc: stripe.StripeError) -> PaymentProviderError:
    detail = getattr(exc, "user_message", None) or getattr(exc, "_message", None) or str(exc)
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, stripe.APIConnectionError):
        return PaymentProviderUnavailable(
            "Stripe could not be reached. Nothing has been paid. Try again in a few minutes.",
            code="connection", detail=detail,
        )
    if isinstance(exc, stripe.RateLimitError):
        return PaymentProviderUnavailable(
            "Stripe is busy. Nothing has been paid. Try again in a few minutes.",
            code="rate_limit", detail=detail,
        )
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return PaymentProviderError(
            "Stripe did not accept the portal's keys. Ask the service team to check the Stripe "
            "settings. Nothing has been paid.",
            code="authentication", detail=detail,
        )
    if isinstance(exc, stripe.IdempotencyError):
        return PaymentProviderError(
            "Stripe already has a request for this payment with different details. Nothing new "
            "has been paid. Ask the service team to check the payment before trying again.",
            code="idempotency", detail=detail,
        )
    if isinstance(exc, stripe.InvalidRequestError) and code == "resource_missing":
        return PaymentObjectMissing(
            "Stripe has no record of this item.", code=code, detail=detail
        )
    if code == "balance_insufficient":
        return PaymentProviderError(
            "There is not enough money in the programme's Stripe balance. Nothing has been paid. "
            "Ask finance to top up the balance, then try again.",
            code=code, detail=detail,
        )
    if isinstance(exc, stripe.APIError):
        return PaymentProviderUnavailable(
            "Stripe had a problem. Nothing has been paid. Try again in a few minutes.",
            code="api_error", detail=detail,
        )
    return PaymentProviderError(f"Stripe refused the request: {detail}", code=code, detail=detail)


def standin_in_use() -> bool:
    """True when the portal talks to its own Stripe stand-in (development without keys)."""
    return bool(settings.STRIPE_STANDIN)


def in_test_mode() -> bool:
    """True when no real money can move: the stand-in, or Stripe with test keys."""
    return standin_in_use() or (settings.STRIPE_SECRET_KEY or "").startswith(("sk_test_", "rk_test_"))


def _client() -> stripe.StripeClient:
    base_addresses: dict[str, str] = {}
    secret_key = settings.STRIPE_SECRET_KEY or "sk_unset"
    api_base = settings.STRIPE_API_BASE
    if standin_in_use():
        from portal.standins import stripe as standin

        api_base, secret_key = standin.development_server().url, standin.STANDIN_SECRET_KEY
    if api_base:
        base_addresses = {"api": api_base, "connect": api_base}
    return stripe.StripeClient(
        secret_key,
        base_addresses=base_addresses or None,  # type: ignore[arg-type]
        stripe_version=settings.STRIPE_API_VERSION,  # pinned (see the module docstring)
        max_network_retries=2,  # the library retries with the same Idempotency-Key
    )


def onboarding_origin() -> str:
    """Where Stripe's hosted onboarding lives (the stand-in's own page in development). A page
    whose form sends an employer there must allow it in the Content-Security-Policy's
    ``form-action``: browsers apply it to the redirect that follows the form."""
    if standin_in_use():
        from portal.standins import stripe as standin

        base = standin.development_server().url
    else:
        base = settings.STRIPE_API_BASE or "https://connect.stripe.com"
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def livemode() -> bool:
    """True when the portal uses live keys: events and objects must then say ``livemode``."""
    if standin_in_use():
        return False
    return (settings.STRIPE_SECRET_KEY or "").startswith(("sk_live_", "rk_live_"))


def card_test_purchase_url(card_id: str, *, return_url: str) -> str:
    """Where a person can make a test purchase with a card: the stand-in's page ("" unless the
    stand-in is in use; with real Stripe test keys, use the Stripe dashboard)."""
    if not standin_in_use() or not card_id:
        return ""
    from portal.standins import stripe as standin

    return standin.card_purchase_url(card_id, return_url=return_url)


def _list_all(fn, params: dict, *, most: int = 1000) -> list[dict]:
    """Every object of a Stripe list (following ``has_more``), up to ``most``."""
    params = {**params, "limit": 100}
    found: list[dict] = []
    while len(found) < most:
        page = _call(fn, params)
        data = list(_get(page, "data", []))
        found.extend(data)
        if not data or not _get(page, "has_more", False):
            break
        params["starting_after"] = data[-1]["id"]
    return found[:most]


def _call(fn, *args, **kwargs) -> dict:
    """Call the Stripe library; return the object as a plain dict."""
    try:
        obj = fn(*args, **kwargs)
    except stripe.StripeError as exc:
        raise _translate(exc) from exc
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def _options(idempotency_key: str | None) -> dict:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


def _get(obj: Any, key: str, default: Any = None) -> Any:
    try:
        value = obj[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


# --- connected accounts -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectedAccount:
    id: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    requirements_due: list[str] = field(default_factory=list)
    disabled_reason: str = ""


def _account(obj: Any) -> ConnectedAccount:
    requirements = _get(obj, "requirements", {})
    due = list(_get(requirements, "currently_due", [])) + [
        item for item in _get(requirements, "past_due", []) if item not in _get(requirements, "currently_due", [])
    ]
    return ConnectedAccount(
        id=obj["id"],
        charges_enabled=bool(_get(obj, "charges_enabled", False)),
        payouts_enabled=bool(_get(obj, "payouts_enabled", False)),
        details_submitted=bool(_get(obj, "details_submitted", False)),
        requirements_due=due,
        disabled_reason=_get(requirements, "disabled_reason", "") or "",
    )


def account_from_event_object(obj: dict) -> ConnectedAccount:
    """The account snapshot carried by an ``account.updated`` event."""
    return _account(obj)


def connected_account_create(
    *, email: str, business_name: str, metadata: dict[str, str], idempotency_key: str
) -> ConnectedAccount:
    """An Express account in the UK that can receive transfers."""
    params: dict[str, Any] = {
        "type": "express",
        "country": COUNTRY,
        "capabilities": {"transfers": {"requested": True}},
        "business_profile": {"name": business_name[:100]},
        "metadata": metadata,
    }
    if email:
        params["email"] = email
    obj = _call(_client().v1.accounts.create, params, _options(idempotency_key))
    return _account(obj)


def connected_account_retrieve(account_id: str) -> ConnectedAccount:
    return _account(_call(_client().v1.accounts.retrieve, account_id))


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """A short-lived Stripe onboarding URL for the account's owner."""
    obj = _call(
        _client().v1.account_links.create,
        {
            "account": account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        },
    )
    return obj["url"]


# --- transfers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    id: str
    amount_pence: int
    amount_reversed_pence: int
    currency: str
    destination: str
    reversed: bool
    metadata: dict[str, str]
    reversals: list[TransferReversal] = field(default_factory=list)
    transfer_group: str = ""
    livemode: bool = False


@dataclass(frozen=True)
class TransferReversal:
    id: str
    transfer_id: str
    amount_pence: int
    currency: str


def _reversal(obj: Any) -> TransferReversal:
    transfer = _get(obj, "transfer", "")
    return TransferReversal(
        id=obj["id"],
        transfer_id=transfer if isinstance(transfer, str) else _get(transfer, "id", ""),
        amount_pence=int(_get(obj, "amount", 0)),
        currency=_get(obj, "currency", CURRENCY),
    )


def _transfer(obj: Any) -> Transfer:
    destination = _get(obj, "destination", "")
    metadata = _get(obj, "metadata", {})
    reversals = _get(_get(obj, "reversals", {}), "data", [])
    return Transfer(
        id=obj["id"],
        amount_pence=int(_get(obj, "amount", 0)),
        amount_reversed_pence=int(_get(obj, "amount_reversed", 0)),
        currency=_get(obj, "currency", CURRENCY),
        destination=destination if isinstance(destination, str) else _get(destination, "id", ""),
        reversed=bool(_get(obj, "reversed", False)),
        metadata={str(k): str(v) for k, v in dict(metadata).items()},
        reversals=[_reversal(r) for r in reversals],
        transfer_group=_get(obj, "transfer_group", "") or "",
        livemode=bool(_get(obj, "livemode", False)),
    )


def transfer_from_event_object(obj: dict) -> Transfer:
    """The transfer snapshot carried by a ``transfer.*`` event."""
    return _transfer(obj)


def transfer_create(
    *,
    amount_pence: int,
    destination: str,
    idempotency_key: str,
    metadata: dict[str, str] | None = None,
    description: str = "",
    transfer_group: str = "",
) -> Transfer:
    """Move ``amount_pence`` from the platform balance to a connected account.

    ``idempotency_key`` must be derived from the portal's payment record (e.g.
    ``"incentive-payment-42"``): the same key always returns the same transfer.
    """
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
        raise ValueError("amount_pence must be a positive whole number of pence")
    if not idempotency_key:
        raise ValueError("a transfer needs an idempotency key derived from the payment")
    params: dict[str, Any] = {
        "amount": amount_pence,
        "currency": CURRENCY,
        "destination": destination,
        "metadata": metadata or {},
    }
    if description:
        params["description"] = description[:500]
    if transfer_group:
        params["transfer_group"] = transfer_group
    return _transfer(_call(_client().v1.transfers.create, params, _options(idempotency_key)))


def transfer_retrieve(transfer_id: str) -> Transfer:
    return _transfer(_call(_client().v1.transfers.retrieve, transfer_id))


def transfers_list(*, transfer_group: str = "", destination: str = "") -> list[Transfer]:
    """The transfers of a transfer group (or to a destination), newest first: how the portal
    finds a transfer it may have made once Stripe has forgotten the idempotency key."""
    params: dict[str, Any] = {}
    if transfer_group:
        params["transfer_group"] = transfer_group
    if destination:
        params["destination"] = destination
    if not params:
        raise ValueError("list transfers by transfer group or destination, never all of them")
    return [_transfer(obj) for obj in _list_all(_client().v1.transfers.list, params)]


def transfer_reversal_create(
    *,
    transfer_id: str,
    idempotency_key: str,
    amount_pence: int | None = None,
    metadata: dict[str, str] | None = None,
) -> TransferReversal:
    """Take money back from a transfer (all of what is left when ``amount_pence`` is None)."""
    if not idempotency_key:
        raise ValueError("a reversal needs an idempotency key derived from the clawback")
    params: dict[str, Any] = {"metadata": metadata or {}}
    if amount_pence is not None:
        if not isinstance(amount_pence, int) or amount_pence <= 0:
            raise ValueError("amount_pence must be a positive whole number of pence")
        params["amount"] = amount_pence
    obj = _call(
        _client().v1.transfers.reversals.create, transfer_id, params, _options(idempotency_key)
    )
    return _reversal(obj)


def transfer_reversal_retrieve(*, transfer_id: str, reversal_id: str) -> TransferReversal:
    return _reversal(_call(_client().v1.transfers.reversals.retrieve, transfer_id, reversal_id))


# --- Issuing (flexible fund virtual cards) -----------------------------------------------------


@dataclass(frozen=True)
class IssuingCard:
    id: str
    cardholder_id: str
    last4: str
    status: str
    spending_limit_pence: int
    currency: str
    metadata: dict[str, str] = field(default_factory=dict)


def _card(obj: Any) -> IssuingCard:
    cardholder = _get(obj, "cardholder", "")
    limits = _get(_get(obj, "spending_controls", {}), "spending_limits", [])
    all_time = [limit for limit in limits if _get(limit, "interval") == "all_time"]
    return IssuingCard(
        id=obj["id"],
        cardholder_id=cardholder if isinstance(cardholder, str) else _get(cardholder, "id", ""),
        last4=_get(obj, "last4", ""),
        status=_get(obj, "status", ""),
        spending_limit_pence=int(_get(all_time[0], "amount", 0)) if all_time else 0,
        currency=_get(obj, "currency", CURRENCY),
        metadata={str(k): str(v) for k, v in dict(_get(obj, "metadata", {})).items()},
    )


def card_from_event_object(obj: dict) -> IssuingCard:
    """The card an ``issuing_authorization.*`` event carries (expanded there)."""
    return _card(obj)


def issuing_cardholder_create(
    *, name: str, email: str, address: dict[str, str], idempotency_key: str
) -> str:
    """A cardholder for the key worker who will use the card; returns its id.

    ``address`` has ``line1``, ``city`` and ``postal_code`` (the partner's office address).
    """
    params = {
        "type": "individual",
        "name": name[:24],
        "email": email,
        "billing": {"address": {**address, "country": COUNTRY}},
    }
    obj = _call(_client().v1.issuing.cardholders.create, params, _options(idempotency_key))
    return obj["id"]


def issuing_card_create(
    *,
    cardholder_id: str,
    amount_pence: int,
    idempotency_key: str,
    metadata: dict[str, str] | None = None,
) -> IssuingCard:
    """An active virtual card that can never spend more than ``amount_pence`` in total."""
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
        raise ValueError("amount_pence must be a positive whole number of pence")
    if not idempotency_key:
        raise ValueError("a card needs an idempotency key derived from the fund request")
    params = {
        "cardholder": cardholder_id,
        "currency": CURRENCY,
        "type": "virtual",
        "status": "active",
        "spending_controls": {
            "spending_limits": [{"amount": amount_pence, "interval": "all_time"}],
        },
        "metadata": metadata or {},
    }
    return _card(_call(_client().v1.issuing.cards.create, params, _options(idempotency_key)))


def issuing_card_retrieve(card_id: str) -> IssuingCard:
    return _card(_call(_client().v1.issuing.cards.retrieve, card_id))


def issuing_cards_list(*, cardholder_id: str) -> list[IssuingCard]:
    """A cardholder's cards, newest first (to find a card once its key has been forgotten)."""
    if not cardholder_id:
        raise ValueError("list the cards of one cardholder")
    found = _list_all(_client().v1.issuing.cards.list, {"cardholder": cardholder_id})
    return [_card(obj) for obj in found]


def issuing_card_cancel(card_id: str) -> IssuingCard:
    """Cancel a card (after its one purchase, or when the request is withdrawn)."""
    return _card(_call(_client().v1.issuing.cards.update, card_id, {"status": "canceled"}))


@dataclass(frozen=True)
class IssuingTransactionData:
    id: str
    card_id: str
    authorization_id: str
    amount_pence: int  # Stripe's sign: purchases are negative
    currency: str
    type: str
    merchant_name: str


def issuing_transaction_from_event_object(obj: dict) -> IssuingTransactionData:
    card = _get(obj, "card", "")
    authorization = _get(obj, "authorization", "")
    return IssuingTransactionData(
        id=obj["id"],
        card_id=card if isinstance(card, str) else _get(card, "id", ""),
        authorization_id=(
            authorization if isinstance(authorization, str) else _get(authorization, "id", "")
        ),
        amount_pence=int(_get(obj, "amount", 0)),
        currency=_get(obj, "currency", CURRENCY),
        type=_get(obj, "type", ""),
        merchant_name=_get(_get(obj, "merchant_data", {}), "name", ""),
    )


def issuing_transaction_retrieve(transaction_id: str) -> IssuingTransactionData:
    obj = _call(_client().v1.issuing.transactions.retrieve, transaction_id)
    return issuing_transaction_from_event_object(obj)


# --- webhooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    created: datetime.datetime | None
    livemode: bool
    payload: dict


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON a database can store")


def _has_nul(data: Any) -> bool:
    """True when a string anywhere in ``data`` (keys too) holds U+0000, which PostgreSQL's
    ``jsonb`` refuses. Walked without recursion: the parser already bounded the depth."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


#: Longest event id and type the ``StripeEvent`` columns hold.
_EVENT_ID_MAX, _EVENT_TYPE_MAX = 255, 100


def _event_fields(data: Any) -> tuple[str, str, datetime.datetime | None, bool]:
    """(id, type, created, livemode) of a Stripe event; ``InvalidWebhook`` if it is not one."""
    if not isinstance(data, dict) or data.get("object", "event") != "event":
        raise InvalidWebhook("Invalid payload: not a Stripe event")
    event_id, event_type = data.get("id"), data.get("type")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= _EVENT_ID_MAX:
        raise InvalidWebhook("Invalid payload: no event id")
    if not isinstance(event_type, str) or not 0 < len(event_type) <= _EVENT_TYPE_MAX:
        raise InvalidWebhook("Invalid payload: no event type")
    body = data.get("data")
    if not isinstance(body, dict) or not isinstance(body.get("object"), dict):
        raise InvalidWebhook("Invalid payload: no event data object")
    livemode = data.get("livemode", False)
    if not isinstance(livemode, bool):
        raise InvalidWebhook("Invalid payload: livemode is not true or false")
    created = data.get("created")
    when = None
    if created is not None:
        if isinstance(created, bool) or not isinstance(created, int):
            raise InvalidWebhook("Invalid payload: created is not a timestamp")
        try:
            when = datetime.datetime.fromtimestamp(created, tz=datetime.UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise InvalidWebhook("Invalid payload: created is not a timestamp") from exc
    if _has_nul(data):
        raise InvalidWebhook("Invalid payload: contains a NUL character")
    return event_id, event_type, when, livemode


def webhook_event_construct(*, payload: bytes, sig_header: str) -> WebhookEvent:
    """Verify the Stripe-Signature header on the raw request body and parse the event.

    Raises ``InvalidWebhook`` when the signature is missing, wrong or too old, or the body is
    not a Stripe event that can be stored: not JSON (or JSON nested too deep to parse), not an
    object, no string id or type (or longer than their columns), no ``data.object``, a
    ``created`` that is not a timestamp, NaN/Infinity or NUL characters (which the database's
    JSON refuses). A correctly signed body is still only data from the network.
    """
    if not sig_header:
        raise InvalidWebhook("Missing Stripe-Signature header")
    try:
        # Verify only: the library's own construct_event assumes the body is an event object.
        stripe.WebhookSignature.verify_header(
            payload, sig_header, settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        data = json.loads(payload, parse_constant=_reject_constant)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook("Invalid signature") from exc
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidWebhook("Invalid payload") from exc
    event_id, event_type, created, livemode = _event_fields(data)
    return WebhookEvent(
        id=event_id, type=event_type, created=created, livemode=livemode, payload=data
    )
