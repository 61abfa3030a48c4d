"""Changes to participant records. Each function owns its transaction and writes an audit event."""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.participants.models import (
    AccessLogEntry,
    ActionItem,
    ActionStatus,
    Assessment,
    BenefitType,
    CareRequest,
    CareRequestKind,
    CareRequestStatus,
    Consent,
    ConsentScope,
    ContactLog,
    EligibilityRule,
    EligibilityStatus,
    Participant,
    ParticipantStatus,
    PlanReview,
    Readiness,
    ReadinessChange,
    RuleKind,
    TargetGroup,
)
from brokerage.participants.rules import (
    care_requester_check,
    key_worker_check,
    key_worker_problem,
    supporting_worker_check,
)
from brokerage.participants.selectors import (
    audit_events_about,
    consent_partners_for,
    likely_duplicates,
)
from brokerage.reference.models import Area, Programme
from brokerage.reference.postcodes import centroid, outward_code, validate_known_postcode
from brokerage.reference.vocabulary import licences_normalise, sectors_normalise, skills_normalise
from portal.accounts.models import User
from portal.accounts.permissions import is_coordinator, is_signed_in, recorded_actor

ASSESSMENT_DUE_DAYS = 14

# --- National Insurance numbers ---------------------------------------------------------------

_NINO_RE = re.compile(r"^([A-Z]{2})(\d{6})([A-D])$")
_NINO_BAD_FIRST = set("DFIQUV")
_NINO_BAD_SECOND = set("DFIOQUV")
_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ni_number_normalise(value: str) -> str:
    """'qq 12 34 56 c' -> 'QQ123456C'; raises ValidationError with a message for the user."""
    compact = re.sub(r"[\s-]+", "", (value or "").upper())
    if not compact:
        return ""
    match = _NINO_RE.match(compact)
    if not match:
        raise ValidationError(
            "Enter a National Insurance number in the right format, like QQ 12 34 56 C"
        )
    prefix = match.group(1)
    if prefix[0] in _NINO_BAD_FIRST or prefix[1] in _NINO_BAD_SECOND or prefix in _NINO_BAD_PREFIXES:
        raise ValidationError(
            f"{prefix} is not a valid start for a National Insurance number. Check it and try again"
        )
    return compact


# --- eligibility ------------------------------------------------------------------------------

def _list_words(items: list[str]) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _evaluate_rule(rule: EligibilityRule, participant: Participant) -> dict:
    kind = rule.kind
    result = {"rule": rule.get_kind_display(), "kind": kind}
    if kind == RuleKind.AGE:
        lo, hi = rule.minimum, rule.maximum
        wanted = (
            f"{lo} to {hi}" if lo is not None and hi is not None
            else f"{lo} or over" if lo is not None else f"{hi} or under"
        )
        age = participant.age_on(participant.referred_on)
        if age is None:
            return result | {
                "outcome": "unknown",
                "message": f"Date of birth not known: the programme is for people aged {wanted}",
            }
        ok = (lo is None or age >= lo) and (hi is None or age <= hi)
        if ok:
            return result | {
                "outcome": "pass",
                "message": f"Aged {age} when referred: the programme is for people aged {wanted}",
            }
        return result | {
            "outcome": "fail",
            "message": f"Aged {age} when referred, but the programme is for people aged {wanted}",
        }
    if kind == RuleKind.RESIDENCE:
        areas = list(rule.programme.areas.all())
        names = _list_words([a.name for a in areas])
        if not areas:
            return result | {"outcome": "pass", "message": "The programme covers every area"}
        if participant.area is None:
            return result | {"outcome": "fail", "message": f"Postcode {participant.postcode} is not in {names}"}
        if participant.area in areas:
            return result | {
                "outcome": "pass",
                "message": f"Lives in {participant.area.name}, one of the programme's areas",
            }
        return result | {
            "outcome": "fail",
            "message": f"Lives in {participant.area.name}, but the programme covers {names}",
        }
    if kind == RuleKind.BENEFIT:
        labels = dict(BenefitType.choices)
        wanted = _list_words([labels.get(v, v) for v in rule.values])
        if not participant.benefit_type:
            return result | {"outcome": "unknown", "message": f"Benefit not recorded: the programme needs {wanted}"}
        got = labels.get(participant.benefit_type, participant.benefit_type)
        if participant.benefit_type in rule.values:
            return result | {"outcome": "pass", "message": f"Receives {got}, which qualifies"}
        return result | {"outcome": "fail", "message": f"Receives {got}, but the programme needs {wanted}"}
    if kind == RuleKind.TIME_OUT_OF_WORK:
        needed = rule.minimum or 0
        months = participant.months_out_of_work
        if months is None:
            return result | {
                "outcome": "unknown",
                "message": f"Time out of work not recorded: the programme needs {needed} months or more",
            }
        if months >= needed:
            return result | {"outcome": "pass", "message": f"Out of work for {months} months: {needed} or more needed"}
        return result | {
            "outcome": "fail",
            "message": f"Out of work for {months} months, but the programme needs {needed} or more",
        }
    if kind == RuleKind.TARGET_GROUP:
        labels = dict(TargetGroup.choices)
        wanted = _list_words([labels.get(v, v) for v in rule.values])
        matched = [labels.get(v, v) for v in participant.target_groups if v in rule.values]
        if matched:
            return result | {"outcome": "pass", "message": f"In a target group: {', '.join(matched)}"}
        return result | {"outcome": "fail", "message": f"Not in any of the programme's target groups ({wanted})"}
    return result | {"outcome": "unknown", "message": "This rule could not be checked"}


def eligibility_evaluate(participant: Participant, *, rules=None) -> tuple[str, list[dict]]:
    """Run the programme's rules. Returns (status, results), each result in plain words.

    ``rules``: the programme's active rules already read (matching evaluates many people of one
    programme at once, ``search.eligibility``); read here when not given."""
    if rules is None:
        rules = EligibilityRule.objects.filter(programme=participant.programme, active=True).select_related("programme")
    results = [_evaluate_rule(rule, participant) for rule in rules]
    eligible = all(r["outcome"] == "pass" for r in results)
    return (EligibilityStatus.ELIGIBLE if eligible else EligibilityStatus.NOT_ELIGIBLE), results


def _apply_eligibility(participant: Participant) -> None:
    status, results = eligibility_evaluate(participant)
    participant.eligibility_results = results
    participant.eligibility_checked_at = timezone.now()
    if participant.eligibility_status != EligibilityStatus.OVERRIDDEN:
        participant.eligibility_status = status
    if participant.is_eligible and participant.status == ParticipantStatus.REFERRED:
        participant.status = ParticipantStatus.ACTIVE


def eligibility_check(*, participant: Participant, actor: User) -> Participant:
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        _apply_eligibility(participant)
        participant.save()
        audit_event_record(
            actor=actor, action="participant.eligibility_checked", obj=participant,
            summary=f"Eligibility checked: {participant.get_eligibility_status_display()}",
            data={"results": participant.eligibility_results},
        )
    return participant


def eligibility_override(*, participant: Participant, actor: User, justification: str) -> Participant:
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can override eligibility")
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise ValidationError("Explain why this person should be accepted (at least 10 characters)")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if participant.eligibility_status == EligibilityStatus.ELIGIBLE:
            raise ValidationError("This person already meets every rule: no override is needed")
        participant.eligibility_status = EligibilityStatus.OVERRIDDEN
        participant.eligibility_override_reason = justification
        participant.eligibility_overridden_by = actor
        participant.eligibility_overridden_at = timezone.now()
        if participant.status == ParticipantStatus.REFERRED:
            participant.status = ParticipantStatus.ACTIVE
        participant.save()
        audit_event_record(
            actor=actor, action="participant.eligibility_overridden", obj=participant,
            summary="Eligibility overridden by a coordinator", data={"justification": justification},
        )
    return participant


# --- referral ---------------------------------------------------------------------------------

class DuplicateFound(ValidationError):
    """Raised when the person probably already has a record; ``duplicates`` lists them."""

    def __init__(self, message: str, duplicates: list[dict]):
        super().__init__(message)
        self.duplicates = duplicates


def _set_location(participant: Participant, postcode: str) -> None:
    participant.postcode = validate_known_postcode(postcode)
    participant.outward_code = outward_code(participant.postcode)
    point = centroid(participant.postcode)
    participant.latitude, participant.longitude = point if point else (None, None)
    participant.area = Area.for_postcode(participant.postcode)


def referral_create(
    *,
    actor: User | None,
    programme: Programme,
    referral_source: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date,
    postcode: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    ni_number: str = "",
    referral_source_detail: str = "",
    benefit_type: str = "",
    months_out_of_work: int | None = None,
    target_groups: list[str] | None = None,
    referred_on: datetime.date | None = None,
    key_worker=None,
    confirmed_not_duplicate: bool = False,
    audit: bool = True,
) -> Participant:
    """Create one participant from a referral, after checking they are not already known.

    The referring key worker holds the record when they work on the programme; anyone else's
    referrals (partner staff, say) wait for a coordinator to assign them. A ``key_worker`` given
    (from the CSV import) must be a key worker on the programme (``rules.key_worker_check``).
    A same-NI-number match always blocks creation; a similar name match blocks it unless the
    referrer confirmed it is a different person.
    """
    if key_worker is not None:
        key_worker_check(user=key_worker, programme=programme)
    ni_number = ni_number_normalise(ni_number)
    postcode = validate_known_postcode(postcode)
    duplicates = likely_duplicates(
        ni_number=ni_number, first_name=first_name, last_name=last_name,
        date_of_birth=date_of_birth, postcode=postcode,
    )
    if any(d["exact"] for d in duplicates) or (duplicates and not confirmed_not_duplicate):
        raise DuplicateFound("This person may already have a record", duplicates)
    if key_worker is None and is_signed_in(actor):
        if key_worker_problem(actor, programme) is None:
            key_worker = actor
    referred_on = referred_on or timezone.localdate()
    participant = Participant(
        programme=programme,
        referral_source=referral_source,
        referral_source_detail=referral_source_detail,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        email=email.strip().lower(),
        phone=phone.strip(),
        address=address.strip(),
        ni_number=ni_number,
        benefit_type=benefit_type,
        months_out_of_work=months_out_of_work,
        target_groups=list(target_groups or []),
        referred_on=referred_on,
        referred_by=recorded_actor(actor),
        referring_partner=getattr(actor, "partner", None),
        key_worker=key_worker,
        assessment_due_on=referred_on + datetime.timedelta(days=ASSESSMENT_DUE_DAYS),
    )
    _set_location(participant, postcode)
    participant.referral_area_id = participant.area_id  # kept: the funnel counts them there
    try:
        with transaction.atomic():
            _apply_eligibility(participant)
            participant.save()
            if audit:
                audit_event_record(
                    actor=actor, action="participant.referred", obj=participant,
                    summary=f"Referred to {programme.name} ({participant.get_referral_source_display()})",
                    data={"eligibility": participant.eligibility_status},
                )
    except IntegrityError:
        # A concurrent referral with the same NI number won the race.
        raise DuplicateFound(
            "This person may already have a record",
            likely_duplicates(ni_number=ni_number),
        ) from None
    return participant


def participant_update_details(*, participant: Participant, actor: User, **fields) -> Participant:
    allowed = {
        "first_name", "last_name", "date_of_birth", "email", "phone", "address", "ni_number",
        "benefit_type", "months_out_of_work", "target_groups", "postcode",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if "ni_number" in fields:
            fields["ni_number"] = ni_number_normalise(fields["ni_number"])
            if (
                fields["ni_number"]
                and Participant.objects.filter(ni_number=fields["ni_number"])
                .exclude(pk=participant.pk)
                .exists()
            ):
                raise ValidationError(
                    {
                        "ni_number": "Another record already has this National Insurance number. "
                        "Ask a coordinator to check it"
                    }
                )
        if "email" in fields:
            fields["email"] = (fields["email"] or "").strip().lower()  # as at referral
        postcode = fields.pop("postcode", None)
        for name, value in fields.items():
            setattr(participant, name, value)
        if postcode is not None:
            _set_location(participant, postcode)
        _apply_eligibility(participant)
        participant.save()
        audit_event_record(
            actor=actor,
            action="participant.updated",
            obj=participant,
            summary="Personal details updated",
            data={"fields": sorted(list(fields) + (["postcode"] if postcode else []))},
        )
    return participant


# --- duplicates: transfer and shared care -----------------------------------------------------

def care_request_create(*, participant: Participant, actor: User, kind: str, reason: str) -> CareRequest:
    care_requester_check(user=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why you need this person's record")
    if participant.key_worker_id == actor.pk or participant.supporting_workers.filter(pk=actor.pk).exists():
        raise ValidationError("You already work with this person")
    if kind not in CareRequestKind.values:
        raise ValidationError("Choose a transfer or shared care")
    with transaction.atomic():
        if CareRequest.objects.filter(
            participant=participant, requested_by=actor, status=CareRequestStatus.PENDING
        ).exists():
            raise ValidationError("You have already asked for this record. A coordinator will decide")
        request = CareRequest.objects.create(participant=participant, requested_by=actor, kind=kind, reason=reason)
        audit_event_record(
            actor=actor, action="participant.care_requested", obj=participant,
            summary=f"{request.get_kind_display()} requested", data={"reason": reason},
        )
    return request


def care_request_decide(*, care_request: CareRequest, actor: User, approve: bool) -> CareRequest:
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can decide")
    with transaction.atomic():
        care_request = (
            CareRequest.objects.select_for_update(of=("self",))
            .select_related("participant")
            .get(pk=care_request.pk)
        )
        if care_request.status != CareRequestStatus.PENDING:
            raise ValidationError("This request has already been decided")
        participant = care_request.participant
        if approve and care_request.kind == CareRequestKind.TRANSFER:
            key_worker_check(user=care_request.requested_by, programme=participant.programme)
        elif approve:
            supporting_worker_check(user=care_request.requested_by, programme=participant.programme)
        care_request.status = CareRequestStatus.APPROVED if approve else CareRequestStatus.DECLINED
        care_request.decided_by = actor
        care_request.decided_at = timezone.now()
        care_request.save()
        if approve and care_request.kind == CareRequestKind.TRANSFER:
            previous = participant.key_worker
            participant.key_worker = care_request.requested_by
            participant.save(update_fields=["key_worker", "updated_at"])
            participant.supporting_workers.remove(care_request.requested_by)
            summary = f"Transferred from {previous or 'nobody'} to {care_request.requested_by}"
        elif approve:
            participant.supporting_workers.add(care_request.requested_by)
            summary = f"Shared care with {care_request.requested_by}"
        else:
            summary = f"{care_request.get_kind_display()} for {care_request.requested_by} declined"
        audit_event_record(actor=actor, action="participant.care_decided", obj=participant, summary=summary)
    return care_request


def participant_assign(*, participant: Participant, actor: User, key_worker) -> Participant:
    """A coordinator gives the record to a key worker on the participant's programme."""
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can assign caseloads")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        key_worker_check(user=key_worker, programme=participant.programme)
        previous = participant.key_worker
        participant.key_worker = key_worker
        participant.save(update_fields=["key_worker", "updated_at"])
        audit_event_record(
            actor=actor, action="participant.assigned", obj=participant,
            summary=f"Assigned to {key_worker} (was {previous or 'unassigned'})",
        )
    return participant


# --- consent ----------------------------------------------------------------------------------

_CONSENT_FLAGS = {
    ConsentScope.EMPLOYER_PROFILE: "consent_employer_profile",
    ConsentScope.PARTNER_DETAILS: "consent_partner_details",
    ConsentScope.DWP: "consent_dwp",
}


def _sync_consent_flags(participant: Participant) -> None:
    active = set(
        participant.consents.filter(withdrawn_at__isnull=True).values_list("scope", flat=True)
    )
    for scope, flag in _CONSENT_FLAGS.items():
        setattr(participant, flag, scope in active)
    participant.save(update_fields=[*_CONSENT_FLAGS.values(), "updated_at"])


def consent_record(
    *, participant: Participant, actor: User, scopes: list[str], given_on: datetime.date, method: str,
    partners=None,
) -> list[Consent]:
    if not scopes:
        raise ValidationError("Choose what the person agreed to share")
    if given_on > timezone.localdate():
        raise ValidationError("The date consent was given must be today or in the past")
    if ConsentScope.PARTNER_DETAILS in scopes and not partners:
        raise ValidationError("Choose the partners the person agreed to share their details with")
    if partners:
        allowed = set(consent_partners_for(participant).values_list("pk", flat=True))
        outside = sorted(p.name for p in partners if p.pk not in allowed)
        if outside:
            raise ValidationError(
                f"{', '.join(outside)} {'does' if len(outside) == 1 else 'do'} not work on this person's "
                "programme in their area"
            )
    created = []
    caller_copy = participant
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        for scope in scopes:
            # A new consent replaces any earlier one for the same scope.
            participant.consents.filter(scope=scope, withdrawn_at__isnull=True).update(
                withdrawn_at=timezone.now(), withdrawn_by=actor, withdrawal_note="Replaced by a new consent"
            )
            consent = Consent.objects.create(
                participant=participant, scope=scope, given_on=given_on, method=method, recorded_by=actor
            )
            if scope == ConsentScope.PARTNER_DETAILS:
                consent.partners.set(partners)
            created.append(consent)
        _sync_consent_flags(participant)
        audit_event_record(
            actor=actor, action="participant.consent_recorded", obj=participant,
            summary="Consent recorded: " + ", ".join(c.get_scope_display() for c in created),
            data={"scopes": scopes, "method": method, "given_on": given_on.isoformat()},
        )
    for flag in _CONSENT_FLAGS.values():
        setattr(caller_copy, flag, getattr(participant, flag))
    return created


def consent_withdraw(*, consent: Consent, actor: User, note: str = "") -> Consent:
    """Withdrawal takes effect at once: the participant's flags are cleared in the same transaction,
    so their profile disappears from employers and search immediately."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update(of=("self",)).get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError("This consent has already been withdrawn")
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = actor
        consent.withdrawal_note = note.strip()
        consent.save()
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=consent.participant_id)
        _sync_consent_flags(participant)
        audit_event_record(
            actor=actor, action="participant.consent_withdrawn", obj=participant,
            summary=f"Consent withdrawn: {consent.get_scope_display()}", data={"scope": consent.scope},
        )
    _notify_consent_withdrawn(participant)
    return consent


def _notify_consent_withdrawn(participant: Participant) -> None:
    """Let search drop the profile at once (if the search app offers an index hook)."""
    try:
        from search import signals as search_signals  # type: ignore[attr-defined]
    except ImportError:
        return
    hook = getattr(search_signals, "participant_changed", None)
    if callable(hook):
        transaction.on_commit(lambda: hook(participant.pk))


# --- assessment, readiness, action plan -------------------------------------------------------

_MATCHING_FIELDS = [
    "barriers", "skills", "licences", "sector_interests", "adjustments_needed",
    "hours_min", "hours_max", "available_from", "max_travel_miles", "travel_modes",
]


def _require_eligible(participant: Participant) -> None:
    if participant.is_erased:
        raise ValidationError("This record has been erased")
    if not participant.is_eligible:
        raise ValidationError(
            "This person has not passed the eligibility check. A coordinator can override it with a reason"
        )


def _readiness_change(participant: Participant, readiness: str, actor: User, on: datetime.date, note: str = "") -> None:
    if participant.readiness == readiness and participant.readiness_changed_on:
        return
    ReadinessChange.objects.create(
        participant=participant, from_readiness=participant.readiness if participant.readiness_changed_on else "",
        to_readiness=readiness, changed_on=on, changed_by=actor, note=note,
    )
    participant.readiness = readiness
    participant.readiness_changed_on = on


def assessment_record(*, participant: Participant, actor: User, assessed_on: datetime.date, **data) -> Assessment:
    _require_eligible(participant)
    if assessed_on > timezone.localdate():
        raise ValidationError("The assessment date must be today or in the past")
    if assessed_on < participant.referred_on:
        raise ValidationError("The assessment date must be on or after the referral date")
    hours_min, hours_max = data.get("hours_min"), data.get("hours_max")
    if hours_min is not None and hours_max is not None and hours_min > hours_max:
        raise ValidationError("The most hours a week must be at least the fewest hours")
    data["skills"] = sorted(skills_normalise(data.get("skills")))
    for name, normalise in (("licences", licences_normalise), ("sector_interests", sectors_normalise)):
        if name in data:
            data[name] = normalise(data[name])
    readiness = data.get("readiness") or Readiness.NOT_READY
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        assessment = Assessment.objects.create(
            participant=participant, assessed_on=assessed_on, assessed_by=actor, **data
        )
        latest = participant.assessments.order_by("-assessed_on", "-id").first()
        if latest.pk == assessment.pk:
            for name in _MATCHING_FIELDS:
                setattr(participant, name, getattr(assessment, name))
            _readiness_change(participant, readiness, actor, assessed_on, "Assessment")
        if participant.assessed_on is None:
            participant.assessed_on = assessed_on
        participant.save()
        late = assessed_on > participant.assessment_due_on
        audit_event_record(
            actor=actor, action="participant.assessed", obj=participant,
            summary=f"Assessed ({assessment.get_readiness_display()})" + (" — late" if late else ""),
            data={"barriers": assessment.barriers, "readiness": readiness, "late": late},
        )
    return assessment


def readiness_set(*, participant: Participant, actor: User, readiness: str, note: str = "") -> Participant:
    _require_eligible(participant)
    if readiness not in Readiness.values:
        raise ValidationError("Choose a readiness")
    if readiness == Readiness.JOB_READY:
        if participant.assessed_on is None:
            raise ValidationError("Complete an assessment before marking this person job ready")
        if not participant.consents.filter(withdrawn_at__isnull=True).exists():
            raise ValidationError("Record the person's consent before marking them job ready")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if participant.readiness == readiness:
            raise ValidationError(f"This person is already {participant.get_readiness_display().lower()}")
        previous = participant.get_readiness_display()
        _readiness_change(participant, readiness, actor, timezone.localdate(), note)
        participant.save()
        audit_event_record(
            actor=actor, action="participant.readiness_changed", obj=participant,
            summary=f"Readiness changed from {previous} to {participant.get_readiness_display()}",
        )
    return participant


def action_add(
    *, participant: Participant, actor: User, kind: str, description: str, due_on: datetime.date,
    measure: str = "", barrier: str = "",
) -> ActionItem:
    _require_eligible(participant)
    if not description.strip():
        raise ValidationError("Describe the goal or action")
    with transaction.atomic():
        action = ActionItem.objects.create(
            participant=participant, kind=kind, description=description.strip(), measure=measure.strip(),
            barrier=barrier, due_on=due_on, created_by=actor,
        )
        audit_event_record(
            actor=actor, action="participant.action_added", obj=participant,
            summary=f"{action.get_kind_display()} added, due {due_on:%d %B %Y}",
        )
    return action


def action_set_status(*, action: ActionItem, actor: User, status: str) -> ActionItem:
    if status not in ActionStatus.values:
        raise ValidationError("Choose a status")
    with transaction.atomic():
        action = ActionItem.objects.select_for_update(of=("self",)).get(pk=action.pk)
        action.status = status
        action.completed_on = timezone.localdate() if status == ActionStatus.DONE else None
        action.save()
        audit_event_record(
            actor=actor, action="participant.action_updated", obj=action.participant,
            summary=f"Action '{action.description[:60]}' now {action.get_status_display().lower()}",
        )
    return action


def plan_review_record(
    *, participant: Participant, actor: User, reviewed_on: datetime.date, summary: str,
    next_review_on: datetime.date | None = None,
) -> PlanReview:
    _require_eligible(participant)
    if reviewed_on > timezone.localdate():
        raise ValidationError("The review date must be today or in the past")
    if next_review_on and next_review_on <= reviewed_on:
        raise ValidationError("The next review must be after this one")
    with transaction.atomic():
        review = PlanReview.objects.create(
            participant=participant, reviewed_on=reviewed_on, reviewed_by=actor, summary=summary.strip(),
            next_review_on=next_review_on,
        )
        audit_event_record(
            actor=actor,
            action="participant.plan_reviewed",
            obj=participant,
            summary="Action plan reviewed",
        )
    return review


# --- contact and access log -------------------------------------------------------------------

def contact_record(
    *, participant: Participant, actor: User, happened_at: datetime.datetime, method: str, summary: str
) -> ContactLog:
    if happened_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError("The contact date must be today or in the past")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        contact = ContactLog.objects.create(
            participant=participant, happened_at=happened_at, method=method, summary=summary.strip(),
            recorded_by=actor,
        )
        if participant.last_contact_at is None or happened_at > participant.last_contact_at:
            participant.last_contact_at = happened_at
            participant.save(update_fields=["last_contact_at", "updated_at"])
        audit_event_record(
            actor=actor, action="participant.contacted", obj=participant,
            summary=f"Contact recorded ({contact.get_method_display()})",
        )
    return contact


def access_log_record(*, participant: Participant, user: User, page: str, path: str = "") -> AccessLogEntry:
    """Record one staff view of a participant's record (who, when, which page)."""
    return AccessLogEntry.objects.create(
        participant=participant,
        user=recorded_actor(user),
        page=page[:80],
        path=path[:300],
    )


# --- subject access and erasure ---------------------------------------------------------------

def _when(value) -> str | None:
    return value.isoformat() if value else None


def _person(user: User | None) -> str | None:
    return str(user) if user else None


def subject_access_export(*, participant: Participant, actor: User) -> dict:
    """Everything held on one person, for a subject access request. Audited."""
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can export a person's data")
    p = participant
    data = {
        "reference": p.reference,
        "exported_at": timezone.now().isoformat(),
        "personal_details": {
            "first_name": p.first_name, "last_name": p.last_name,
            "date_of_birth": _when(p.date_of_birth), "postcode": p.postcode, "area": str(p.area or ""),
            "email": p.email, "phone": p.phone, "address": p.address,
            "national_insurance_number": p.ni_number,
        },
        "referral": {
            "programme": p.programme.name, "source": p.get_referral_source_display(),
            "source_detail": p.referral_source_detail, "referred_on": _when(p.referred_on),
            "referred_by": _person(p.referred_by), "referring_partner": str(p.referring_partner or ""),
            "benefit": p.get_benefit_type_display() if p.benefit_type else "",
            "months_out_of_work": p.months_out_of_work, "target_groups": list(p.target_groups),
        },
        "eligibility": {
            "status": p.get_eligibility_status_display(), "results": p.eligibility_results,
            "override_reason": p.eligibility_override_reason,
            "overridden_by": _person(p.eligibility_overridden_by),
        },
        "key_worker": _person(p.key_worker),
        "supporting_workers": [str(u) for u in p.supporting_workers.all()],
        "readiness": {"current": p.get_readiness_display(), "since": _when(p.readiness_changed_on)},
        "readiness_history": [
            {"from": r.get_from_readiness_display(), "to": r.get_to_readiness_display(),
             "on": _when(r.changed_on), "by": _person(r.changed_by), "note": r.note}
            for r in p.readiness_changes.select_related("changed_by")
        ],
        "consents": [
            {"scope": c.get_scope_display(), "given_on": _when(c.given_on), "method": c.get_method_display(),
             "recorded_by": _person(c.recorded_by), "recorded_at": _when(c.recorded_at),
             "partners": [str(x) for x in c.partners.all()],
             "withdrawn_at": _when(c.withdrawn_at), "withdrawal_note": c.withdrawal_note}
            for c in p.consents.select_related("recorded_by").prefetch_related("partners")
        ],
        "assessments": [
            {"assessed_on": _when(a.assessed_on), "assessed_by": _person(a.assessed_by),
             "barriers": a.barriers, "barrier_notes": a.barrier_notes, "skills": a.skills,
             "qualifications": a.qualifications, "licences": a.licences, "work_history": a.work_history,
             "sector_interests": a.sector_interests, "adjustments_needed": a.adjustments_needed,
             "hours_min": a.hours_min, "hours_max": a.hours_max, "available_from": _when(a.available_from),
             "max_travel_miles": a.max_travel_miles, "travel_modes": a.travel_modes,
             "readiness": a.get_readiness_display(), "notes": a.notes}
            for a in p.assessments.select_related("assessed_by")
        ],
        "action_plan": [
            {"kind": a.get_kind_display(), "barrier": a.barrier, "description": a.description,
             "measure": a.measure, "due_on": _when(a.due_on), "status": a.get_status_display(),
             "completed_on": _when(a.completed_on)}
            for a in p.actions.all()
        ],
        "plan_reviews": [
            {"reviewed_on": _when(r.reviewed_on), "by": _person(r.reviewed_by), "summary": r.summary,
             "next_review_on": _when(r.next_review_on)}
            for r in p.plan_reviews.select_related("reviewed_by")
        ],
        "contacts": [
            {"happened_at": _when(c.happened_at), "method": c.get_method_display(), "summary": c.summary,
             "recorded_by": _person(c.recorded_by)}
            for c in p.contacts.select_related("recorded_by")
        ],
        "record_viewed_by": [
            {"user": _person(e.user), "viewed_at": _when(e.viewed_at), "page": e.page}
            for e in p.access_log.select_related("user")
        ],
        "proposals": [
            {"opportunity": str(x.opportunity), "status": x.get_status_display(), "note": x.note,
             "reason": x.status_reason, "proposed_by": _person(x.proposed_by), "proposed_at": _when(x.created_at)}
            for x in p.proposals.select_related("opportunity", "proposed_by")
        ],
        "jobs": [
            {"job_title": x.job_title, "employer": str(x.employer), "start_date": _when(x.start_date),
             "hours_per_week": str(x.hours_per_week), "status": x.get_status_display(), "left_on": _when(x.left_on),
             "leaving_reason": x.leaving_reason,
             "checks": [{"name": c.name, "due_on": _when(c.due_on), "status": c.get_status_display(),
                         "confirmed_at": _when(c.confirmed_at)} for c in x.checkpoints.all()]}
            for x in p.placements.select_related("employer").prefetch_related("checkpoints")
        ],
        "fund_requests": [
            {"reference": x.reference, "for": x.description, "amount_pence": x.amount_pence,
             "status": x.get_status_display(), "requested_at": _when(x.requested_at),
             "justification": x.justification, "receipt_held": bool(x.receipt)}
            for x in p.fund_requests.all()
        ],
        "audit_trail": [
            {"at": _when(e.created_at), "by": _person(e.actor) or "The portal", "action": e.action,
             "record": e.object_type, "summary": e.summary, "acting_for": e.acting_for}
            for e in audit_events_about(p)
        ],
    }
    audit_event_record(
        actor=actor, action="participant.exported", obj=participant,
        summary="Subject access export of everything held",
    )
    return data


# Free text on the employment pipeline that can describe the person; removed with their details.
_PIPELINE_FREE_TEXT = (
    ("pipeline.ProposalQuestion", "proposal__participant", ("question", "answer")),
    ("pipeline.Interview", "proposal__participant", ("adjustments",)),
    ("pipeline.Placement", "participant", ("leaving_reason",)),
    ("pipeline.SupportContact", "placement__participant", ("issues", "actions")),
)


def participant_personal_data_remove(*, participant: Participant) -> Participant:
    """Remove a person's personal data and keep the row (status, programme, area, dates), so the
    outcomes, payments and counts recorded against it stay exactly as reports and audits need
    them. Call inside a transaction holding the participant's row lock. Erasure on request and
    the retention schedule (``brokerage.retention``) both come here."""
    from django.apps import apps

    for name in ("first_name", "last_name", "email", "phone", "address", "ni_number", "postcode",
                 "outward_code", "referral_source_detail", "eligibility_override_reason"):
        setattr(participant, name, "")
    participant.date_of_birth = None
    participant.latitude = participant.longitude = None
    participant.eligibility_results = []
    participant.target_groups = []
    for name in ("barriers", "skills", "licences", "sector_interests", "adjustments_needed", "travel_modes"):
        setattr(participant, name, [])
    participant.consent_employer_profile = participant.consent_partner_details = participant.consent_dwp = False
    participant.erased_at = timezone.now()
    participant.save()
    participant.supporting_workers.clear()
    participant.consents.all().delete()
    participant.assessments.all().delete()
    participant.actions.all().delete()
    participant.plan_reviews.all().delete()
    participant.contacts.all().delete()
    participant.care_requests.all().delete()
    participant.readiness_changes.update(note="")
    for label, path, fields in _PIPELINE_FREE_TEXT:
        apps.get_model(label).objects.filter(**{path: participant}).update(**dict.fromkeys(fields, ""))
    return participant


def participant_erase(*, participant: Participant, actor: User, reason: str) -> Participant:
    """Erase a person's record on request (status "Erased"); see ``participant_personal_data_remove``."""
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can erase a person's record")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for erasing this record (for example, the request reference)")
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if participant.erased_at:
            raise ValidationError("This record has already been erased")
        participant.status = ParticipantStatus.ERASED
        participant_personal_data_remove(participant=participant)
        audit_event_record(
            actor=actor, action="participant.erased", obj=participant,
            summary="Personal data erased; anonymous counts kept", data={"reason": reason},
        )
    return participant
