"""The one path for every email and text: ``message_send`` → a ``Message`` row → after commit,
``message_deliver_task`` (retried while the provider is unavailable) → the backend.

Before a message is queued, the person's preference for its kind decides whether it goes now,
waits for the daily digest or is not sent; a partner's message to an employer beyond the
employer's contact limit (``ContactLimit``, across all partners) waits for the digest and the
partner is told. Every email ends with a signed one-click link to change preferences.
Receipts and received texts from Notify are recorded here too.
"""

from __future__ import annotations

import datetime
import logging
import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import partial, reduce
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from brokerage.audit.services import audit_event_record
from brokerage.messaging.backends import SendError, backend_send
from brokerage.messaging.models import (
    CHOOSABLE_KINDS,
    Channel,
    Frequency,
    InboundText,
    Message,
    MessageKind,
    MessageStatus,
    NotificationPreference,
)
from brokerage.messaging.selectors import contact_limit, employer_contacts_used

if TYPE_CHECKING:
    from portal.accounts.models import User

logger = logging.getLogger(__name__)

PREFERENCES_SALT = "messaging.preferences"
# What a text reply is about (``Message.about`` "<prefix>:<id>") → who handles it.
REPLY_HANDLERS = {
    "checkpoint": "brokerage.pipeline.services.evidence.checkpoint_text_reply",
}
REPLY_WINDOW = datetime.timedelta(days=14)


# --- preferences --------------------------------------------------------------------------


def preferences_token(email: str) -> str:
    """Signed, never expiring (an old email's link still works), the same for every email."""
    return signing.Signer(salt=PREFERENCES_SALT).sign_object(email.strip().lower())


def preferences_email_from_token(token: str) -> str | None:
    try:
        email = signing.Signer(salt=PREFERENCES_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    return email if isinstance(email, str) else None


def preferences_url(email: str) -> str:
    return settings.PORTAL_BASE_URL + reverse(
        "messaging:preferences_link", args=[preferences_token(email)]
    )


def preferences_update(*, actor: User | None, email: str, choices: dict[str, str]) -> None:
    """Save one person's choices (kind → frequency). ``actor``: None when from the email link."""
    email = email.strip().lower()
    with transaction.atomic():
        changed = []
        for kind in CHOOSABLE_KINDS:
            frequency = choices.get(kind.value)
            if frequency not in Frequency.values:
                continue
            row, _ = NotificationPreference.objects.update_or_create(
                email=email, kind=kind.value, defaults={"frequency": frequency}
            )
            changed.append(row)
        if changed:
            audit_event_record(
                actor=actor,
                action="messaging.preferences_updated",
                obj=changed[0],
                summary=f"Message preferences changed for {email}",
                data={row.kind: row.frequency for row in changed},
            )


def _frequency(email: str, kind: str) -> str:
    if kind == MessageKind.ESSENTIAL:
        return Frequency.IMMEDIATELY
    row = NotificationPreference.objects.filter(email=email.lower(), kind=kind).first()
    return row.frequency if row else Frequency.IMMEDIATELY


# --- the contact limit --------------------------------------------------------------------


def _over_contact_limit(employer, partner) -> bool:
    from brokerage.employers.models import Employer

    # Partners contacting the same employer at once: one at a time decides (PostgreSQL).
    Employer.objects.select_for_update().filter(pk=employer.pk).first()
    limit, _ = contact_limit()
    return employer_contacts_used(employer.pk) >= limit


def _tell_partner_held(*, partner, employer, subject: str) -> None:
    limit, days = contact_limit()
    body = render_to_string(
        "messaging/email/held_for_digest.txt",
        {"partner": partner, "employer": employer, "subject": subject, "limit": limit, "days": days},
    )
    message_send(
        kind=MessageKind.ESSENTIAL,
        template="messaging/held_for_digest",
        recipients=[partner.contact_email],
        subject=f"Your message to {employer.name} will arrive in their daily digest",
        body=body,
    )


# --- sending ------------------------------------------------------------------------------


def _clean(recipients: Iterable[str], channel: str) -> list[str]:
    seen: dict[str, None] = {}
    for r in recipients:
        r = (r or "").strip()
        if not r:
            continue
        seen.setdefault(r.lower() if channel == Channel.EMAIL else r, None)
    return list(seen)


def message_send(
    *,
    kind: str,
    template: str,
    recipients: Iterable[str],
    body: str,
    subject: str = "",
    channel: str = Channel.EMAIL,
    employer=None,
    partner=None,
    about: str = "",
) -> list[Message]:
    """Record one message per recipient and queue each to be sent once the transaction commits.

    ``template`` names the message (and picks its Notify template if ``NOTIFY_TEMPLATES`` has
    one); ``body`` is the text already rendered. A message from ``partner`` to ``employer``'s
    people counts toward the employer's contact limit. Returns the messages (status queued, held
    for the digest, or off).
    """
    from portal.accounts.models import User

    recipients = _clean(recipients, channel)
    if not recipients:
        return []
    users = {}
    if channel == Channel.EMAIL:
        match = reduce(operator.or_, (Q(email__iexact=r) for r in recipients))
        users = {u.email.lower(): u for u in User.objects.filter(match)}
    messages = []
    with transaction.atomic():
        limited = bool(employer and partner) and _over_contact_limit(employer, partner)
        for recipient in recipients:
            status = MessageStatus.QUEUED
            text = body
            if channel == Channel.EMAIL:
                frequency = _frequency(recipient, kind)
                status = {
                    Frequency.OFF: MessageStatus.OFF,
                    Frequency.DAILY: MessageStatus.HELD,
                }.get(frequency, MessageStatus.QUEUED)
                if limited and status == MessageStatus.QUEUED:
                    status = MessageStatus.HELD
                text = body.rstrip() + "\n\n" + render_to_string(
                    "messaging/email/footer.txt", {"preferences_url": preferences_url(recipient)}
                )
            message = Message.objects.create(
                channel=channel, kind=kind, template=template, recipient=recipient,
                user=users.get(recipient), employer=employer, partner=partner, about=about,
                subject=subject[:255], body=text, status=status,
            )
            messages.append(message)
            if status == MessageStatus.QUEUED:
                transaction.on_commit(partial(_queue, message.pk))
        if limited:
            audit_event_record(
                actor=None,
                action="messaging.outreach_held",
                obj=employer,
                summary=f"{partner}'s message to {employer.name} held for the daily digest "
                "(contact limit reached)",
            )
            _tell_partner_held(partner=partner, employer=employer, subject=subject)
    return messages


def _queue(message_id: int) -> None:
    from brokerage.messaging.tasks import message_deliver_task

    message_deliver_task.delay(message_id)


def message_deliver(*, message_id: int) -> Message | None:
    """Send one queued message (the task calls this; safe to run twice: only a queued one goes).

    Raises ``SendError`` (temporary) for the task to retry; a permanent failure is recorded.
    """
    error: SendError | None = None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED:
            return message
        message.attempts += 1
        link = preferences_url(message.recipient) if message.channel == Channel.EMAIL else ""
        try:
            message.provider, message.provider_id = backend_send(message, preferences_url=link)
        except SendError as exc:
            error = exc
            message.last_error = str(exc)[:500]
            if not exc.temporary:
                message.status = MessageStatus.FAILED
                message.completed_at = timezone.now()
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save()
    if error is not None and error.temporary:
        raise error
    return message


def message_give_up(*, message_id: int, reason: str) -> None:
    """After the last retry: the message is recorded as not delivered."""
    Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
        status=MessageStatus.FAILED, completed_at=timezone.now(), last_error=reason[:500]
    )


# --- what Notify tells us -----------------------------------------------------------------

RECEIPT_STATUSES = {
    "delivered": MessageStatus.DELIVERED,
    "permanent-failure": MessageStatus.FAILED,
    "temporary-failure": MessageStatus.FAILED,
    "technical-failure": MessageStatus.FAILED,
}


def message_receipt_record(*, payload: dict) -> Message | None:
    """Record Notify's delivery receipt on its message (found by Notify's id or our reference)."""
    with transaction.atomic():
        query = Message.objects.select_for_update()
        message = query.filter(provider="notify", provider_id=str(payload.get("id", ""))).first()
        if message is None and payload.get("reference"):
            try:
                message = query.filter(reference=str(payload["reference"])).first()
            except Exception:  # noqa: BLE001 (not a UUID: not ours)
                message = None
        if message is None:
            return None
        status = str(payload.get("status", ""))
        message.delivery_status = status[:30]
        if status in RECEIPT_STATUSES:
            message.status = RECEIPT_STATUSES[status]
        completed = parse_datetime(str(payload.get("completed_at") or ""))
        message.completed_at = completed or timezone.now()
        message.save(update_fields=["delivery_status", "status", "completed_at"])
    return message


def phone_key(number: str) -> str:
    """The last ten digits: 07700 900123, +447700900123 and 447700900123 are the same phone."""
    return re.sub(r"\D", "", number)[-10:]


def inbound_text_record(*, payload: dict) -> InboundText:
    """Record a text someone sent, match it to the last text we sent them and hand it on."""
    received = parse_datetime(str(payload.get("date_received") or "")) or timezone.now()
    if timezone.is_naive(received):
        received = timezone.make_aware(received, datetime.UTC)
    with transaction.atomic():
        inbound, created = InboundText.objects.get_or_create(
            provider_id=str(payload["id"]),
            defaults={
                "source_number": str(payload.get("source_number", ""))[:30],
                "content": str(payload.get("message", "")),
                "received_at": received,
            },
        )
        if not created:
            return inbound
        key = phone_key(inbound.source_number)
        candidates = Message.objects.filter(
            channel=Channel.SMS, created_at__gte=received - REPLY_WINDOW
        ).exclude(about="").order_by("-created_at", "-id")
        asked = next((m for m in candidates if phone_key(m.recipient) == key), None)
        inbound.in_reply_to = asked
        if asked is None:
            inbound.handled = "Not a reply to a text we sent in the last 14 days"
        else:
            prefix = asked.about.split(":", 1)[0]
            handler = REPLY_HANDLERS.get(prefix)
            inbound.handled = (
                import_string(handler)(inbound=inbound, message=asked)[:200]
                if handler else "Nothing to do with this reply"
            )
        inbound.save(update_fields=["in_reply_to", "handled"])
    return inbound


# --- the daily digest ---------------------------------------------------------------------


def messages_digest_send() -> int:
    """One email per person with the messages held for the digest; safe to run twice."""
    held = Message.objects.filter(channel=Channel.EMAIL, status=MessageStatus.HELD)
    by_recipient: dict[str, list[int]] = defaultdict(list)
    for pk, recipient in held.order_by("created_at", "id").values_list("pk", "recipient"):
        by_recipient[recipient].append(pk)
    sent = 0
    for recipient, ids in by_recipient.items():
        with transaction.atomic():
            items = list(
                Message.objects.select_for_update()
                .filter(pk__in=ids, status=MessageStatus.HELD)
                .order_by("created_at", "id")
            )
            if not items:
                continue
            body = render_to_string(
                "messaging/email/digest.txt",
                {"items": [{"subject": m.subject, "body": _without_footer(m.body)} for m in items]},
            )
            count = len(items)
            digest = message_send(
                kind=MessageKind.ESSENTIAL,
                template="messaging/digest",
                recipients=[recipient],
                subject=f"Your daily summary: {count} message{'s' if count != 1 else ''}",
                body=body,
            )
            Message.objects.filter(pk__in=[m.pk for m in items]).update(
                status=MessageStatus.DIGESTED, digest=digest[0] if digest else None
            )
            sent += 1
    return sent


def _without_footer(body: str) -> str:
    return body.split("\n\n---\n", 1)[0]
