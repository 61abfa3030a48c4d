"""Reads of participant records, always scoped to what the user may see.

Who may see which participant is one rule, ``brokerage.participants.visibility.ParticipantScope``
(also the Elasticsearch backend's filter). Employers only ever see anonymised profiles
(``anonymised_profile``) they were sent.
"""

import datetime
import difflib

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokerage.participants.models import (
    AccessLogEntry,
    ActionItem,
    ActionStatus,
    CareRequest,
    CareRequestStatus,
    Participant,
    ParticipantStatus,
)
from brokerage.participants.visibility import ParticipantScope
from brokerage.reference.choices import Adjustment, Licence, Sector
from portal.accounts.permissions import is_active_user
from portal.accounts.roles import Role

CONTACT_REMINDER_DAYS = 7


class ProfileNotShareable(Exception):
    """The participant has not consented (or has withdrawn consent) to an employer profile."""


def json_list_has(field: str, value: str) -> Q:
    """``Q`` matching rows whose JSON list ``field`` contains ``value`` (SQLite and PostgreSQL)."""
    return Q(**{f"{field}__has_item": value})


def participants_for_user(user, *, include_erased: bool = False) -> QuerySet[Participant]:
    """Every participant ``user`` may see (none for employers and anonymous users)."""
    qs = Participant.objects.select_related("programme", "area", "key_worker")
    if not include_erased:
        qs = qs.exclude(status=ParticipantStatus.ERASED)
    return ParticipantScope.for_user(user).filter(qs)


def participant_for_user_or_404(user, reference: str, *, include_erased: bool = False) -> Participant:
    try:
        return participants_for_user(user, include_erased=include_erased).get(reference=reference)
    except Participant.DoesNotExist:
        raise Http404("No participant found") from None


def shareable_participants() -> QuerySet[Participant]:
    """Participants whose anonymised profile may be shown to employers (for matching/search)."""
    return Participant.objects.filter(
        consent_employer_profile=True, erased_at__isnull=True
    ).exclude(status__in=[ParticipantStatus.ERASED, ParticipantStatus.CLOSED])


def profile_is_shareable(participant: Participant) -> bool:
    return bool(
        participant.consent_employer_profile
        and participant.erased_at is None
        and participant.status not in (ParticipantStatus.ERASED, ParticipantStatus.CLOSED)
    )


def _labels(values, choices) -> list[str]:
    lookup = dict(choices.choices)
    return [lookup.get(v, v) for v in values]


def anonymised_profile(participant: Participant) -> dict:
    """What an employer may see: no name, date of birth, contact details or free-text notes.

    Raises ``ProfileNotShareable`` when consent is absent or withdrawn, or the record erased,
    so a profile can never be shown without consent.
    """
    if not profile_is_shareable(participant):
        raise ProfileNotShareable("This candidate's profile is no longer available.")
    latest = participant.assessments.order_by("-assessed_on", "-id").only("qualifications").first()
    qualifications = [
        line.strip() for line in (latest.qualifications if latest else "").splitlines() if line.strip()
    ]
    # Free text written for the record: anything that could identify the person is left out.
    from brokerage.participants.anonymity import anonymity_screen

    qualifications = anonymity_screen(qualifications, participant)
    if participant.hours_min and participant.hours_max:
        hours = f"{participant.hours_min} to {participant.hours_max} hours a week"
    elif participant.hours_max:
        hours = f"Up to {participant.hours_max} hours a week"
    else:
        hours = "Hours to be agreed"
    return {
        "reference": participant.reference,
        "readiness": participant.get_readiness_display(),
        "skills": anonymity_screen(list(participant.skills), participant),
        "qualifications": qualifications,
        "licences": _labels(participant.licences, Licence),
        "sector_interests": _labels(participant.sector_interests, Sector),
        "adjustments_needed": _labels(participant.adjustments_needed, Adjustment),
        "hours": hours,
        "hours_min": participant.hours_min,
        "hours_max": participant.hours_max,
        "available_from": participant.available_from.isoformat() if participant.available_from else None,
        "max_travel_miles": participant.max_travel_miles,
        "outward_code": participant.outward_code,
        "programme": participant.programme.name,
    }


# --- caseload -------------------------------------------------------------------------------

def caseload_for_user(user, *, filters: dict | None = None, sort: str = "name") -> QuerySet[Participant]:
    filters = filters or {}
    today = timezone.localdate()
    overdue = ActionItem.objects.filter(
        participant=OuterRef("pk"), due_on__lt=today
    ).exclude(status=ActionStatus.DONE)
    qs = participants_for_user(user).annotate(
        has_overdue_actions=Exists(overdue),
        open_actions=Count("actions", filter=~Q(actions__status=ActionStatus.DONE), distinct=True),
    )
    if filters.get("readiness"):
        qs = qs.filter(readiness=filters["readiness"])
    if filters.get("barrier"):
        qs = qs.filter(json_list_has("barriers", filters["barrier"]))
    if filters.get("programme"):
        qs = qs.filter(programme_id=filters["programme"])
    if filters.get("overdue"):
        qs = qs.filter(has_overdue_actions=True)
    if filters.get("key_worker") == "unassigned":
        qs = qs.filter(key_worker__isnull=True)
    elif filters.get("key_worker") == "mine":
        qs = qs.filter(key_worker=user)
    if filters.get("no_contact_days"):
        cutoff = timezone.now() - datetime.timedelta(days=int(filters["no_contact_days"]))
        qs = qs.filter(Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True))
    if filters.get("q"):
        term = filters["q"].strip()
        qs = qs.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(reference__iexact=term)
        )
    orderings = {
        "name": ["last_name", "first_name", "id"],
        "last_contact": ["last_contact_at", "id"],
        "readiness": ["readiness", "last_name", "id"],
        "assessment_due": ["assessment_due_on", "id"],
        "referred": ["-referred_on", "id"],
    }
    return qs.order_by(*orderings.get(sort, orderings["name"]))


def needs_contact(participant: Participant, *, now=None) -> bool:
    now = now or timezone.now()
    reference_time = participant.last_contact_at
    if reference_time is None:
        return (now.date() - participant.referred_on).days >= CONTACT_REMINDER_DAYS
    return (now - reference_time).days >= CONTACT_REMINDER_DAYS


def assessment_is_late(participant: Participant, *, today=None) -> bool:
    today = today or timezone.localdate()
    return participant.assessed_on is None and participant.assessment_due_on < today


def participants_needing_contact(*, now=None) -> QuerySet[Participant]:
    """Active, held participants with no contact for a week or more (for the reminder task).

    Only records held by an active key worker: the reminder names the people, so it never goes
    to an account without the role, whatever was stored before the role checks existed.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=CONTACT_REMINDER_DAYS)
    return (
        Participant.objects.filter(
            key_worker__isnull=False, erased_at__isnull=True,
            key_worker__is_active=True, key_worker__groups__name=Role.KEY_WORKER.label,
        )
        .exclude(status__in=[ParticipantStatus.CLOSED, ParticipantStatus.ERASED])
        .filter(
            Q(last_contact_at__lt=cutoff)
            | Q(last_contact_at__isnull=True, referred_on__lte=cutoff.date())
        )
        .select_related("key_worker")
    )


# --- duplicates -------------------------------------------------------------------------------

def _name_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower().strip(), b.lower().strip()).ratio()


def likely_duplicates(
    *, ni_number: str = "", first_name: str = "", last_name: str = "", date_of_birth=None, postcode: str = ""
) -> list[dict]:
    """Records (held by any provider) that are probably this person.

    Same National Insurance number; or a similar name with the same date of birth and postcode.
    Returns dicts with the participant and why it matched. Show them to a person only through
    ``duplicates_shown_to``, which leaves out who holds the record from outsiders.
    """
    found: dict[int, dict] = {}
    base = Participant.objects.exclude(status=ParticipantStatus.ERASED).select_related(
        "programme", "key_worker", "key_worker__partner"
    )
    if ni_number:
        for p in base.filter(ni_number=ni_number):
            found[p.pk] = {"participant": p, "reason": "Same National Insurance number", "exact": True}
    if date_of_birth and postcode:
        wanted = f"{first_name} {last_name}"
        for p in base.filter(date_of_birth=date_of_birth, postcode=postcode):
            if p.pk in found:
                continue
            same_surname = _name_similarity(p.last_name, last_name) >= 0.8
            similar = _name_similarity(f"{p.first_name} {p.last_name}", wanted) >= 0.75
            initial = p.first_name[:1].lower() == first_name[:1].lower()
            if similar or (same_surname and initial):
                found[p.pk] = {
                    "participant": p,
                    "reason": "Similar name, same date of birth and postcode",
                    "exact": False,
                }
    return list(found.values())


def may_see_holder(user, participant: Participant) -> bool:
    """Whether ``user`` may be told who holds ``participant``'s record and on which programme:
    staff working on the person's programme, or who can see the record. Anyone else (outside
    the person's programme) is told only that a record exists and how to ask for it."""
    if not is_active_user(user):
        return False
    if user.is_superuser or user.programmes.filter(pk=participant.programme_id).exists():
        return True
    return participants_for_user(user).filter(pk=participant.pk).exists()


def holder_description(participant: Participant) -> str:
    worker = participant.key_worker
    if worker is None:
        return "nobody yet (waiting for a coordinator)"
    return worker.display_name + (f" at {worker.partner.name}" if worker.partner_id else "")


def duplicates_shown_to(user, duplicates: list[dict]) -> list[dict]:
    """What ``user`` is shown of ``likely_duplicates``: the reference to ask for and why it
    matched; who holds it (``holder``) and the programme only for those who may see them."""
    shown = []
    for d in duplicates:
        p = d["participant"]
        insider = may_see_holder(user, p)
        shown.append({
            "reference": p.reference,
            "reason": d["reason"],
            "exact": d["exact"],
            "holder": holder_description(p) if insider else None,
            "programme": p.programme.name if insider else None,
        })
    return shown


# --- logs and requests ------------------------------------------------------------------------

def access_log_for(participant: Participant) -> QuerySet[AccessLogEntry]:
    return participant.access_log.select_related("user", "user__partner")


def pending_care_requests_for(user) -> QuerySet[CareRequest]:
    visible = participants_for_user(user).values("pk")
    return (
        CareRequest.objects.filter(status=CareRequestStatus.PENDING, participant_id__in=visible)
        .select_related("participant", "participant__key_worker", "requested_by", "requested_by__partner")
    )


def key_workers_for(user, *, programme=None) -> QuerySet:
    """Key workers a coordinator may assign participants to: those on their programmes (on
    ``programme`` only, when given: a record is held by a key worker on its programme)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    qs = User.objects.filter(groups__name=Role.KEY_WORKER.label, is_active=True)
    if not user.is_superuser:
        qs = qs.filter(programmes__in=user.programmes.all())
    if programme is not None:
        qs = qs.filter(pk__in=User.objects.filter(programmes=programme).values("pk"))
    return qs.distinct().order_by("first_name", "last_name", "email")


# Records about one person whose audit entries belong in their subject access export:
# (model label, path from that model to the participant).
_RECORDS_ABOUT_PERSON = (
    ("participants.Participant", "pk"),
    ("pipeline.Proposal", "participant"),
    ("pipeline.Placement", "participant"),
    ("pipeline.Checkpoint", "placement__participant"),
    ("payments.FundRequest", "participant"),
)


def audit_events_about(participant: Participant) -> QuerySet:
    """Every audit entry about ``participant`` or a record about them (proposals, jobs, checks,
    fund requests), oldest first."""
    from django.apps import apps

    from brokerage.audit.models import AuditEvent

    about = Q(pk__in=[])
    for label, path in _RECORDS_ABOUT_PERSON:
        model = apps.get_model(label)
        ids = [str(pk) for pk in model.objects.filter(**{path: participant.pk}).values_list("pk", flat=True)]
        if ids:
            about |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return AuditEvent.objects.filter(about).select_related("actor").order_by("created_at", "id")


def consent_partners_for(participant: Participant) -> QuerySet:
    """The partners a person can agree to share their details with: those working on their
    programme in their area (every partner on the programme when the area is not known)."""
    from brokerage.reference.models import Partner

    partners = Partner.objects.filter(programmes=participant.programme_id)
    if participant.area_id:
        partners = partners.filter(areas=participant.area_id)
    return partners.distinct().order_by("name")
