"""What the retention schedules make due, as querysets (the nightly run and the coordinators'
page read the same rules).

- A participant is due when nothing has happened on their record for the programme's
  ``participant_inactive_months``: no change to the record, no contact, no proposal updated, no
  job started and no check due or confirmed since, and no fund request made or decided since.
- An enquiry is due when every part of it is closed and each part closed more than its
  programme's ``enquiry_closed_months`` ago (a part for no programme uses the default).
- Uploaded evidence (a fund receipt) is due ``evidence_months`` after the request was decided.
- A finished referral import's file is due ``import_days`` after it ran.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from brokerage.enquiries.models import OPEN_STATUSES, Enquiry, EnquiryItem
from brokerage.participants.models import ImportStatus, Participant, ReferralImport
from brokerage.payments.models import FundRequest
from brokerage.pipeline.models import Checkpoint, Placement, Proposal
from brokerage.reference.models import Programme
from brokerage.reference.programme_admin import for_programmes_of
from brokerage.retention.models import RetentionRun, RetentionSchedule


def schedules(programmes: QuerySet[Programme]) -> list[RetentionSchedule]:
    """Each programme's schedule (the defaults, unsaved, where it has none)."""
    return [RetentionSchedule.for_programme(p) for p in programmes.select_related("retention_schedule")]


def schedules_for_user(user) -> list[RetentionSchedule]:
    return schedules(for_programmes_of(user, Programme.objects.all(), "pk"))


def participants_due(schedule: RetentionSchedule, *, now: datetime.datetime) -> QuerySet[Participant]:
    cutoff = now - relativedelta(months=schedule.participant_inactive_months)
    person = OuterRef("pk")
    return (
        Participant.objects.filter(programme=schedule.programme, erased_at__isnull=True, updated_at__lt=cutoff)
        .filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff))
        .exclude(Exists(Proposal.objects.filter(participant=person, updated_at__gte=cutoff)))
        .exclude(Exists(Placement.objects.filter(participant=person, created_at__gte=cutoff)))
        .exclude(Exists(Checkpoint.objects.filter(
            Q(due_on__gte=cutoff.date()) | Q(confirmed_at__gte=cutoff), placement__participant=person,
        )))
        .exclude(Exists(FundRequest.objects.filter(
            Q(requested_at__gte=cutoff) | Q(decided_at__gte=cutoff), participant=person,
        )))
    )


def enquiries_due(*, now: datetime.datetime) -> QuerySet[Enquiry]:
    """Enquiries whose every part closed longer ago than its programme's period."""
    periods = dict(RetentionSchedule.objects.values_list("programme_id", "enquiry_closed_months"))
    default = RetentionSchedule().enquiry_closed_months
    young = Q(closed_at__isnull=True) | Q(status__in=OPEN_STATUSES) | (
        (Q(programme__isnull=True) | ~Q(programme__in=list(periods)))
        & Q(closed_at__gte=now - relativedelta(months=default))
    )
    for programme_id, months in periods.items():
        young |= Q(programme=programme_id, closed_at__gte=now - relativedelta(months=months))
    young_items = EnquiryItem.objects.filter(young, enquiry=OuterRef("pk"))
    return (
        Enquiry.objects.filter(anonymised_at__isnull=True, items__isnull=False)
        .exclude(Exists(young_items))
        .distinct()
    )


def evidence_due(schedule: RetentionSchedule, *, now: datetime.datetime) -> QuerySet[FundRequest]:
    cutoff = now - relativedelta(months=schedule.evidence_months)
    return FundRequest.objects.filter(
        participant__programme=schedule.programme, decided_at__lt=cutoff,
    ).exclude(receipt="")


def imports_due(schedule: RetentionSchedule, *, now: datetime.datetime) -> QuerySet[ReferralImport]:
    cutoff = now - datetime.timedelta(days=schedule.import_days)
    return ReferralImport.objects.filter(
        programme=schedule.programme, finished_at__lt=cutoff,
    ).exclude(status__in=[ImportStatus.VALIDATING, ImportStatus.VALIDATED, ImportStatus.IMPORTING]).exclude(content="")


def due_counts(schedule: RetentionSchedule, *, now: datetime.datetime) -> dict[str, int]:
    """How many records the next run will change on this programme (enquiries are counted by
    programme through their parts)."""
    if schedule.programme_id is None:
        return {}
    return {
        "participants": participants_due(schedule, now=now).count(),
        "enquiries": enquiries_due(now=now).filter(items__programme=schedule.programme_id).distinct().count(),
        "evidence": evidence_due(schedule, now=now).count(),
        "imports": imports_due(schedule, now=now).count(),
    }


def recent_runs(limit: int = 20) -> QuerySet[RetentionRun]:
    return RetentionRun.objects.all()[:limit]
