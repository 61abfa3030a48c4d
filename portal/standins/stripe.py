"""A local stand-in for the parts of the Stripe API the portal uses.

The real ``stripe`` library talks to it over HTTP on 127.0.0.1 (the gateway's base address),
so the requests the portal sends (form-encoded params, ``Idempotency-Key`` headers) are the
requests Stripe would get. It records every request and honours idempotency keys like Stripe:
the same key replays the first response; the same key with different params is an error.

It has what the portal uses: Connect accounts and their onboarding links, transfers and
reversals, Issuing cardholders, cards, authorisations and transactions (with Stripe's test
helpers to authorise and capture a purchase), and the events Stripe sends for them, signed as
Stripe signs webhooks (``Stripe-Signature``) and delivered to the portal's ``/stripe/webhook/``.

Two users:

- The tests steer it through the ``StripeStub`` object (``tests/payments/stub.py`` re-exports
  this module): ``stub.accounts[...]`` to change an account, ``stub.fail_next(...)`` to make the
  next request fail, ``stub.deliver_pending(send)`` to hand its events to the test client.
- Development and the demo (``settings.STRIPE_STANDIN``: no Stripe keys outside production):
  ``development_server()`` starts it in the portal's own process the first time the gateway
  needs Stripe. Its state is kept in a JSON file (``settings.STRIPE_STANDIN_STATE``), so
  ``seed_demo`` and the web server see the same accounts; a background thread delivers its
  events to the portal, retrying as Stripe does; the onboarding link and the "make a test
  purchase" page of a card are small pages it serves itself. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import hmac
import html
import itertools
import json
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

logger = logging.getLogger(__name__)

TEST_SECRET_KEY = "sk_test_portal_stub"
TEST_WEBHOOK_SECRET = "whsec_test_portal_stub"
#: The key the gateway uses with the development stand-in (a test key: never live).
STANDIN_SECRET_KEY = "sk_test_portal_standin"
#: How often an event is tried (as Stripe retries a webhook the endpoint did not accept).
WEBHOOK_ATTEMPTS = 8


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict  # nested, as Stripe would decode them
    flat_params: list[tuple[str, str]]
    idempotency_key: str | None
    headers: dict[str, str]


@dataclass
class _Hold:
    """Answer a request only once released: the object is made (and its key remembered) first."""

    method: str
    path_prefix: str
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Failure:
    status: int
    error: dict
    path_prefix: str = ""


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """``a[b][0][c]=1`` → ``{"a": {"b": [{"c": "1"}]}}`` (lists from numeric keys)."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})

    def listify(value):
        if isinstance(value, dict):
            converted = {k: listify(v) for k, v in value.items()}
            if converted and all(k.isdigit() for k in converted):
                return [converted[k] for k in sorted(converted, key=int)]
            return converted
        return value

    return listify(root)


@dataclass
class _Delivery:
    """An event on its way to the portal's webhook endpoint."""

    event: dict
    due: float
    attempts: int = 0


#: What is kept in the state file (development): everything Stripe would remember.
_PERSISTED = ("accounts", "transfers", "cardholders", "cards", "issuing_transactions",
              "authorizations", "account_links", "_idempotency")


@dataclass
class StripeStub:
    """The stand-in's state. Objects are plain dicts shaped like Stripe's JSON.

    ``public_url`` (its own address) makes account links open its onboarding page instead of
    a connect.stripe.com address; ``return_url_prefix`` is where its pages may send a browser
    back to; ``state_path`` keeps the objects in a JSON file shared by every process.
    """

    requests: list[RecordedRequest] = field(default_factory=list)
    accounts: dict[str, dict] = field(default_factory=dict)
    transfers: dict[str, dict] = field(default_factory=dict)
    cardholders: dict[str, dict] = field(default_factory=dict)
    cards: dict[str, dict] = field(default_factory=dict)
    issuing_transactions: dict[str, dict] = field(default_factory=dict)
    authorizations: dict[str, dict] = field(default_factory=dict)
    account_links: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    balance_pence: int = 10_000_000
    webhook_secret: str = TEST_WEBHOOK_SECRET
    webhook_delay: float = 0.0  # seconds before an event is first sent
    public_url: str = ""
    return_url_prefix: str = ""
    state_path: Path | None = None
    _pending: list[_Delivery] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, int, dict]] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _holds: list[_Hold] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _state_depth: int = 0

    # --- test controls ------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            for hold in self._holds:
                hold.released.set()
            for store in (self.requests, self.accounts, self.transfers, self.cardholders,
                          self.cards, self.issuing_transactions, self.authorizations,
                          self.account_links, self.events, self._pending, self._idempotency,
                          self._failures, self._holds):
                store.clear()
            self.balance_pence = 10_000_000

    # --- state shared between processes (development) ------------------------------------------

    @contextlib.contextmanager
    def _state(self) -> Iterator[None]:
        """Hold the stand-in's lock; with a state file, read it first and write it after, under
        an exclusive file lock (``seed_demo`` and the web server are different processes)."""
        with self._lock:
            if self.state_path is None or self._state_depth:
                self._state_depth += 1
                try:
                    yield
                finally:
                    self._state_depth -= 1
                return
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.state_path.with_suffix(".lock"), "a") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
                try:
                    self._load()
                    self._state_depth += 1
                    try:
                        yield
                    finally:
                        self._state_depth -= 1
                        self._save()
                finally:
                    fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _load(self) -> None:
        assert self.state_path is not None
        try:
            data = json.loads(self.state_path.read_text())
        except (FileNotFoundError, ValueError):
            return
        for name in _PERSISTED:
            store = getattr(self, name)
            store.clear()
            store.update(data.get(name, {}))
        self._idempotency.update({k: tuple(v) for k, v in self._idempotency.items()})
        self.balance_pence = int(data.get("balance_pence", self.balance_pence))

    def _save(self) -> None:
        assert self.state_path is not None
        data = {name: getattr(self, name) for name in _PERSISTED}
        data["balance_pence"] = self.balance_pence
        partial = self.state_path.with_suffix(".partial")
        partial.write_text(json.dumps(data))
        partial.replace(self.state_path)

    # --- events (webhooks) ---------------------------------------------------------------------

    def _emit(self, event_type: str, obj: dict) -> dict:
        """Record the event Stripe would send now, and queue it for the webhook endpoint."""
        event = json.loads(event_payload(event_type, copy.deepcopy(obj)))
        self.events.append(event)
        self._pending.append(_Delivery(event=event, due=time.monotonic() + self.webhook_delay))
        return event

    def events_of(self, event_type: str) -> list[dict]:
        return [event for event in self.events if event["type"] == event_type]

    def deliver_pending(self, send: Callable[[bytes, str], int]) -> int:
        """Send each event that is due, signed: ``send(payload, signature)`` returns the HTTP
        status. One not accepted (not 2xx, or the endpoint unreachable) is tried again later,
        up to ``WEBHOOK_ATTEMPTS`` times. Returns the number delivered. The lock is not held
        while sending: handling an event may call the stand-in's API."""
        now = time.monotonic()
        with self._lock:
            due = [d for d in self._pending if d.due <= now]
            for delivery in due:
                self._pending.remove(delivery)
        delivered = 0
        for index, delivery in enumerate(due):
            payload = json.dumps(delivery.event).encode()
            try:
                status = send(payload, sign(payload, self.webhook_secret))
            except OSError as exc:
                status = 0
                logger.info("Stripe stand-in: webhook not delivered (%s)", exc)
            if 200 <= status < 300:
                delivered += 1
                continue
            delivery.attempts += 1
            with self._lock:
                if delivery.attempts < WEBHOOK_ATTEMPTS:
                    delivery.due = time.monotonic() + 2 ** delivery.attempts
                    self._pending.append(delivery)
                else:
                    logger.warning("Stripe stand-in: gave up on event %s", delivery.event["id"])
                # keep the order: what was not tried this time goes back behind it
                if status == 0:
                    for later in due[index + 1:]:
                        self._pending.append(later)
                    return delivered
        return delivered

    def fail_next(self, status: int = 500, *, type: str = "api_error", code: str = "",
                  message: str = "Something went wrong", path_prefix: str = "") -> None:
        """The next request (optionally only one whose path starts with ``path_prefix``) fails."""
        error = {"type": type, "message": message}
        if code:
            error["code"] = code
        self._failures.append(_Failure(status, error, path_prefix))

    def hold(self, method: str, path_prefix: str) -> _Hold:
        """The next matching request is carried out, then its answer waits for
        ``hold.released.set()`` (``hold.reached`` is set once the object exists): the moment
        between Stripe making a transfer and the portal hearing about it."""
        hold = _Hold(method, path_prefix)
        self._holds.append(hold)
        return hold

    def _take_hold(self, method: str, path: str) -> _Hold | None:
        with self._lock:
            for hold in self._holds:
                if hold.method == method and path.startswith(hold.path_prefix):
                    self._holds.remove(hold)
                    return hold
        return None

    def forget_idempotency_keys(self) -> None:
        """What Stripe does to keys older than 24 hours: the same key now makes a new object."""
        with self._lock:
            self._idempotency.clear()

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def complete_onboarding(self, account_id: str) -> dict:
        """What Stripe's account looks like once its owner has finished onboarding (and the
        ``account.updated`` event Stripe sends)."""
        with self._state():
            account = self.accounts[account_id]
            account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
            account["capabilities"] = {"transfers": "active"}
            account["requirements"].update(currently_due=[], past_due=[], disabled_reason=None)
            self._emit("account.updated", account)
            return account

    def purchase(self, *, card_id: str, amount_pence: int, merchant_name: str) -> dict:
        """A purchase on a card, as Stripe's test helpers make one: authorised against the
        card's spending controls and, when approved, captured. Returns the authorisation."""
        with self._state():
            status, authorization = self._authorization_create({
                "card": card_id, "amount": str(amount_pence),
                "merchant_data": {"name": merchant_name},
            })
            if status != 200:
                raise ValueError(authorization["error"]["message"])
            if authorization["approved"]:
                _, authorization = self._authorization_capture({}, id=authorization["id"])
            return authorization

    def add_account(self, **overrides) -> dict:
        """An account that exists in Stripe (e.g. made in an earlier test step)."""
        with self._lock:
            account = self._new_account({})
            account.update(overrides)
            self.accounts[account["id"]] = account
            return account

    def add_issuing_transaction(self, *, card_id: str, amount_pence: int, **overrides) -> dict:
        with self._lock:
            obj = {
                "id": self._id("ipi"), "object": "issuing.transaction", "amount": -amount_pence,
                "currency": "gbp", "card": card_id, "authorization": self._id("iauth"),
                "type": "capture", "created": int(time.time()), "livemode": False,
                "merchant_data": {"name": "Stub Supplies Ltd"}, "metadata": {},
            }
            obj.update(overrides)
            self.issuing_transactions[obj["id"]] = obj
            return obj

    # --- request handling ---------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):04d}{secrets.token_hex(6)}"

    def handle(self, method: str, path: str, pairs: list[tuple[str, str]],
               headers: dict[str, str]) -> tuple[int, dict, dict]:
        params = decode_form(pairs)
        key = headers.get("idempotency-key")
        with self._state():
            self.requests.append(RecordedRequest(method, path, params, pairs, key, headers))
            if not headers.get("authorization", "").startswith("Bearer sk_test_"):
                return 401, {"error": {"type": "invalid_request_error",
                                       "message": "Invalid API Key provided"}}, {}
            for failure in list(self._failures):
                if path.startswith(failure.path_prefix):
                    self._failures.remove(failure)
                    return failure.status, {"error": failure.error}, {}
            fingerprint = json.dumps([method, path, sorted(pairs)])
            if method == "POST" and key and key in self._idempotency:
                first_fingerprint, status, body = self._idempotency[key]
                if first_fingerprint != fingerprint:
                    return 400, {"error": {
                        "type": "idempotency_error",
                        "message": "Keys for idempotent requests can only be used with the same "
                                   "parameters they were first used with.",
                    }}, {}
                return status, body, {"Idempotent-Replayed": "true"}
            status, body = self._route(method, path, params)
            if method == "POST" and key and status < 500:
                self._idempotency[key] = (fingerprint, status, body)
            return status, body, {}

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        routes = [
            ("POST", r"/v1/accounts", self._account_create),
            ("GET", r"/v1/accounts/(?P<id>[^/]+)", self._account_get),
            ("POST", r"/v1/account_links", self._account_link_create),
            ("POST", r"/v1/transfers", self._transfer_create),
            ("GET", r"/v1/transfers", self._transfer_list),
            ("GET", r"/v1/transfers/(?P<id>[^/]+)", self._transfer_get),
            ("POST", r"/v1/transfers/(?P<id>[^/]+)/reversals", self._reversal_create),
            ("GET", r"/v1/transfers/(?P<id>[^/]+)/reversals/(?P<rid>[^/]+)", self._reversal_get),
            ("POST", r"/v1/issuing/cardholders", self._cardholder_create),
            ("POST", r"/v1/issuing/cards", self._card_create),
            ("GET", r"/v1/issuing/cards", self._card_list),
            ("GET", r"/v1/issuing/cards/(?P<id>[^/]+)", self._card_get),
            ("POST", r"/v1/issuing/cards/(?P<id>[^/]+)", self._card_update),
            ("GET", r"/v1/issuing/transactions/(?P<id>[^/]+)", self._issuing_transaction_get),
            ("GET", r"/v1/issuing/authorizations/(?P<id>[^/]+)", self._authorization_get),
            ("POST", r"/v1/test_helpers/issuing/authorizations", self._authorization_create),
            ("POST", r"/v1/test_helpers/issuing/authorizations/(?P<id>[^/]+)/capture",
             self._authorization_capture),
        ]
        for route_method, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return view(params, **match.groupdict())
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")

    # accounts

    def _new_account(self, params: dict) -> dict:
        return {
            "id": self._id("acct"), "object": "account", "type": params.get("type", "express"),
            "country": params.get("country", "GB"), "email": params.get("email"),
            "business_profile": params.get("business_profile", {}),
            "capabilities": {"transfers": "inactive"},
            "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "requirements": {
                "currently_due": ["external_account", "individual.first_name"],
                "past_due": [], "disabled_reason": "requirements.past_due",
            },
            "metadata": params.get("metadata", {}), "created": int(time.time()),
        }

    def _account_create(self, params):
        account = self._new_account(params)
        self.accounts[account["id"]] = account
        return 200, account

    def _account_get(self, params, id):
        if id not in self.accounts:
            return 404, _missing("account", id)
        return 200, self.accounts[id]

    def _account_link_create(self, params):
        account = params.get("account", "")
        if account not in self.accounts:
            return 400, _error(f"No such account: '{account}'", code="resource_missing",
                               param="account")
        for name in ("refresh_url", "return_url", "type"):
            if not params.get(name):
                return 400, _error(f"Missing required param: {name}.", code="parameter_missing",
                                   param=name)
        now = int(time.time())
        token = secrets.token_urlsafe(8)
        if self.public_url:  # the stand-in's own onboarding page (development)
            self.account_links[token] = {
                "account": account, "expires_at": now + 300,
                "refresh_url": params["refresh_url"], "return_url": params["return_url"],
            }
            url = f"{self.public_url}/setup/e/{account}/{token}"
        else:
            url = f"https://connect.stripe.com/setup/e/{account}/{token}"
        return 200, {"object": "account_link", "created": now, "expires_at": now + 300, "url": url}

    # transfers

    def _transfer_create(self, params):
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            return 400, _error("Invalid integer: amount", code="parameter_invalid_integer",
                               param="amount")
        destination = params.get("destination", "")
        if destination not in self.accounts:
            return 400, _error(f"No such destination: '{destination}'",
                               code="resource_missing", param="destination")
        if amount > self.balance_pence:
            return 400, _error("You have insufficient available funds in your Stripe account.",
                               code="balance_insufficient")
        self.balance_pence -= amount
        transfer_id = self._id("tr")
        transfer = {
            "id": transfer_id, "object": "transfer", "amount": amount, "amount_reversed": 0,
            "currency": params.get("currency", "gbp"), "destination": destination,
            "description": params.get("description"), "metadata": params.get("metadata", {}),
            "reversed": False, "transfer_group": params.get("transfer_group"),
            "created": int(time.time()), "livemode": False,
            "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                          "url": f"/v1/transfers/{transfer_id}/reversals"},
        }
        self.transfers[transfer_id] = transfer
        self._emit("transfer.created", transfer)
        return 200, transfer

    def _transfer_list(self, params):
        found = [t for t in self.transfers.values()
                 if params.get("transfer_group") in (None, t.get("transfer_group"))
                 and params.get("destination") in (None, t["destination"])]
        return 200, _page(found[::-1], params, "/v1/transfers")  # newest first, as Stripe

    def _transfer_get(self, params, id):
        if id not in self.transfers:
            return 404, _missing("transfer", id)
        return 200, self.transfers[id]

    def _reversal_create(self, params, id):
        transfer = self.transfers.get(id)
        if transfer is None:
            return 404, _missing("transfer", id)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = int(params.get("amount", remaining))
        if amount <= 0 or amount > remaining:
            return 400, _error("Amount exceeds the amount left on the transfer.",
                               code="parameter_invalid_integer", param="amount")
        reversal = {
            "id": self._id("trr"), "object": "transfer_reversal", "amount": amount,
            "currency": transfer["currency"], "transfer": id, "created": int(time.time()),
            "metadata": params.get("metadata", {}),
        }
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        transfer["reversals"]["total_count"] += 1
        self.balance_pence += amount
        self._emit("transfer.reversed", transfer)
        return 200, reversal

    def _reversal_get(self, params, id, rid):
        transfer = self.transfers.get(id)
        for reversal in (transfer or {}).get("reversals", {}).get("data", []):
            if reversal["id"] == rid:
                return 200, reversal
        return 404, _missing("transfer_reversal", rid)

    # issuing

    def _cardholder_create(self, params):
        if not params.get("name"):
            return 400, _error("Missing required param: name.", code="parameter_missing",
                               param="name")
        cardholder = {
            "id": self._id("ich"), "object": "issuing.cardholder", "type": params.get("type"),
            "name": params["name"], "email": params.get("email"),
            "billing": params.get("billing", {}), "status": "active",
            "created": int(time.time()),
        }
        self.cardholders[cardholder["id"]] = cardholder
        return 200, cardholder

    def _card_create(self, params):
        holder = params.get("cardholder", "")
        if holder not in self.cardholders:
            return 400, _error(f"No such cardholder: '{holder}'", code="resource_missing",
                               param="cardholder")
        limits = params.get("spending_controls", {}).get("spending_limits", [])
        card = {
            "id": self._id("ic"), "object": "issuing.card", "cardholder": holder,
            "currency": params.get("currency", "gbp"), "type": params.get("type", "virtual"),
            "status": params.get("status", "inactive"), "last4": f"{secrets.randbelow(10000):04d}",
            "brand": "Visa", "exp_month": 12, "exp_year": 2030,
            "spending_controls": {
                "spending_limits": [
                    {"amount": int(limit["amount"]), "interval": limit["interval"]}
                    for limit in limits
                ],
                "allowed_categories": None, "blocked_categories": None,
            },
            "metadata": params.get("metadata", {}), "created": int(time.time()),
        }
        self.cards[card["id"]] = card
        return 200, card

    def _card_list(self, params):
        found = [c for c in self.cards.values()
                 if params.get("cardholder") in (None, c["cardholder"])
                 and params.get("status") in (None, c["status"])]
        return 200, _page(found[::-1], params, "/v1/issuing/cards")

    def _card_get(self, params, id):
        if id not in self.cards:
            return 404, _missing("issuing.card", id)
        return 200, self.cards[id]

    def _card_update(self, params, id):
        if id not in self.cards:
            return 404, _missing("issuing.card", id)
        if "status" in params and params["status"] != self.cards[id]["status"]:
            self.cards[id]["status"] = params["status"]
            self._emit("issuing_card.updated", self.cards[id])
        return 200, self.cards[id]

    def _issuing_transaction_get(self, params, id):
        if id not in self.issuing_transactions:
            return 404, _missing("issuing.transaction", id)
        return 200, self.issuing_transactions[id]

    def _card_spent(self, card_id: str) -> int:
        """What the card has spent or holds: captures (net of refunds) and pending approvals."""
        captured = -sum(t["amount"] for t in self.issuing_transactions.values()
                        if t["card"] == card_id)
        held = sum(a["amount"] for a in self.authorizations.values()
                   if a["card"]["id"] == card_id and a["status"] == "pending" and a["approved"])
        return captured + held

    def _authorization_create(self, params):
        """``POST /v1/test_helpers/issuing/authorizations``: approved when the card is active and
        the amount fits its all-time spending limit (Stripe's spending controls)."""
        card = self.cards.get(params.get("card", ""))
        if card is None:
            return 400, _error(f"No such card: '{params.get('card', '')}'",
                               code="resource_missing", param="card")
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            return 400, _error("Invalid integer: amount", code="parameter_invalid_integer",
                               param="amount")
        if amount <= 0:
            return 400, _error("Amount must be positive.", code="parameter_invalid_integer",
                               param="amount")
        limits = [int(limit["amount"])
                  for limit in card["spending_controls"]["spending_limits"]
                  if limit["interval"] == "all_time"]
        reason = ""
        if card["status"] != "active":
            reason = "card_inactive"
        elif limits and self._card_spent(card["id"]) + amount > min(limits):
            reason = "spending_controls"
        approved = not reason
        authorization = {
            "id": self._id("iauth"), "object": "issuing.authorization",
            "amount": amount if approved else 0, "approved": approved,
            "authorization_method": "online", "card": copy.deepcopy(card),
            "cardholder": card["cardholder"], "currency": card["currency"],
            "merchant_amount": amount, "merchant_currency": card["currency"],
            "merchant_data": {"name": (params.get("merchant_data") or {}).get("name")
                              or "Test merchant", "category": "bus_lines"},
            "pending_request": None,
            "request_history": [{"amount": amount, "approved": approved,
                                 "reason": reason or "webhook_approved",
                                 "created": int(time.time())}],
            "status": "pending" if approved else "closed", "transactions": [],
            "created": int(time.time()), "livemode": False, "metadata": {},
        }
        self.authorizations[authorization["id"]] = authorization
        self._emit("issuing_authorization.created", authorization)
        return 200, authorization

    def _authorization_get(self, params, id):
        if id not in self.authorizations:
            return 404, _missing("issuing.authorization", id)
        return 200, self.authorizations[id]

    def _authorization_capture(self, params, id):
        authorization = self.authorizations.get(id)
        if authorization is None:
            return 404, _missing("issuing.authorization", id)
        if authorization["status"] != "pending":
            return 400, _error("This authorization has already been captured or reversed.",
                               code="authorization_not_pending")
        transaction = self.add_issuing_transaction(
            card_id=authorization["card"]["id"], amount_pence=authorization["amount"],
            authorization=id, merchant_data=dict(authorization["merchant_data"]),
            cardholder=authorization["cardholder"],
        )
        authorization["status"] = "closed"
        authorization["transactions"].append(copy.deepcopy(transaction))
        self._emit("issuing_authorization.updated", authorization)
        self._emit("issuing_transaction.created", transaction)
        return 200, authorization

    # --- pages a person opens in a browser (development) ---------------------------------------

    def page(self, method: str, path: str, query: dict[str, str],
             form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """The stand-in's own pages: Connect onboarding and a card's test purchase."""
        with self._state():
            match = re.fullmatch(r"/setup/e/(?P<account>[^/]+)/(?P<token>[^/]+)", path)
            if match:
                return self._onboarding_page(method, **match.groupdict())
            match = re.fullmatch(r"/test/issuing/cards/(?P<card_id>[^/]+)", path)
            if match:
                return self._card_page(method, match["card_id"], query, form)
        return 404, _html("Page not found", "<p>There is no page at this address.</p>"), {}

    def _back_to(self, url: str) -> str:
        """A portal address to send the browser back to, or "" if it is not the portal's."""
        if url and self.return_url_prefix and url.startswith(self.return_url_prefix + "/"):
            return url
        return ""

    def _onboarding_page(self, method: str, account: str, token: str):
        link = self.account_links.get(token)
        if link is None or link["account"] != account or account not in self.accounts:
            return 404, _html("This link has expired", "<p>Go back to the portal and start "
                              "again.</p>"), {}
        if link["expires_at"] < time.time():
            return 303, "", {"Location": link["refresh_url"]}
        if method == "POST":
            self.complete_onboarding(account)
            del self.account_links[token]
            return 303, "", {"Location": link["return_url"]}
        name = (self.accounts[account].get("business_profile") or {}).get("name") or account
        return 200, _html("Set up payouts", f"""
<p><strong>Test mode: no real money moves.</strong> This page stands in for Stripe's
onboarding; no bank details are needed.</p>
<p>Payouts to <strong>{html.escape(name)}</strong> will be ready once you continue.</p>
<form method="post"><button type="submit">Finish setting up payouts</button></form>
"""), {}

    def _card_page(self, method: str, card_id: str, query: dict[str, str],
                   form: dict[str, str]):
        card = self.cards.get(card_id)
        if card is None:
            return 404, _html("Card not found", "<p>There is no card with that id.</p>"), {}
        back = self._back_to(query.get("return_url", ""))
        limits = [limit["amount"] for limit in card["spending_controls"]["spending_limits"]]
        limit = min(limits) if limits else 0
        message = ""
        if method == "POST":
            try:
                pence = round(float(form.get("amount", "").strip().lstrip("£")) * 100)
            except ValueError:
                pence = 0
            if pence <= 0:
                message = "Enter the amount of the purchase in pounds, like 45.00"
            else:
                authorization = self.purchase(
                    card_id=card_id, amount_pence=pence,
                    merchant_name=form.get("merchant", "").strip() or "Test merchant",
                )
                if authorization["approved"] and back:
                    return 303, "", {"Location": back}
                message = ("The purchase was approved." if authorization["approved"] else
                           "The card declined the purchase: "
                           f"{authorization['request_history'][0]['reason'].replace('_', ' ')}.")
        spent = self._card_spent(card_id)
        back_link = f'<p><a href="{html.escape(back)}">Back to the portal</a></p>' if back else ""
        return 200, _html("Make a test purchase", f"""
<p><strong>Test mode: no real money moves.</strong> This page stands in for a shop taking
the virtual card.</p>
{f'<p role="alert">{html.escape(message)}</p>' if message else ""}
<p>Card ending {html.escape(card["last4"])} ({html.escape(card["status"])}): limit
£{limit / 100:.2f}, spent £{spent / 100:.2f}.</p>
<form method="post">
<p><label for="amount">Amount in pounds</label><br>
<input id="amount" name="amount" inputmode="decimal" value="{(limit - spent) / 100:.2f}"></p>
<p><label for="merchant">Shop</label><br>
<input id="merchant" name="merchant" value="Stagecoach North East"></p>
<button type="submit">Pay with the card</button>
</form>
{back_link}
"""), {}


def _page(objects: list[dict], params: dict, url: str) -> dict:
    """A Stripe list page: ``limit`` objects after ``starting_after``."""
    limit = int(params.get("limit", 10))
    after = params.get("starting_after")
    if after:
        ids = [o["id"] for o in objects]
        objects = objects[ids.index(after) + 1:] if after in ids else []
    return {"object": "list", "url": url, "data": objects[:limit], "has_more": len(objects) > limit}


def _error(message: str, *, code: str = "", param: str = "") -> dict:
    error = {"type": "invalid_request_error", "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return {"error": error}


def _missing(kind: str, object_id: str) -> dict:
    return _error(f"No such {kind}: '{object_id}'", code="resource_missing", param="id")


def _html(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} – Stripe stand-in (test mode)</title>
<style>body {{ font-family: sans-serif; margin: 2rem; max-width: 40rem; line-height: 1.5 }}
button {{ font-size: 1.1rem; padding: .5rem 1rem }}</style></head>
<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    stub: StripeStub  # set on the subclass made by serve()
    protocol_version = "HTTP/1.1"

    def _respond(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if not url.path.startswith("/v1/"):
            self._page(url.path, url.query, body)
            return
        pairs = parse_qsl(url.query, keep_blank_values=True) + parse_qsl(
            body, keep_blank_values=True
        )
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, extra_headers = self.stub.handle(self.command, url.path, pairs, headers)
        hold = self.stub._take_hold(self.command, url.path)
        if hold is not None:
            hold.reached.set()
            hold.released.wait(timeout=120)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _page(self, path: str, query: str, body: str) -> None:
        def single(text: str) -> dict[str, str]:
            return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}

        status, text, extra_headers = self.stub.page(self.command, path, single(query),
                                                     single(body))
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _respond

    def log_message(self, format, *args):  # keep test output quiet
        pass


@dataclass
class StubServer:
    stub: StripeStub
    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(stub: StripeStub | None = None, *, port: int = 0) -> StubServer:
    """Start the stand-in on 127.0.0.1 (a random port unless given) in a daemon thread."""
    stub = stub or StripeStub()
    handler = type("StubHandler", (_Handler,), {"stub": stub})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="stripe-stub", daemon=True)
    thread.start()
    return StubServer(stub=stub, server=server, thread=thread)


# --- webhooks ---------------------------------------------------------------------------------


def event_payload(event_type: str, obj: dict, *, event_id: str | None = None,
                  created: int | None = None) -> bytes:
    """A Stripe event as the raw JSON body a webhook receives."""
    return json.dumps({
        "id": event_id or f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": created if created is not None else int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }).encode()


def sign(payload: bytes, secret: str = TEST_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: ``t=<time>,v1=<HMAC-SHA256 of "t.payload">``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# --- development: started by the portal itself ------------------------------------------------


class WebhookDeliverer(threading.Thread):
    """Sends the stand-in's events to the portal's webhook endpoint, as Stripe does."""

    def __init__(self, stub: StripeStub, *, url: str, interval: float = 0.25):
        super().__init__(name="stripe-standin-webhooks", daemon=True)
        self.stub, self.url, self.interval = stub, url, interval

    def send(self, payload: bytes, signature: str) -> int:
        request = urllib.request.Request(
            self.url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": signature,
                     "User-Agent": "Stripe/1.0 (stand-in)"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def run(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.stub.deliver_pending(self.send)
            except Exception:  # the thread must outlive one bad delivery
                logger.exception("Stripe stand-in: webhook delivery failed")


_development_lock = threading.Lock()
_development: StubServer | None = None


def development_server() -> StubServer:
    """The stand-in this process uses when ``settings.STRIPE_STANDIN`` is on: started the first
    time it is needed, its state in ``settings.STRIPE_STANDIN_STATE``, its events delivered to
    ``settings.PORTAL_BASE_URL`` + ``/stripe/webhook/``."""
    global _development
    from django.conf import settings
    from django.urls import reverse

    with _development_lock:
        if _development is None:
            stub = StripeStub(
                state_path=Path(settings.STRIPE_STANDIN_STATE),
                webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
                webhook_delay=1.0,  # let the request that caused the event commit first
                return_url_prefix=settings.PORTAL_BASE_URL,
            )
            server = serve(stub, port=settings.STRIPE_STANDIN_PORT)
            stub.public_url = server.url
            WebhookDeliverer(
                stub, url=settings.PORTAL_BASE_URL + reverse("payments:stripe_webhook")
            ).start()
            _development = server
            logger.info("Stripe stand-in (test mode) at %s", server.url)
    return _development


def card_purchase_url(card_id: str, *, return_url: str) -> str:
    """The development stand-in's page for making a test purchase with a card."""
    server = development_server()
    return f"{server.url}/test/issuing/cards/{card_id}?{urlencode({'return_url': return_url})}"


def development_account_onboard(account_id: str) -> dict:
    """Finish onboarding an account in the development stand-in, as its owner would on the
    onboarding page (the demo's ready payout accounts). An account the stand-in has forgotten
    (its state file deleted) is made again under the same id."""
    stub = development_server().stub
    with stub._state():
        if account_id not in stub.accounts:
            stub.add_account(id=account_id)
        return copy.deepcopy(stub.complete_onboarding(account_id))
