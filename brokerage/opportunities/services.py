"""Changes to opportunities: drafts, submission, moderation, lifecycle, strands and pledges.

Status changes go through ``_transition``, which refuses any move not in ``TRANSITIONS`` with
a message a person can read, whatever the user interface shows. Every function owns its
transaction and writes an audit event; emails are sent after the transaction commits.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import Employer, EmployerMembership, PartnerRelationship
from brokerage.employers.selectors import relationship_in_force
from brokerage.opportunities.models import (
    FieldComment,
    InterviewPledge,
    Opportunity,
    OpportunityEvent,
    OpportunityRule,
    OpportunityStatus,
    OpportunityType,
    PledgeInterview,
    StrandRegistration,
    past_closing_date,
)
from brokerage.opportunities.rules import automatic_check_findings, opportunity_errors
from brokerage.pipeline.models import DecisionReason
from brokerage.reference.apprenticeships import apprenticeship_standard
from brokerage.reference.models import Area
from brokerage.reference.postcodes import PostcodeError, centroid, normalise_postcode
from brokerage.reference.vocabulary import licences_normalise, sector_normalise, skills_normalise
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor
from portal.accounts.roles import Role
from portal.core.exceptions import IllegalTransition
from portal.core.files import PDF, WORD, FileRule, private_file_delete, private_file_replace

S = OpportunityStatus

# action -> (statuses it may start from, status it ends in)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.REFERRED_BACK}), S.SUBMITTED),
    "start_review": (frozenset({S.SUBMITTED}), S.IN_REVIEW),
    "approve": (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.LIVE),
    "refer_back": (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REFERRED_BACK),
    "reject": (frozenset({S.SUBMITTED, S.IN_REVIEW}), S.REJECTED),
    "fill": (frozenset({S.LIVE}), S.FILLED),
    "close": (frozenset({S.LIVE}), S.CLOSED),
    "withdraw": (
        frozenset({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.REFERRED_BACK, S.LIVE}),
        S.WITHDRAWN,
    ),
    "reopen": (frozenset({S.CLOSED, S.FILLED}), S.LIVE),
}
ACTION_VERBS = {
    "submit": "submit",
    "start_review": "start reviewing",
    "approve": "approve",
    "refer_back": "refer back",
    "reject": "reject",
    "fill": "mark as filled",
    "close": "close",
    "withdraw": "withdraw",
    "reopen": "reopen",
}
EDITABLE_STATUSES = frozenset({S.DRAFT, S.REFERRED_BACK})
# Fields a draft may hold; everything an employer fills in on the form.
DRAFT_FIELDS = (
    "opportunity_type", "programme", "strand", "title", "description", "sector", "qualification",
    "school_activity", "site", "postcode", "remote", "places", "hours_per_week", "paid",
    "pay_pence", "pay_basis", "start_date", "closing_date", "rolling", "duration_weeks",
    "min_age", "max_age", "ring_fenced", "target_groups", "required_licences",
    "essential_skills", "desirable_skills", "adjustments", "disability_confident",
    "candidate_route", "candidate_instructions", "show_employer_name", "public",
    "apprenticeship_standard", "training_provider", "off_the_job_hours_per_week",
    "supervisor_name", "insurance_confirmed",
)
# Evidence an employer uploads with the answers (private files, portal/core/files.py).
RISK_ASSESSMENT_RULE = FileRule(
    noun="risk assessment", types={**PDF, **WORD}, types_text="a PDF or Word document"
)
INSURANCE_CERTIFICATE_RULE = FileRule(noun="insurance certificate")
DRAFT_FILE_RULES: dict[str, FileRule] = {
    "risk_assessment": RISK_ASSESSMENT_RULE,
    "insurance_certificate": INSURANCE_CERTIFICATE_RULE,
}
REMINDER_DAYS_BEFORE_CLOSING = 3


# --- who may do what ---------------------------------------------------------------------


def user_is_member(user: User, employer: Employer) -> bool:
    return EmployerMembership.objects.filter(employer=employer, user=user).exists()


def partner_relationship(user: User, employer: Employer) -> PartnerRelationship | None:
    """The user's partner's relationship with the employer, if the employer accepted it (or a
    coordinator approved it) and it has not ended; a mere request grants nothing."""
    return relationship_in_force(getattr(user, "partner_id", None), employer)


def _require_can_edit(actor: User, employer: Employer) -> None:
    if user_is_member(actor, employer):
        return
    if actor.has_role(Role.PARTNER_STAFF, Role.COORDINATOR) and partner_relationship(
        actor, employer
    ):
        return
    raise ValidationError("You cannot change this employer's opportunities")


def _require_coordinator(actor: User) -> None:
    if not actor.has_role(Role.COORDINATOR):
        raise ValidationError("Only a coordinator can moderate opportunities")


def _acting_for(actor: User, employer: Employer) -> str:
    return "" if user_is_member(actor, employer) else employer.name


# --- transitions and history ---------------------------------------------------------------


def _transition(
    opportunity: Opportunity, action: str, *, actor: User | None, note: str = ""
) -> OpportunityEvent:
    allowed_from, to_status = TRANSITIONS[action]
    if opportunity.status not in allowed_from:
        raise IllegalTransition(
            f"You cannot {ACTION_VERBS[action]} an opportunity "
            f"that is {opportunity.get_status_display().lower()}"
        )
    from_status = opportunity.status
    opportunity.status = to_status
    return OpportunityEvent.objects.create(
        opportunity=opportunity,
        from_status=from_status,
        to_status=to_status,
        actor=recorded_actor(actor),
        note=note,
    )


def _locked(opportunity: Opportunity) -> Opportunity:
    return (
        Opportunity.objects.select_for_update(of=("self",))
        .select_related("employer", "programme")
        .get(pk=opportunity.pk)
    )


def _email_after_commit(event: OpportunityEvent) -> None:
    from brokerage.opportunities.tasks import opportunity_decision_email_task

    transaction.on_commit(lambda: opportunity_decision_email_task.delay(event.pk))


# --- drafts --------------------------------------------------------------------------------


def _apply_location(opportunity: Opportunity) -> None:
    """Store the normalised postcode, its outward-code centroid and its area."""
    opportunity.latitude = opportunity.longitude = None
    opportunity.area = None
    if opportunity.remote and not opportunity.postcode:
        return
    if not opportunity.postcode and opportunity.site_id:
        opportunity.postcode = opportunity.site.postcode
    if not opportunity.postcode:
        return
    try:
        opportunity.postcode = normalise_postcode(opportunity.postcode)
    except PostcodeError as exc:
        raise ValidationError({"postcode": str(exc)}) from exc
    point = centroid(opportunity.postcode)
    if point:
        opportunity.latitude, opportunity.longitude = point
    opportunity.area = Area.for_postcode(opportunity.postcode)


def _default_strand(opportunity: Opportunity) -> None:
    if opportunity.strand_id:
        opportunity.programme_id = opportunity.strand.programme_id
        return
    if opportunity.programme_id:
        rule = OpportunityRule.objects.filter(
            programme_id=opportunity.programme_id,
            opportunity_type=opportunity.opportunity_type,
            strand__isnull=False,
        ).first()
        if rule:
            opportunity.strand = rule.strand


def opportunity_save_draft(
    *,
    actor: User,
    employer: Employer,
    data: dict,
    opportunity: Opportunity | None = None,
    files: dict | None = None,
) -> Opportunity:
    """Create or update an opportunity that is a draft or has been referred back.

    ``files`` maps an evidence field (``DRAFT_FILE_RULES``: risk assessment, insurance
    certificate) to an upload; each is checked, scanned and stored privately, replacing the
    file before it once the change commits. Nothing is saved if any upload is refused.
    """
    _require_can_edit(actor, employer)
    unknown = set(data) - set(DRAFT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown opportunity fields: {sorted(unknown)}")
    files = {name: upload for name, upload in (files or {}).items() if upload}
    if set(files) - set(DRAFT_FILE_RULES):
        raise ValueError(f"Unknown opportunity files: {sorted(set(files) - set(DRAFT_FILE_RULES))}")
    stored: list[str] = []
    try:
        return _save_draft(
            actor=actor, employer=employer, data=data, opportunity=opportunity, files=files,
            stored=stored,
        )
    except BaseException:
        for name in stored:  # the row was not saved: the new files must not linger
            private_file_delete(storage=Opportunity._meta.get_field("risk_assessment").storage,
                                name=name)
        raise


def _save_draft(
    *, actor: User, employer: Employer, data: dict, opportunity: Opportunity | None, files: dict,
    stored: list[str],
) -> Opportunity:
    with transaction.atomic():
        if opportunity is None:
            opportunity = Opportunity(employer=employer, created_by=actor)
            relationship = (
                None if user_is_member(actor, employer) else partner_relationship(actor, employer)
            )
            if relationship:
                opportunity.acting_partner_id = relationship.partner_id
            created = True
        else:
            opportunity = _locked(opportunity)
            if opportunity.employer_id != employer.pk:
                raise ValidationError("This opportunity belongs to another employer")
            if opportunity.status not in EDITABLE_STATUSES:
                raise IllegalTransition(
                    "You cannot change an opportunity that is "
                    f"{opportunity.get_status_display().lower()}"
                )
            created = False
        for field, value in data.items():
            setattr(opportunity, field, value)
        for field in ("essential_skills", "desirable_skills"):
            setattr(opportunity, field, _clean_skills(getattr(opportunity, field)))
        opportunity.required_licences = licences_normalise(opportunity.required_licences)
        opportunity.sector = sector_normalise(opportunity.sector)
        if not opportunity.title:
            raise ValidationError({"title": "Enter a title"})
        standard = apprenticeship_standard(opportunity.apprenticeship_standard)
        opportunity.apprenticeship_level = standard.level if standard else None
        if standard:
            opportunity.qualification = f"{standard.title} apprenticeship (level {standard.level})"
        _default_strand(opportunity)
        _apply_location(opportunity)
        errors: dict[str, list[str]] = {}
        for name, upload in files.items():
            try:
                stored.append(private_file_replace(
                    instance=opportunity, field_name=name, upload=upload,
                    rule=DRAFT_FILE_RULES[name],
                ))
            except ValidationError as exc:
                errors[name] = exc.messages
        if errors:
            raise ValidationError(errors)
        opportunity.save()
        audit_event_record(
            actor=actor,
            action="opportunity.created" if created else "opportunity.draft_saved",
            obj=opportunity,
            summary=(
                f"{'Created' if created else 'Saved'} draft "
                f"‘{opportunity.title}’ for {employer.name}"
            ),
            data={"employer_id": employer.pk, "files": sorted(files)},
            acting_for=_acting_for(actor, employer),
        )
    return opportunity


def _clean_skills(values) -> list[str]:
    return skills_normalise(values)


def opportunity_duplicate(*, actor: User, opportunity: Opportunity) -> Opportunity:
    """A new draft copying an earlier opportunity; dates are left for the employer to set."""
    data = {field: getattr(opportunity, field) for field in DRAFT_FIELDS}
    data.update(start_date=None, closing_date=None, public=False)
    copy = opportunity_save_draft(actor=actor, employer=opportunity.employer, data=data)
    with transaction.atomic():
        Opportunity.objects.filter(pk=copy.pk).update(duplicated_from=opportunity)
        copy.duplicated_from = opportunity
        audit_event_record(
            actor=actor, action="opportunity.duplicated", obj=copy,
            summary=f"Copied from opportunity {opportunity.pk}",
            data={"from": opportunity.pk}, acting_for=_acting_for(actor, opportunity.employer),
        )
    return copy


# --- submission and moderation -------------------------------------------------------------


def strand_registration_record(*, actor: User, employer: Employer, strand, at=None) -> StrandRegistration:
    """Register ``employer`` in ``strand`` (once; later calls return the same registration)."""
    with transaction.atomic():
        registration, created = StrandRegistration.objects.get_or_create(
            employer=employer,
            strand=strand,
            defaults={
                "registered_at": at or timezone.now(),
                "registered_by": recorded_actor(actor),
            },
        )
        if created:
            audit_event_record(
                actor=actor, action="opportunity.strand_registered", obj=employer,
                summary=f"{employer.name} registered in {strand}",
                data={"strand_id": strand.pk},
            )
    return registration


def opportunity_submit(*, actor: User, opportunity: Opportunity) -> Opportunity:
    """Submit for moderation. Runs the automatic checks: any finding refers it straight back."""
    with transaction.atomic():
        opportunity = _locked(opportunity)
        _require_can_edit(actor, opportunity.employer)
        if not user_is_member(actor, opportunity.employer):
            relationship = partner_relationship(actor, opportunity.employer)
            if relationship is None or relationship.requires_employer_signoff:
                raise ValidationError(
                    "The employer must check and submit this opportunity themselves"
                )
        if opportunity.status not in TRANSITIONS["submit"][0]:
            _transition(opportunity, "submit", actor=actor)  # raises
        _default_strand(opportunity)
        errors = opportunity_errors(opportunity)
        if errors:
            raise ValidationError(errors)
        _transition(opportunity, "submit", actor=actor)
        opportunity.submitted_at = timezone.now()
        opportunity.field_comments.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        opportunity.save()
        if opportunity.strand_id:
            strand_registration_record(
                actor=actor, employer=opportunity.employer, strand=opportunity.strand
            )
        audit_event_record(
            actor=actor, action="opportunity.submitted", obj=opportunity,
            summary=f"Submitted ‘{opportunity.title}’ for review",
            acting_for=_acting_for(actor, opportunity.employer),
        )
        findings = automatic_check_findings(opportunity)
        if findings:
            for finding in findings:
                FieldComment.objects.create(
                    opportunity=opportunity, field_name=finding.field,
                    comment=finding.message, automatic=True,
                )
            event = _transition(
                opportunity, "refer_back", actor=None,
                note="Referred back by the automatic checks",
            )
            opportunity.save(update_fields=["status", "updated_at"])
            audit_event_record(
                actor=None, action="opportunity.auto_referred_back", obj=opportunity,
                summary=f"Automatic checks found {len(findings)} problem(s)",
                data={"findings": [f.__dict__ for f in findings]},
            )
            _email_after_commit(event)
    return opportunity


def opportunity_start_review(*, actor: User, opportunity: Opportunity) -> Opportunity:
    _require_coordinator(actor)
    with transaction.atomic():
        opportunity = _locked(opportunity)
        _transition(opportunity, "start_review", actor=actor)
        opportunity.reviewer = actor
        opportunity.save(update_fields=["status", "reviewer", "updated_at"])
        audit_event_record(
            actor=actor, action="opportunity.review_started", obj=opportunity,
            summary=f"Started reviewing ‘{opportunity.title}’",
        )
    return opportunity


def opportunity_approve(*, actor: User, opportunity: Opportunity, note: str = "") -> Opportunity:
    """Make it live. From now on its places count as opportunities created in its strand."""
    _require_coordinator(actor)
    with transaction.atomic():
        opportunity = _locked(opportunity)
        event = _transition(opportunity, "approve", actor=actor, note=note)
        opportunity.approved_at = opportunity.approved_at or timezone.now()
        opportunity.reviewer = actor
        opportunity.save()
        if opportunity.opportunity_type == OpportunityType.GUARANTEED_INTERVIEW:
            InterviewPledge.objects.update_or_create(
                opportunity=opportunity,
                defaults={
                    "employer": opportunity.employer,
                    "programme": opportunity.programme,
                    "interviews_pledged": opportunity.places,
                    "period_start": opportunity.start_date,
                    "period_end": opportunity.closing_date,
                },
            )
        audit_event_record(
            actor=actor, action="opportunity.approved", obj=opportunity,
            summary=f"Approved ‘{opportunity.title}’: now live",
        )
        _email_after_commit(event)
    return opportunity


def opportunity_refer_back(
    *, actor: User, opportunity: Opportunity, comments: dict[str, str], note: str = "",
    reasons: Sequence[DecisionReason] = (),
) -> Opportunity:
    """Send it back to the employer with a comment on each named field (``reasons``: the
    picked ``DecisionReason`` rows, kept on the event; ``note`` reads them as text)."""
    _require_coordinator(actor)
    comments = {field: text.strip() for field, text in comments.items() if text and text.strip()}
    if not comments:
        raise ValidationError("Add a comment on at least one field")
    unknown = set(comments) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(f"There is no field called {', '.join(sorted(unknown))}")
    with transaction.atomic():
        opportunity = _locked(opportunity)
        event = _transition(opportunity, "refer_back", actor=actor, note=note)
        if reasons:
            event.reasons.set(reasons)
        opportunity.reviewer = actor
        opportunity.save(update_fields=["status", "reviewer", "updated_at"])
        for field, text in comments.items():
            FieldComment.objects.create(
                opportunity=opportunity, field_name=field, comment=text, author=actor
            )
        audit_event_record(
            actor=actor, action="opportunity.referred_back", obj=opportunity,
            summary=f"Referred back ‘{opportunity.title}’ with {len(comments)} comment(s)",
            data={"fields": sorted(comments)},
        )
        _email_after_commit(event)
    return opportunity


def opportunity_reject(
    *, actor: User, opportunity: Opportunity, reason: str, reasons: Sequence[DecisionReason] = ()
) -> Opportunity:
    _require_coordinator(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter the reason for rejecting the opportunity"})
    with transaction.atomic():
        opportunity = _locked(opportunity)
        event = _transition(opportunity, "reject", actor=actor, note=reason.strip())
        if reasons:
            event.reasons.set(reasons)
        opportunity.rejection_reason = reason.strip()
        opportunity.reviewer = actor
        opportunity.save()
        audit_event_record(
            actor=actor, action="opportunity.rejected", obj=opportunity,
            summary=f"Rejected ‘{opportunity.title}’", data={"reason": reason.strip()},
        )
        _email_after_commit(event)
    return opportunity


# --- lifecycle -----------------------------------------------------------------------------


def opportunity_withdraw(*, actor: User, opportunity: Opportunity, reason: str = "") -> Opportunity:
    with transaction.atomic():
        opportunity = _locked(opportunity)
        _require_can_edit(actor, opportunity.employer)
        _transition(opportunity, "withdraw", actor=actor, note=reason)
        opportunity.closed_at = timezone.now()
        opportunity.save()
        audit_event_record(
            actor=actor, action="opportunity.withdrawn", obj=opportunity,
            summary=f"Withdrew ‘{opportunity.title}’", data={"reason": reason},
            acting_for=_acting_for(actor, opportunity.employer),
        )
    return opportunity


def opportunity_places_fill(*, actor: User, opportunity: Opportunity, places_filled: int) -> Opportunity:
    """Record how many places are taken; when all are, the opportunity is filled."""
    with transaction.atomic():
        opportunity = _locked(opportunity)
        if opportunity.status != S.LIVE:
            raise IllegalTransition(
                "You cannot fill places on an opportunity that "
                f"is {opportunity.get_status_display().lower()}"
            )
        if not 0 <= places_filled <= opportunity.places:
            raise ValidationError(
                {"places_filled": f"Places filled must be between 0 and {opportunity.places}"}
            )
        opportunity.places_filled = places_filled
        if places_filled == opportunity.places:
            _transition(opportunity, "fill", actor=actor, note="Every place is taken")
            opportunity.closed_at = timezone.now()
        opportunity.save()
        audit_event_record(
            actor=actor, action="opportunity.places_filled", obj=opportunity,
            summary=f"{places_filled} of {opportunity.places} places filled",
        )
    return opportunity


def opportunity_close(*, actor: User | None, opportunity: Opportunity, note: str = "") -> Opportunity:
    with transaction.atomic():
        opportunity = _locked(opportunity)
        _transition(opportunity, "close", actor=actor, note=note)
        opportunity.closed_at = timezone.now()
        opportunity.save()
        audit_event_record(
            actor=actor, action="opportunity.closed", obj=opportunity,
            summary=f"Closed ‘{opportunity.title}’" + (f": {note}" if note else ""),
        )
    return opportunity


def opportunity_reopen(
    *, actor: User, opportunity: Opportunity, closing_date: datetime.date, places: int | None = None
) -> Opportunity:
    """Reopen a closed or filled opportunity with a new closing date (and, if filled, more
    places)."""
    today = timezone.localdate()
    with transaction.atomic():
        opportunity = _locked(opportunity)
        _require_can_edit(actor, opportunity.employer)
        if closing_date is None or closing_date < today:
            raise ValidationError(
                {"closing_date": "The new closing date must be today or in the future"}
            )
        if places is not None:
            if places < opportunity.places_filled or places < 1:
                raise ValidationError(
                    {
                        "places": f"Places must be at least {max(opportunity.places_filled, 1)}, "
                        "the number already filled"
                    }
                )
            opportunity.places = places
        if (
            opportunity.places_filled >= opportunity.places
            and opportunity.status in TRANSITIONS["reopen"][0]
        ):
            raise ValidationError({"places": "Every place is filled: add more places to reopen it"})
        _transition(
            opportunity, "reopen", actor=actor, note=f"New closing date {closing_date:%-d %B %Y}"
        )
        opportunity.closing_date = closing_date
        if opportunity.start_date and opportunity.start_date < closing_date:
            opportunity.start_date = closing_date
        opportunity.rolling = False
        opportunity.closed_at = None
        opportunity.closing_reminder_sent_for = None
        opportunity.save()
        audit_event_record(
            actor=actor, action="opportunity.reopened", obj=opportunity,
            summary=f"Reopened ‘{opportunity.title}’ until {closing_date:%-d %B %Y}",
            acting_for=_acting_for(actor, opportunity.employer),
        )
    return opportunity


def opportunities_close_expired(*, today: datetime.date | None = None) -> list[int]:
    """Close every live opportunity whose closing date has passed. Safe to run twice."""
    today = today or timezone.localdate()
    closed = []
    ids = Opportunity.objects.filter(past_closing_date(today), status=S.LIVE).values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        opportunity = Opportunity.objects.get(pk=pk)
        try:
            opportunity_close(actor=None, opportunity=opportunity, note="The closing date passed")
        except IllegalTransition:
            continue  # changed by someone else meanwhile
        closed.append(pk)
    return closed


def opportunities_due_reminder(*, today: datetime.date | None = None):
    """Live opportunities closing within the reminder window that have not had a reminder."""
    today = today or timezone.localdate()
    return Opportunity.objects.filter(
        status=S.LIVE,
        rolling=False,
        closing_date__gte=today,
        closing_date__lte=today + datetime.timedelta(days=REMINDER_DAYS_BEFORE_CLOSING),
    ).exclude(closing_reminder_sent_for=F("closing_date"))


def opportunity_reminder_mark_sent(*, opportunity: Opportunity) -> bool:
    """Claim the reminder for this closing date; False if it was already sent."""
    with transaction.atomic():
        updated = (
            Opportunity.objects.filter(pk=opportunity.pk, status=S.LIVE)
            .exclude(closing_reminder_sent_for=opportunity.closing_date)
            .update(closing_reminder_sent_for=opportunity.closing_date)
        )
        if updated:
            audit_event_record(
                actor=None,
                action="opportunity.closing_reminder",
                obj=opportunity,
                summary=(
                    f"Reminded the employer that ‘{opportunity.title}’ "
                    f"closes on {opportunity.closing_date:%-d %B %Y}"
                ),
            )
    return bool(updated)


# --- guaranteed-interview pledges ------------------------------------------------------------


def pledge_interview_record(
    *, employer: Employer, programme, reference: str, interviewed_on: datetime.date
) -> PledgeInterview | None:
    """Count an interview against the employer's pledge covering that date (idempotent).

    Called by the pipeline when it records an interview; ``reference`` is the pipeline's id.
    Returns None when the employer has no pledge for that programme and date.
    """
    with transaction.atomic():
        pledge = (
            InterviewPledge.objects.select_for_update(of=("self",))
            .filter(
                employer=employer, programme=programme,
                period_start__lte=interviewed_on, period_end__gte=interviewed_on,
            )
            .order_by("period_start")
            .first()
        )
        if pledge is None:
            return None
        interview, created = PledgeInterview.objects.get_or_create(
            pledge=pledge, reference=reference, defaults={"interviewed_on": interviewed_on}
        )
        if created:
            audit_event_record(
                actor=None, action="opportunity.pledge_interview", obj=pledge,
                summary=f"Interview {reference} counted against {employer.name}'s pledge",
            )
    return interview
