"""A local HTTP stub of the parts of the Stripe API the portal uses.

The real ``stripe`` library talks to it over HTTP on 127.0.0.1 (``settings.STRIPE_API_BASE``),
so the requests the portal sends (form-encoded params, ``Idempotency-Key`` headers) are the
requests Stripe would get. It records every request and honours idempotency keys like Stripe:
the same key replays the first response; the same key with different params is an error.

Tests steer it through the ``StripeStub`` object: ``stub.accounts[...]`` to change an account
(e.g. onboarding finished), ``stub.fail_next(...)`` to make the next request fail.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TEST_SECRET_KEY = "sk_test_portal_stub"
TEST_WEBHOOK_SECRET = "whsec_test_portal_stub"


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
class StripeStub:
    """The stub's state. Objects are plain dicts shaped like Stripe's JSON."""

    requests: list[RecordedRequest] = field(default_factory=list)
    accounts: dict[str, dict] = field(default_factory=dict)
    transfers: dict[str, dict] = field(default_factory=dict)
    cardholders: dict[str, dict] = field(default_factory=dict)
    cards: dict[str, dict] = field(default_factory=dict)
    issuing_transactions: dict[str, dict] = field(default_factory=dict)
    balance_pence: int = 10_000_000
    _idempotency: dict[str, tuple[str, int, dict]] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _holds: list[_Hold] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- test controls ------------------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            for hold in self._holds:
                hold.released.set()
            for store in (self.requests, self.accounts, self.transfers, self.cardholders,
                          self.cards, self.issuing_transactions, self._idempotency, self._failures,
                          self._holds):
                store.clear()
            self.balance_pence = 10_000_000

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
        """What Stripe's account looks like once its owner has finished onboarding."""
        account = self.accounts[account_id]
        account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True)
        account["requirements"].update(currently_due=[], past_due=[], disabled_reason=None)
        return account

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
        with self._lock:
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
        return 200, {
            "object": "account_link", "created": now, "expires_at": now + 300,
            "url": f"https://connect.stripe.com/setup/e/{account}/{secrets.token_urlsafe(8)}",
        }

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
        if "status" in params:
            self.cards[id]["status"] = params["status"]
        return 200, self.cards[id]

    def _issuing_transaction_get(self, params, id):
        if id not in self.issuing_transactions:
            return 404, _missing("issuing.transaction", id)
        return 200, self.issuing_transactions[id]


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


class _Handler(BaseHTTPRequestHandler):
    stub: StripeStub  # set on the subclass made by serve()
    protocol_version = "HTTP/1.1"

    def _respond(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
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


def serve() -> StubServer:
    """Start the stub on a random port on 127.0.0.1 in a daemon thread."""
    stub = StripeStub()
    handler = type("StubHandler", (_Handler,), {"stub": stub})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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
