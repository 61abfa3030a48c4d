"""Apply the retention schedules: anonymise, never delete the records reports and audits count.

``retention_apply`` is run nightly by ``tasks.retention_apply_task``. For each programme it
removes, under a row lock and re-checking the rule:

- the personal details of participants with no activity for the period
  (``participants.services.participant_personal_data_remove``: the row, status, programme, area,
  dates, outcomes and payments stay, so every report gives the same totals before and after);
- the employer contact's details on enquiries closed for the period (organisation, area, types,
  routing, outcome and dates stay);
- uploaded evidence (fund receipts) after the audit period, and the justification written with
  it (amounts, dates and decisions stay);
- the spreadsheet of a finished referral import.

Every run is recorded (``RetentionRun``) with what it changed, and audited; each record changed
gets its own audit entry. Running it twice changes nothing the second time.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryItemEvent
from brokerage.participants.models import Participant, ReferralImport
from brokerage.participants.services import participant_personal_data_remove
from brokerage.payments.models import FundRequest
from brokerage.reference.models import Programme
from brokerage.retention import selectors
from brokerage.retention.models import RetentionRun, RetentionSchedule
from portal.core.files import private_file_delete

logger = logging.getLogger(__name__)


def _participant_anonymise(pk: int, schedule: RetentionSchedule, now: datetime.datetime) -> bool:
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=pk)
        if not selectors.participants_due(schedule, now=now).filter(pk=pk).exists():
            return False  # something happened on the record since it was listed
        participant_personal_data_remove(participant=participant)
        audit_event_record(
            actor=None, action="participant.anonymised", obj=participant,
            summary=f"Personal details removed under the retention schedule: no activity for "
            f"{schedule.participant_inactive_months} months",
        )
    return True


def _enquiry_anonymise(pk: int, now: datetime.datetime) -> bool:
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=pk)
        if enquiry.anonymised_at or not selectors.enquiries_due(now=now).filter(pk=pk).exists():
            return False
        Enquiry.objects.filter(pk=pk).update(
            contact_name="", email="", phone="", message="", entry_referrer="", anonymised_at=now,
        )
        EnquiryItem.objects.filter(enquiry=enquiry).update(outcome_notes="")
        EnquiryItemEvent.objects.filter(item__enquiry=enquiry).update(note="")
        audit_event_record(
            actor=None, action="enquiry.anonymised", obj=enquiry,
            summary="The contact's details were removed under the retention schedule",
        )
    return True


def _evidence_delete(pk: int, schedule: RetentionSchedule, now: datetime.datetime) -> bool:
    with transaction.atomic():
        request = FundRequest.objects.select_for_update().get(pk=pk)
        if not selectors.evidence_due(schedule, now=now).filter(pk=pk).exists():
            return False
        storage, name = request.receipt.storage, request.receipt.name
        FundRequest.objects.filter(pk=pk).update(receipt="", justification="", not_available_elsewhere="")
        transaction.on_commit(lambda: private_file_delete(storage=storage, name=name))
        audit_event_record(
            actor=None, action="fund.evidence_deleted", obj=request,
            summary=f"Receipt deleted after the audit period ({schedule.evidence_months} months); "
            "the amount and decision are kept",
        )
    return True


def _import_file_delete(pk: int, schedule: RetentionSchedule, now: datetime.datetime) -> bool:
    with transaction.atomic():
        record = ReferralImport.objects.select_for_update().get(pk=pk)
        if not selectors.imports_due(schedule, now=now).filter(pk=pk).exists():
            return False
        ReferralImport.objects.filter(pk=pk).update(content="", row_errors=[])
        audit_event_record(
            actor=None, action="participant.import_file_deleted", obj=record,
            summary=f"{record.filename} deleted {schedule.import_days} days after it was imported",
        )
    return True


def retention_apply(*, now: datetime.datetime | None = None) -> RetentionRun:
    """Apply every programme's schedule once and record the run. Safe to run twice."""
    now = now or timezone.now()
    run = RetentionRun.objects.create()
    try:
        for schedule in selectors.schedules(Programme.objects.all()):
            for pk in selectors.participants_due(schedule, now=now).values_list("pk", flat=True):
                run.participants_anonymised += _participant_anonymise(pk, schedule, now)
            for pk in selectors.evidence_due(schedule, now=now).values_list("pk", flat=True):
                run.evidence_files_deleted += _evidence_delete(pk, schedule, now)
            for pk in selectors.imports_due(schedule, now=now).values_list("pk", flat=True):
                run.import_files_deleted += _import_file_delete(pk, schedule, now)
        for pk in selectors.enquiries_due(now=now).values_list("pk", flat=True):
            run.enquiries_anonymised += _enquiry_anonymise(pk, now)
    except Exception as exc:
        logger.exception("The retention run stopped")
        run.error = f"Stopped after {run.total} changes: {exc}"[:2000]
    run.finished_at = timezone.now()
    run.save()
    audit_event_record(
        actor=None, action="retention.applied", obj=run,
        summary=f"Retention schedules applied: {run.participants_anonymised} people anonymised, "
        f"{run.enquiries_anonymised} enquiries anonymised, {run.evidence_files_deleted} receipts and "
        f"{run.import_files_deleted} referral files deleted" + (" (stopped early)" if run.error else ""),
    )
    return run
