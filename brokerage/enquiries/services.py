"""State changes for enquiries: submit and route, accept, record contact, reassign, close, chase."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import EmployerSource, InteractionKind
from brokerage.employers.services import employer_find_or_create, interaction_record
from brokerage.enquiries import emails
from brokerage.enquiries.models import (
    OPEN_STATUSES,
    ContactKind,
    Enquiry,
    EnquiryItem,
    EnquiryItemEvent,
    EventKind,
    ItemStatus,
    Outcome,
)
from brokerage.enquiries.routing import route_enquiry, working_days_for
from brokerage.reference.dates import response_deadline
from brokerage.reference.models import Area, Partner, PartnerStanding
from brokerage.reference.postcodes import normalise_postcode
from portal.accounts.models import User

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I
REMINDER_HOURS_BEFORE = 8  # the morning of the day an enquiry is due (deadlines are at 5pm)


def _new_reference() -> str:
    while True:
        reference = "ENQ-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not Enquiry.objects.filter(reference=reference).exists():
            return reference


def enquiry_submit(*, answers: dict, entry: dict | None = None, now: datetime.datetime | None = None) -> Enquiry:
    """Record an employer's enquiry once, link it to the employer record and route it.

    ``answers`` holds the cleaned form answers (types, organisation_name, postcode, size_band,
    sector, contact_name, email, phone, preferred_contact, message). ``entry`` holds where the
    employer came in (page, referrer, partner, campaign, utm).
    """
    now = now or timezone.now()
    entry = entry or {}
    postcode = normalise_postcode(answers["postcode"])
    area = Area.for_postcode(postcode)
    types = list(dict.fromkeys(answers["types"]))
    if not types:
        raise ValidationError("Select what you would like to do")
    partner_code = (entry.get("partner") or "")[:100]
    with transaction.atomic():
        # The one employer record: matched (name with postcode or email domain), or created.
        # Look-alikes are left to coordinators' duplicate review in brokerage.employers.
        employer, created = employer_find_or_create(
            name=answers["organisation_name"],
            postcode=postcode,
            email=answers["email"],
            sector=answers["sector"],
            size_band=answers["size_band"],
            source=EmployerSource.ENQUIRY,
        )
        enquiry = Enquiry.objects.create(
            reference=_new_reference(),
            types=types,
            organisation_name=answers["organisation_name"].strip(),
            postcode=postcode,
            area=area,
            size_band=answers["size_band"],
            sector=answers["sector"],
            contact_name=answers["contact_name"].strip(),
            email=answers["email"].strip().lower(),
            phone=(answers.get("phone") or "").strip(),
            preferred_contact=answers["preferred_contact"],
            message=(answers.get("message") or "").strip(),
            employer=employer,
            entry_page=(entry.get("page") or "")[:200],
            entry_referrer=(entry.get("referrer") or "")[:500],
            source_partner_code=partner_code,
            source_partner=Partner.objects.filter(slug=partner_code).first() if partner_code else None,
            campaign=(entry.get("campaign") or "")[:100],
            utm={k: str(v)[:200] for k, v in (entry.get("utm") or {}).items()},
        )
        routes = route_enquiry(area=area, types=types, now=now)
        items = []
        for route in routes:
            item = EnquiryItem.objects.create(
                enquiry=enquiry,
                partner=route.partner,
                programme=route.programme,
                types=route.types,
                routing_reason=route.reason,
                routed_at=now,
                deadline=response_deadline(now, route.working_days),
            )
            EnquiryItemEvent.objects.create(
                item=item, kind=EventKind.ROUTED, partner=route.partner, happened_at=now, note=route.reason
            )
            items.append(item)
        owners = ", ".join(item.partner.name for item in items)
        interaction_record(
            employer=employer,
            kind=InteractionKind.ENQUIRY,
            summary=(
                f"Enquiry {enquiry.reference} from {enquiry.contact_name}: "
                f"{', '.join(enquiry.get_types_display())}. Routed to {owners}."
            ),
            happened_at=now,
        )
        audit_event_record(
            actor=None,
            action="enquiry.submitted",
            obj=enquiry,
            summary=f"Enquiry {enquiry.reference} from {enquiry.organisation_name} routed to {owners}",
            data={
                "employer_id": employer.pk,
                "employer_created": created,
                "items": [{"id": i.pk, "partner_id": i.partner_id, "types": i.types} for i in items],
            },
        )
        transaction.on_commit(lambda: emails.send_enquiry_confirmation(enquiry.pk))
        for item in items:
            transaction.on_commit(lambda pk=item.pk: emails.send_partner_notification(pk))
    return enquiry


def _locked(item: EnquiryItem) -> EnquiryItem:
    return EnquiryItem.objects.select_for_update(of=("self",)).select_related("enquiry", "partner").get(pk=item.pk)


def _require_open(item: EnquiryItem) -> None:
    if item.status not in OPEN_STATUSES:
        raise ValidationError(f"Enquiry {item.enquiry.reference} is closed, so it cannot be changed")


def enquiry_item_accept(*, item: EnquiryItem, actor: User) -> EnquiryItem:
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        if item.accepted_at is not None:
            raise ValidationError(f"Enquiry {item.enquiry.reference} has already been accepted")
        now = timezone.now()
        item.accepted_at, item.accepted_by = now, actor
        if item.status == ItemStatus.NEW:
            item.status = ItemStatus.ACCEPTED
        item.save(update_fields=["accepted_at", "accepted_by", "status"])
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.ACCEPTED, actor=actor, partner=item.partner, happened_at=now
        )
        audit_event_record(
            actor=actor, action="enquiry_item.accepted", obj=item,
            summary=f"{item.partner} accepted enquiry {item.enquiry.reference}",
        )
    return item


def enquiry_item_contact_record(
    *, item: EnquiryItem, actor: User, contact_kind: str, happened_at: datetime.datetime, summary: str
) -> EnquiryItem:
    """Record a contact with the employer: the first one is the partner's response."""
    if contact_kind not in ContactKind.values:
        raise ValidationError("Select how you contacted the employer")
    now = timezone.now()
    if happened_at > now + datetime.timedelta(minutes=5):
        raise ValidationError("The date of the contact must be today or in the past")
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        if happened_at < item.routed_at - datetime.timedelta(days=1):
            raise ValidationError("The date of the contact must be after the enquiry arrived")
        fields = ["status"]
        item.status = ItemStatus.CONTACTED
        if item.first_response_at is None:
            item.first_response_at = max(happened_at, item.routed_at)
            fields.append("first_response_at")
        if item.accepted_at is None:
            item.accepted_at, item.accepted_by = now, actor
            fields += ["accepted_at", "accepted_by"]
        item.save(update_fields=fields)
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.CONTACT, actor=actor, partner=item.partner,
            contact_kind=contact_kind, happened_at=happened_at, note=summary,
        )
        if item.enquiry.employer_id:
            interaction_record(
                employer=item.enquiry.employer,
                kind=contact_kind,
                summary=f"About enquiry {item.enquiry.reference}: {summary}",
                actor=actor,
                partner=item.partner,
                happened_at=happened_at,
            )
        audit_event_record(
            actor=actor, action="enquiry_item.contact_recorded", obj=item,
            summary=f"{item.partner} recorded a {ContactKind(contact_kind).label.lower()} "
            f"about enquiry {item.enquiry.reference}",
        )
    return item


def enquiry_item_reassign(*, item: EnquiryItem, actor: User, to_partner: Partner, reason: str) -> EnquiryItem:
    """Hand the item to another partner, who gets a fresh response deadline."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason for passing this enquiry on")
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        if to_partner.pk == item.partner_id:
            raise ValidationError(f"{to_partner} already holds this enquiry")
        if to_partner.standing == PartnerStanding.PAUSED:
            raise ValidationError(f"{to_partner} is paused and is not taking enquiries")
        if item.enquiry.items.filter(partner=to_partner, status__in=OPEN_STATUSES).exists():
            raise ValidationError(f"{to_partner} already holds another part of this enquiry")
        now = timezone.now()
        from_partner = item.partner
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.REASSIGNED, actor=actor, partner=from_partner,
            to_partner=to_partner, happened_at=now, note=reason,
        )
        item.partner = to_partner
        item.status = ItemStatus.NEW
        item.routed_at = now
        item.deadline = response_deadline(
            now, working_days_for(partner=to_partner, area=item.enquiry.area, types=item.types, now=now)
        )
        item.routing_reason = f"Passed on by {from_partner}: {reason}"[:300]
        item.accepted_at = item.accepted_by = item.first_response_at = None
        item.reminded_at = item.escalated_at = None
        item.save()
        audit_event_record(
            actor=actor, action="enquiry_item.reassigned", obj=item,
            summary=f"Enquiry {item.enquiry.reference} passed from {from_partner} to {to_partner}",
            data={"from_partner_id": from_partner.pk, "to_partner_id": to_partner.pk, "reason": reason},
        )
        transaction.on_commit(lambda: emails.send_partner_notification(item.pk))
    return item


def enquiry_item_close(*, item: EnquiryItem, actor: User, outcome: str, notes: str = "") -> EnquiryItem:
    if outcome not in Outcome.values:
        raise ValidationError("Select the outcome of the enquiry")
    with transaction.atomic():
        item = _locked(item)
        _require_open(item)
        now = timezone.now()
        item.status = ItemStatus.CLOSED
        item.closed_at, item.outcome, item.outcome_notes = now, outcome, notes.strip()
        item.save(update_fields=["status", "closed_at", "outcome", "outcome_notes"])
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.CLOSED, actor=actor, partner=item.partner, happened_at=now,
            note=f"{Outcome(outcome).label}. {notes.strip()}".strip(),
        )
        audit_event_record(
            actor=actor, action="enquiry_item.closed", obj=item,
            summary=f"{item.partner} closed enquiry {item.enquiry.reference}: {Outcome(outcome).label}",
        )
    return item


def _unanswered():
    return EnquiryItem.objects.filter(status__in=OPEN_STATUSES, first_response_at__isnull=True)


def reminders_due(now: datetime.datetime | None = None):
    now = now or timezone.now()
    return _unanswered().filter(
        reminded_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + datetime.timedelta(hours=REMINDER_HOURS_BEFORE),
    )


def escalations_due(now: datetime.datetime | None = None):
    now = now or timezone.now()
    return _unanswered().filter(escalated_at__isnull=True, deadline__lte=now)


def enquiry_item_remind(*, item_id: int, now: datetime.datetime | None = None) -> bool:
    """Remind the owning partner before the deadline. Sends at most once (conditional update)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = reminders_due(now).filter(pk=item_id).update(reminded_at=now)
        if not claimed:
            return False
        item = EnquiryItem.objects.get(pk=item_id)
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.REMINDED, partner_id=item.partner_id, happened_at=now
        )
        transaction.on_commit(lambda: emails.send_reminder(item_id))
    return True


def enquiry_item_escalate(*, item_id: int, now: datetime.datetime | None = None) -> bool:
    """Tell the programme's coordinators an item is past its deadline. At most once."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = escalations_due(now).filter(pk=item_id).update(escalated_at=now)
        if not claimed:
            return False
        item = EnquiryItem.objects.select_related("enquiry").get(pk=item_id)
        EnquiryItemEvent.objects.create(
            item=item, kind=EventKind.ESCALATED, partner_id=item.partner_id, happened_at=now
        )
        audit_event_record(
            actor=None, action="enquiry_item.escalated", obj=item,
            summary=f"Enquiry {item.enquiry.reference} escalated: no response by the deadline",
        )
        transaction.on_commit(lambda: emails.send_escalation(item_id))
    return True


def portal_url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"
