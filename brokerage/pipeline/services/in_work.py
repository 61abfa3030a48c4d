"""In work: progressions within 26 weeks of the start, and in-work support for 12 months."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.pipeline.models import OutcomeKind, Placement, Progression, SupportContact
from brokerage.pipeline.services.access import require_key_worker
from brokerage.pipeline.services.outcomes import outcome_write
from brokerage.reference import dates
from portal.accounts.models import User


def progression_record(
    *,
    actor: User,
    placement: Placement,
    kind: str,
    occurred_on: datetime.date,
    details: str,
    evidence: str,
) -> Progression:
    """A progression within 26 weeks of the start, with date and evidence."""
    require_key_worker(actor, placement.participant)
    errors = {}
    deadline = dates.progression_deadline(placement.start_date)
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date of the progression"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
    elif occurred_on < placement.start_date:
        errors["occurred_on"] = (
            f"The date must be on or after the start date, {placement.start_date:%-d %B %Y}"
        )
    elif occurred_on > deadline:
        errors["occurred_on"] = (
            "Progressions count within 26 weeks of the start: "
            f"the date must be on or before {deadline:%-d %B %Y}"
        )
    if not details.strip():
        errors["details"] = "Describe the progression"
    if not evidence.strip():
        errors["evidence"] = "Describe the evidence"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        progression = Progression.objects.create(
            placement=placement, kind=kind, occurred_on=occurred_on, details=details.strip(),
            evidence=evidence.strip(), recorded_by=actor,
        )
        outcome_write(
            key=f"progression:{progression.pk}",
            kind=OutcomeKind.PROGRESSION,
            placement=placement,
            progression=progression,
            measure="progressions",
            occurred_on=occurred_on,
            actor=actor,
            detail=progression.get_kind_display(),
        )
        audit_event_record(actor=actor, action="pipeline.progression", obj=placement,
                           summary=f"{progression.get_kind_display()} on {occurred_on:%-d %B %Y}")
    return progression


def support_contact_record(
    *, actor: User, placement: Placement, happened_on: datetime.date, with_whom: str, method: str,
    issues: str = "", actions: str = "",
) -> SupportContact:
    """In-work support for up to 12 months after the start."""
    require_key_worker(actor, placement.participant)
    errors = {}
    ends = dates.support_ends_on(placement.start_date)
    if happened_on is None:
        errors["happened_on"] = "Enter the date of the contact"
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "The date must be today or in the past"
    elif happened_on < placement.start_date:
        errors["happened_on"] = (
            f"The date must be on or after the start date, {placement.start_date:%-d %B %Y}"
        )
    elif happened_on > ends:
        errors["happened_on"] = (
            f"In-work support lasts 12 months: the date must be on or before {ends:%-d %B %Y}"
        )
    if not (issues.strip() or actions.strip()):
        errors["issues"] = "Enter the issues discussed or the actions agreed"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = SupportContact.objects.create(
            placement=placement, happened_on=happened_on, with_whom=with_whom, method=method,
            issues=issues.strip(), actions=actions.strip(), recorded_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.support_contact", obj=placement,
                           summary=f"In-work support contact on {happened_on:%-d %B %Y}")
    return contact
