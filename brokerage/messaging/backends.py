"""Where a message goes: GOV.UK Notify (email and text) or Django's email backend (SMTP).

``settings.MESSAGING_EMAIL_BACKEND`` chooses for email: ``notify`` or ``django`` (SMTP, or the
console or locmem backend from ``EMAIL_URL``). Texts always go through Notify. Notify is reached
at ``NOTIFY_BASE_URL``; left empty outside production, the portal starts the local stand-in
(``standin.py``) on first use, so nothing leaves the machine.

Templates are referenced by id: ``NOTIFY_TEMPLATES[<message template name>]`` if the service has
one, else ``NOTIFY_TEMPLATES["email"]`` / ``["sms"]``: a template whose content is ``((subject))``
and ``((body))``, filled with the text the portal rendered.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.urls import reverse
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from brokerage.messaging import standin as notify_standin
from brokerage.messaging.models import Channel, Message

logger = logging.getLogger(__name__)


class SendError(Exception):
    """A send that failed. ``temporary``: worth trying again later (Notify down, rate limited)."""

    def __init__(self, message: str, *, temporary: bool):
        super().__init__(message)
        self.temporary = temporary


_standin_lock = threading.Lock()
_running_standin: notify_standin.RunningStandIn | None = None


def notify_key_parts(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a Notify API key ``<name>-<service id>-<secret>``."""
    return api_key[-73:-37], api_key[-36:]


def local_standin() -> notify_standin.RunningStandIn:
    """The in-process Notify stand-in (started once), configured from the settings."""
    global _running_standin
    with _standin_lock:
        if _running_standin is None:
            service_id, secret = notify_key_parts(settings.NOTIFY_API_KEY)
            stand_in = notify_standin.NotifyStandIn(service_id=service_id, secret=secret)
            _running_standin = notify_standin.serve(stand_in)
            logger.info("GOV.UK Notify stand-in listening on %s", _running_standin.url)
        stand_in = _running_standin.standin
        stand_in.templates = {
            str(tid): notify_standin.Template(id=str(tid), type="sms", subject="")
            if name.endswith("sms") else notify_standin.Template(id=str(tid), type="email")
            for name, tid in settings.NOTIFY_TEMPLATES.items()
        }
        stand_in.auto_receipts = settings.NOTIFY_STANDIN_RECEIPTS
        stand_in.receipt_url = settings.PORTAL_BASE_URL + reverse("messaging:notify_delivery")
        stand_in.receipt_token = settings.NOTIFY_CALLBACK_TOKEN
        return _running_standin


def notify_base_url() -> str:
    if settings.NOTIFY_BASE_URL:
        return settings.NOTIFY_BASE_URL
    if settings.PRODUCTION:
        raise ImproperlyConfigured("NOTIFY_BASE_URL must be set in production")
    return local_standin().url


def notify_template_id(message: Message) -> str:
    templates = settings.NOTIFY_TEMPLATES
    return str(templates.get(message.template) or templates[message.channel])


def _notify_send(message: Message, *, preferences_url: str) -> str:
    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=notify_base_url(), timeout=10)
    try:
        if message.channel == Channel.SMS:
            response = client.send_sms_notification(
                phone_number=message.recipient,
                template_id=notify_template_id(message),
                personalisation={"body": message.body},
                reference=str(message.reference),
            )
        else:
            response = client.send_email_notification(
                email_address=message.recipient,
                template_id=notify_template_id(message),
                personalisation={"subject": message.subject, "body": message.body},
                reference=str(message.reference),
                one_click_unsubscribe_url=preferences_url or None,
            )
    except APIError as exc:
        temporary = exc.status_code == 429 or exc.status_code >= 500
        raise SendError(f"Notify {exc.status_code}: {exc.message}"[:500], temporary=temporary) from exc
    return str(response["id"])


def _django_send(message: Message, *, preferences_url: str) -> str:
    headers = {"List-Unsubscribe": f"<{preferences_url}>"} if preferences_url else {}
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={**headers, "X-Portal-Message": str(message.reference)},
    )
    try:
        email.send()
    except OSError as exc:  # smtplib.SMTPException is an OSError
        raise SendError(f"Email not sent: {exc}"[:500], temporary=True) from exc
    return ""


def backend_for(message: Message) -> str:
    if message.channel == Channel.SMS:
        return "notify"
    return settings.MESSAGING_EMAIL_BACKEND


def backend_send(message: Message, *, preferences_url: str = "") -> tuple[str, str]:
    """Send ``message``; (provider, provider's id). Raises ``SendError``."""
    provider = backend_for(message)
    if provider == "notify":
        return provider, _notify_send(message, preferences_url=preferences_url)
    if provider == "django":
        return provider, _django_send(message, preferences_url=preferences_url)
    raise ImproperlyConfigured(f"MESSAGING_EMAIL_BACKEND {provider!r}: use notify or django")
