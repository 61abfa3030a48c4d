"""A local stand-in for GOV.UK Notify's REST API, so nothing leaves the machine.

It answers the requests the official ``notifications-python-client`` sends, as Notify does:

- ``POST /v2/notifications/email`` and ``POST /v2/notifications/sms`` (201 with the
  notification's id and rendered content; 400 for an unknown template, a missing
  personalisation field or a bad address or number);
- ``GET /v2/notifications/<id>`` (the notification with its status);
- every request must carry ``Authorization: Bearer <JWT>`` signed (HS256) with the API key's
  secret, ``iss`` the service id, ``iat`` within 30 seconds; checked with the client library's
  own ``decode_jwt_token``. Errors come back in Notify's shape
  ``{"status_code": ..., "errors": [{"error": ..., "message": ...}]}``.

Templates: each id in ``settings.NOTIFY_TEMPLATES`` is known, with Notify's placeholders
``((subject))`` and ``((body))`` (how the portal's templates are set up in Notify: see README).

In development the portal starts it on first use (``notify_base_url`` in ``backends.py``) and,
with ``auto_receipts``, it posts a "delivered" receipt to the portal's callback a moment after each
send, as Notify would. Tests steer it through ``NotifyStandIn``: ``notifications``,
``fail_next(status)``, ``receipt(id, status)`` and ``inbound_text(number, words)`` (the JSON
Notify posts to the callbacks).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

logger = logging.getLogger(__name__)
PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
UK_MOBILE_RE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Template:
    id: str
    type: str  # "email" or "sms"
    subject: str = "((subject))"
    body: str = "((body))"


@dataclass
class NotifyStandIn:
    """The stand-in's state: its key, templates and every notification it accepted."""

    service_id: str
    secret: str
    templates: dict[str, Template] = field(default_factory=dict)
    notifications: dict[str, dict] = field(default_factory=dict)
    requests: list[tuple[str, str, dict]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    receipt_url: str = ""
    receipt_token: str = ""
    auto_receipts: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.notifications.clear()
            self.requests.clear()
            self.failures.clear()

    def fail_next(self, status: int = 500) -> None:
        """The next send is refused with ``status`` (500: Notify is down; 429: rate limited)."""
        self.failures.append(status)

    def sent(self, kind: str | None = None) -> list[dict]:
        with self.lock:
            return [n for n in self.notifications.values() if kind in (None, n["type"])]

    # --- what Notify posts back ---------------------------------------------------------

    def receipt(self, notification_id: str, status: str = "delivered") -> dict:
        """The delivery receipt Notify posts to the service's callback URL."""
        n = self.notifications[notification_id]
        n["status"] = status
        n["completed_at"] = _now()
        return {
            "id": n["id"],
            "reference": n["reference"],
            "to": n["email_address"] or n["phone_number"],
            "status": status,
            "created_at": n["created_at"],
            "completed_at": n["completed_at"],
            "sent_at": n["sent_at"],
            "notification_type": n["type"],
            "template_id": n["template"]["id"],
            "template_version": 1,
        }

    @staticmethod
    def inbound_text(source_number: str, message: str, destination: str = "07700900000") -> dict:
        """The received-text callback Notify posts when someone texts the service's number."""
        return {
            "id": str(uuid.uuid4()),
            "source_number": source_number,
            "destination_number": destination,
            "message": message,
            "date_received": _now(),
        }

    # --- the API -----------------------------------------------------------------------

    def authenticate(self, header: str) -> tuple[int, dict] | None:
        if not header.startswith("Bearer "):
            return 401, _error("AuthError", "Unauthorized: authentication token must be provided")
        token = header[len("Bearer "):]
        try:
            if get_token_issuer(token) != self.service_id:
                return 403, _error("AuthError", "Invalid token: service not found")
            decode_jwt_token(token, self.secret)
        except TokenError as exc:
            return 403, _error("AuthError", exc.message.split(". See")[0])
        return None

    def send(self, kind: str, data: dict) -> tuple[int, dict]:
        template = self.templates.get(str(data.get("template_id", "")))
        if template is None:
            return 400, _error("BadRequestError", "Template not found")
        if template.type != kind:
            return 400, _error(
                "BadRequestError", f"{kind} template is not suitable for {template.type} notification"
            )
        to_key = "email_address" if kind == "email" else "phone_number"
        to = str(data.get(to_key) or "")
        valid = EMAIL_RE.match(to) if kind == "email" else UK_MOBILE_RE.match(to.replace(" ", ""))
        if not valid:
            what = "email address" if kind == "email" else "phone number"
            return 400, _error("ValidationError", f"{to_key} Not a valid {what}")
        personalisation = data.get("personalisation") or {}
        needed = set(PLACEHOLDER.findall(template.subject + template.body))
        missing = sorted(needed - set(personalisation))
        if missing:
            return 400, _error("BadRequestError", f"Missing personalisation: {', '.join(missing)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), text)

        notification_id = str(uuid.uuid4())
        content: dict[str, Any] = {"body": fill(template.body)}
        if kind == "email":
            content.update(subject=fill(template.subject), from_email="noreply@notify.example")
            if data.get("one_click_unsubscribe_url"):
                content["one_click_unsubscribe_url"] = data["one_click_unsubscribe_url"]
        else:
            content["from_number"] = "GOVUK"
        with self.lock:
            self.notifications[notification_id] = {
                "id": notification_id,
                "reference": data.get("reference"),
                "email_address": to if kind == "email" else None,
                "phone_number": to if kind == "sms" else None,
                "type": kind,
                "status": "sending",
                "template": {"id": template.id, "version": 1, "uri": f"/v2/template/{template.id}"},
                "body": content["body"],
                "subject": content.get("subject"),
                "personalisation": personalisation,
                "one_click_unsubscribe_url": data.get("one_click_unsubscribe_url"),
                "created_at": _now(),
                "created_by_name": None,
                "sent_at": _now(),
                "completed_at": None,
            }
        # In development this log is where a developer reads what was "sent".
        logger.info("Notify stand-in %s to %s: %s\n%s", kind, to, content.get("subject", ""),
                    content["body"])
        if self.auto_receipts and self.receipt_url:
            threading.Timer(0.5, self._post_receipt, args=[notification_id]).start()
        return 201, {
            "id": notification_id,
            "reference": data.get("reference"),
            "content": content,
            "uri": f"/v2/notifications/{notification_id}",
            "template": {"id": template.id, "version": 1, "uri": f"/v2/template/{template.id}"},
        }

    def _post_receipt(self, notification_id: str) -> None:
        try:
            requests.post(
                self.receipt_url, json=self.receipt(notification_id),
                headers={"Authorization": f"Bearer {self.receipt_token}"}, timeout=5,
            )
        except requests.RequestException:
            pass  # Notify retries; the stand-in does not need to


def _error(error: str, message: str, status: int = 400) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, payload: dict) -> None:
        if "status_code" in payload:
            payload["status_code"] = status
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        standin = self.server.standin
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            return self._answer(400, _error("BadRequestError", "Invalid JSON supplied in POST data"))
        standin.requests.append((method, self.path, data))
        refused = standin.authenticate(self.headers.get("Authorization", ""))
        if refused:
            return self._answer(*refused)
        if method == "POST" and standin.failures:
            status = standin.failures.pop(0)
            kind = "RateLimitError" if status == 429 else "Exception"
            return self._answer(status, _error(kind, "Internal server error"))
        match = re.fullmatch(r"/v2/notifications/(email|sms)", self.path)
        if method == "POST" and match:
            return self._answer(*standin.send(match.group(1), data))
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", self.path)
        if method == "GET" and match:
            found = standin.notifications.get(match.group(1))
            if found is None:
                return self._answer(404, _error("NoResultFound", "No result found"))
            return self._answer(200, dict(found))
        return self._answer(404, _error("NotFound", "Not found"))

    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    standin: NotifyStandIn


@dataclass
class RunningStandIn:
    standin: NotifyStandIn
    server: _Server
    url: str

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(standin: NotifyStandIn, host: str = "127.0.0.1", port: int = 0) -> RunningStandIn:
    """Start the stand-in on a thread (``port`` 0: any free port)."""
    server = _Server((host, port), _Handler)
    server.standin = standin
    threading.Thread(target=server.serve_forever, daemon=True, name="notify-standin").start()
    return RunningStandIn(standin, server, f"http://{host}:{server.server_address[1]}")
