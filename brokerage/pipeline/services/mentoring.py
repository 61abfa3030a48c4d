"""Mentoring (Plan 500): employer volunteers, agreements, contacts and outcomes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.participants.selectors import profile_is_shareable
from brokerage.pipeline.models import (
    MentoringAgreement,
    MentoringContact,
    MentoringStatus,
    MentorProfile,
)
from brokerage.pipeline.services.access import (
    KEY_WORKER,
    can_act_for_participant,
    is_employer_member,
    require_key_worker,
)
from brokerage.pipeline.services.emails import email_after_commit
from brokerage.reference import dates
from portal.accounts.models import User
from portal.accounts.permissions import is_signed_in
from portal.core.exceptions import IllegalTransition


def mentor_profile_save(
    *, actor: User, employer, sectors: list[str], about: str, trained_on=None
) -> MentorProfile:
    """An employer user volunteers (or updates their profile) as a mentor."""
    if not is_employer_member(actor, employer.pk):
        raise ValidationError("You can only volunteer as a mentor for your own organisation")
    errors = {}
    if not sectors:
        errors["sectors"] = "Choose at least one sector you can talk about"
    if not about.strip():
        errors["about"] = "Tell mentees what you do and how you can help"
    if trained_on and trained_on > timezone.localdate():
        errors["trained_on"] = "The training date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, created = MentorProfile.objects.update_or_create(
            user=actor,
            defaults={
                "employer": employer,
                "sectors": list(sectors),
                "about": about.strip(),
                "trained_on": trained_on,
                "active": True,
            },
        )
        audit_event_record(
            actor=actor,
            action="pipeline.mentor_volunteered" if created else "pipeline.mentor_updated",
            obj=profile,
            summary=f"{actor.display_name} mentor profile saved",
        )
    return profile


def mentoring_agreement_create(
    *,
    actor: User,
    mentee,
    mentor: MentorProfile,
    sector: str,
    contact_method: str,
    place: str,
    frequency: str,
    covers: str,
    does_not_cover: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> MentoringAgreement:
    """The mentee's choice of mentor, recorded by their key worker, with what was agreed."""
    require_key_worker(actor, mentee)
    errors = {}
    if not profile_is_shareable(mentee):
        raise ValidationError(
            "This person has not agreed to share their profile "
            "with employers, so a mentor cannot be matched"
        )
    if not mentor.active or mentor.trained_on is None:
        errors["mentor"] = "Choose a mentor who has completed the mentor training"
    if sector not in mentor.sectors:
        errors["sector"] = "Choose a sector this mentor covers"
    elif mentee.sector_interests and sector not in mentee.sector_interests:
        errors["sector"] = "Choose a sector that interests the mentee"
    for field, value in (
        ("contact_method", contact_method),
        ("place", place),
        ("frequency", frequency),
        ("covers", covers),
        ("does_not_cover", does_not_cover),
    ):
        if not (value or "").strip():
            errors[field] = "Enter what was agreed"
    if starts_on and ends_on:
        latest = dates.mentoring_latest_end(starts_on, MentoringAgreement.MAX_MONTHS)
        if ends_on <= starts_on:
            errors["ends_on"] = "The end date must be after the start date"
        elif ends_on > latest:
            errors["ends_on"] = (
                "Mentoring lasts up to 6 months: the end "
                f"date must be on or before {latest:%-d %B %Y}"
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if MentoringAgreement.objects.filter(
            mentor=mentor, mentee=mentee, status=MentoringStatus.ACTIVE
        ).exists():
            raise ValidationError(
                {"mentor": "This mentor already has an active agreement with this person"}
            )
        agreement = MentoringAgreement.objects.create(
            mentor=mentor,
            mentee=mentee,
            sector=sector,
            contact_method=contact_method.strip(),
            place=place.strip(),
            frequency=frequency.strip(),
            covers=covers.strip(),
            does_not_cover=does_not_cover.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        audit_event_record(
            actor=actor,
            action="pipeline.mentoring_agreed",
            obj=agreement,
            summary=f"{mentee.reference} chose {mentor.user.display_name} as a mentor",
        )
        email_after_commit(
            "You have a new mentee",
            "pipeline/email/mentee.txt",
            {
                "agreement": agreement,
                "link": settings.PORTAL_BASE_URL
                + reverse("pipeline:mentoring_agreement", args=[agreement.pk]),
            },
            [mentor.user.email],
        )
    return agreement


def _mentoring_side(actor: User, agreement: MentoringAgreement) -> set[str]:
    sides = set()
    if is_signed_in(actor) and agreement.mentor.user_id == actor.pk:
        sides.add("mentor")
    if can_act_for_participant(actor, agreement.mentee):
        sides.add(KEY_WORKER)
    return sides


def mentoring_contact_record(
    *, actor: User, agreement: MentoringAgreement, happened_on: datetime.date, method: str, summary: str,
) -> MentoringContact:
    if not _mentoring_side(actor, agreement):
        raise ValidationError("You cannot record contact for this agreement")
    if agreement.status != MentoringStatus.ACTIVE:
        raise IllegalTransition("This mentoring agreement is closed")
    errors = {}
    if happened_on is None:
        errors["happened_on"] = "Enter the date of the contact"
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "The date must be today or in the past"
    elif not agreement.starts_on <= happened_on <= agreement.ends_on:
        errors["happened_on"] = (
            "The date must be within the agreement, "
            f"{agreement.starts_on:%-d %B %Y} to {agreement.ends_on:%-d %B %Y}"
        )
    if not summary.strip():
        errors["summary"] = "Enter what you talked about"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = MentoringContact.objects.create(
            agreement=agreement,
            happened_on=happened_on,
            method=method,
            summary=summary.strip(),
            recorded_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.mentoring_contact", obj=agreement,
                           summary=f"Mentoring contact on {happened_on:%-d %B %Y}")
    return contact


def mentoring_agreement_close(
    *, actor: User, agreement: MentoringAgreement, outcomes: list[str], notes: str = "", closed_on=None,
) -> MentoringAgreement:
    """The mentor closes the agreement and reports the outcomes."""
    if "mentor" not in _mentoring_side(actor, agreement):
        raise ValidationError("Only the mentor can close the agreement and report its outcomes")
    closed_on = closed_on or timezone.localdate()
    if not outcomes:
        raise ValidationError({"outcomes": "Choose at least one outcome"})
    with transaction.atomic():
        agreement = MentoringAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
        if agreement.status != MentoringStatus.ACTIVE:
            raise IllegalTransition("This mentoring agreement is already closed")
        agreement.status = MentoringStatus.CLOSED
        agreement.closed_on = closed_on
        agreement.outcomes = list(outcomes)
        agreement.outcome_notes = notes.strip()
        agreement.closed_by = actor
        agreement.save()
        audit_event_record(actor=actor, action="pipeline.mentoring_closed", obj=agreement,
                           summary=f"Mentoring closed: {', '.join(agreement.outcome_labels)}")
    return agreement
