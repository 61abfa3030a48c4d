"""Following an enquiry without an account: by reference and email, or by a signed link.

Whoever asks with a reference and an email that do not belong together learns nothing: the
answer is the same as for a reference that does not exist. The signed link (emailed with the
confirmation) carries the reference, so it works without typing anything, until it expires.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.urls import reverse

from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryItemEvent, EventKind, ItemStatus

FOLLOW_SALT = "enquiries.follow"
FOLLOW_MAX_AGE = datetime.timedelta(days=180)

#: What the employer sees of an item's history (reminders and escalations are internal).
SHOWN_EVENTS = (EventKind.ROUTED, EventKind.ACCEPTED, EventKind.CONTACT, EventKind.REASSIGNED,
                EventKind.CLOSED)


def _enquiries():
    events = EnquiryItemEvent.objects.filter(kind__in=SHOWN_EVENTS).select_related(
        "partner", "to_partner"
    ).order_by("happened_at", "id")
    return Enquiry.objects.filter(anonymised_at__isnull=True).prefetch_related(
        Prefetch("items", queryset=EnquiryItem.objects.select_related("partner").prefetch_related(
            Prefetch("events", queryset=events)
        ).order_by("routed_at", "id"))
    )


def enquiry_for_follow_up(*, reference: str, email: str) -> Enquiry | None:
    """The enquiry with this reference if ``email`` is the one it was sent from (else None)."""
    reference, email = reference.strip().upper(), email.strip().lower()
    if not reference or not email:
        return None
    return _enquiries().filter(reference__iexact=reference, email__iexact=email).first()


def enquiry_follow_token(enquiry: Enquiry) -> str:
    return signing.TimestampSigner(salt=FOLLOW_SALT).sign(enquiry.reference)


def enquiry_follow_url(enquiry: Enquiry) -> str:
    return settings.PORTAL_BASE_URL + reverse(
        "enquiries:follow_link", args=[enquiry_follow_token(enquiry)]
    )


def enquiry_from_follow_token(token: str) -> Enquiry | None:
    """The enquiry a signed link names, or None for a link that is altered or too old."""
    try:
        reference = signing.TimestampSigner(salt=FOLLOW_SALT).unsign(
            token, max_age=FOLLOW_MAX_AGE
        )
    except signing.BadSignature:  # includes SignatureExpired
        return None
    return _enquiries().filter(reference=reference).first()


@dataclass(frozen=True)
class FollowStatus:
    text: str
    colour: str


def item_follow_status(item: EnquiryItem) -> FollowStatus:
    """What an item's state means for the employer, in their words."""
    partner = item.partner.name
    if item.status == ItemStatus.NEW:
        return FollowStatus(f"With {partner}: not picked up yet", "govuk-tag--blue")
    if item.status == ItemStatus.ACCEPTED:
        return FollowStatus(f"{partner} is dealing with it", "govuk-tag--yellow")
    if item.status == ItemStatus.CONTACTED:
        return FollowStatus(f"{partner} has been in touch", "govuk-tag--green")
    return FollowStatus(f"Closed: {item.get_outcome_display() or 'finished'}", "govuk-tag--grey")


def event_follow_text(event: EnquiryItemEvent) -> str:
    partner = event.partner.name if event.partner else "a partner"
    if event.kind == EventKind.ROUTED:
        return f"Passed to {partner}"
    if event.kind == EventKind.ACCEPTED:
        return f"{partner} took it on"
    if event.kind == EventKind.CONTACT:
        how = event.get_contact_kind_display().lower() if event.contact_kind else "contact"
        return f"{partner} recorded a {how} with you"
    if event.kind == EventKind.REASSIGNED:
        to = event.to_partner.name if event.to_partner else "another partner"
        return f"Passed from {partner} to {to}"
    return f"Closed by {partner}"


@dataclass
class ItemFollow:
    item: EnquiryItem
    status: FollowStatus
    history: list[tuple[EnquiryItemEvent, str]]


def enquiry_follow_items(enquiry: Enquiry) -> list[ItemFollow]:
    """Each partner's part of the enquiry with its status and history (prefetched)."""
    return [
        ItemFollow(item, item_follow_status(item),
                   [(event, event_follow_text(event)) for event in item.events.all()])
        for item in enquiry.items.all()
    ]


def enquiry_sent_get(reference: str) -> Enquiry | None:
    """The enquiry just sent in this session (its reference is kept in the session)."""
    return Enquiry.objects.filter(reference=reference).prefetch_related(
        Prefetch("items", queryset=EnquiryItem.objects.select_related("partner").order_by(
            "routed_at", "id"))
    ).first()
