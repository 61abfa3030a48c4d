"""Bulk import of referrals from CSV: validate every row, then import all (or only valid) rows.

Nothing is imported while any row is invalid unless the coordinator chose to import only the
valid rows. Progress is written to the ``ReferralImport`` row as the task works, so the
progress page can show it.
"""

import csv
import datetime
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.participants.models import (
    BenefitType,
    ImportStatus,
    ReferralImport,
    ReferralSource,
    TargetGroup,
)
from brokerage.participants.rules import key_worker_problem
from brokerage.participants.selectors import likely_duplicates
from brokerage.participants.services import DuplicateFound, ni_number_normalise, referral_create
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from portal.accounts.models import User
from portal.accounts.permissions import is_coordinator

COLUMNS = [
    "first_name", "last_name", "date_of_birth", "postcode", "email", "phone", "ni_number",
    "referral_source", "benefit_type", "months_out_of_work", "target_groups", "key_worker_email",
]
REQUIRED = ["first_name", "last_name", "date_of_birth", "postcode", "referral_source"]
PROGRESS_EVERY = 25
MAX_ROWS = 5000


def _parse_date(value: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise ValidationError("date_of_birth must be a real date like 2001-03-27 or 27/03/2001")


def _choice(value: str, choices, column: str) -> str:
    value = value.strip()
    by_label = {label.lower(): key for key, label in choices.choices}
    if value in choices.values:
        return value
    if value.lower() in by_label:
        return by_label[value.lower()]
    raise ValidationError(f"{column} '{value}' is not one of: {', '.join(choices.values)}")


def parse_row(row: dict, *, programme) -> tuple[dict, list[str]]:
    """Turn one CSV row into referral_create arguments, or a list of errors in plain words.

    ``key_worker_email`` must name a key worker on ``programme`` (``rules.key_worker_problem``);
    any other address gets the same message, so the file cannot be used to learn who has an
    account.
    """
    from django.contrib.auth import get_user_model

    errors: list[str] = []
    data: dict = {}
    row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
    for column in REQUIRED:
        if not row.get(column):
            errors.append(f"{column} is missing")
    if row.get("first_name"):
        data["first_name"] = row["first_name"][:100]
    if row.get("last_name"):
        data["last_name"] = row["last_name"][:100]
    if row.get("date_of_birth"):
        try:
            data["date_of_birth"] = _parse_date(row["date_of_birth"])
            if data["date_of_birth"] >= timezone.localdate():
                errors.append("date_of_birth must be in the past")
        except ValidationError as exc:
            errors.extend(exc.messages)
    if row.get("postcode"):
        try:
            data["postcode"] = validate_known_postcode(row["postcode"])
        except PostcodeError as exc:
            errors.append(str(exc))
    if row.get("email"):
        from django.core.validators import validate_email

        try:
            validate_email(row["email"])
            data["email"] = row["email"]
        except ValidationError:
            errors.append(f"email '{row['email']}' is not a valid email address")
    data["phone"] = row.get("phone", "")[:30]
    try:
        data["ni_number"] = ni_number_normalise(row.get("ni_number", ""))
    except ValidationError as exc:
        errors.extend(exc.messages)
    for column, choices in (("referral_source", ReferralSource), ("benefit_type", BenefitType)):
        if row.get(column):
            try:
                data[column] = _choice(row[column], choices, column)
            except ValidationError as exc:
                errors.extend(exc.messages)
    if row.get("months_out_of_work"):
        try:
            data["months_out_of_work"] = int(row["months_out_of_work"])
            if data["months_out_of_work"] < 0:
                raise ValueError
        except ValueError:
            errors.append("months_out_of_work must be a whole number of months, like 6")
    groups = [g.strip() for g in row.get("target_groups", "").split(";") if g.strip()]
    try:
        data["target_groups"] = [_choice(g, TargetGroup, "target_groups") for g in groups]
    except ValidationError as exc:
        errors.extend(exc.messages)
    if row.get("key_worker_email"):
        worker = get_user_model().objects.filter(email__iexact=row["key_worker_email"]).first()
        if worker is None or key_worker_problem(worker, programme):
            errors.append(f"key_worker_email: {row['key_worker_email']} is not a key worker on {programme}")
        else:
            data["key_worker"] = worker
    if not errors:
        duplicates = likely_duplicates(
            ni_number=data.get("ni_number", ""), first_name=data["first_name"], last_name=data["last_name"],
            date_of_birth=data["date_of_birth"], postcode=data["postcode"],
        )
        if duplicates:
            refs = ", ".join(d["participant"].reference for d in duplicates)
            errors.append(f"This person may already have a record ({refs}): refer them on screen instead")
    return data, errors


def _read_rows(content: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(content))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        raise ValidationError(
            f"The file is missing the column(s): {', '.join(missing)}. The first row must hold the column names"
        )
    rows = list(reader)
    if not rows:
        raise ValidationError("The file has no rows of referrals under the column names")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"The file has {len(rows)} rows: split it into files of {MAX_ROWS} rows or fewer")
    return rows


def _validate_all(record: ReferralImport, rows: list[dict]) -> list[tuple[int, dict]]:
    valid: list[tuple[int, dict]] = []
    errors: list[dict] = []
    seen_ni: dict[str, int] = {}
    seen_person: dict[tuple, int] = {}
    for index, row in enumerate(rows, start=2):  # row 1 is the header
        data, row_errors = parse_row(row, programme=record.programme)
        if not row_errors:
            ni = data.get("ni_number")
            person = (data["first_name"].lower(), data["last_name"].lower(), data["date_of_birth"], data["postcode"])
            if ni and ni in seen_ni:
                row_errors.append(f"Same National Insurance number as row {seen_ni[ni]}")
            elif person in seen_person:
                row_errors.append(f"Same person as row {seen_person[person]}")
            if ni:
                seen_ni.setdefault(ni, index)
            seen_person.setdefault(person, index)
        if row_errors:
            errors.append(
                {
                    "row": index,
                    "name": f"{row.get('first_name', '')} {row.get('last_name', '')}".strip(),
                    "errors": row_errors,
                }
            )
        else:
            valid.append((index, data))
        if (index - 1) % PROGRESS_EVERY == 0:
            ReferralImport.objects.filter(pk=record.pk).update(processed_rows=index - 1)
    record.row_errors = errors
    record.valid_rows = len(valid)
    return valid


def referral_import_create(*, actor: User, programme, filename: str, content: str) -> ReferralImport:
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can import referrals")
    from brokerage.participants.tasks import referral_import_validate_task

    with transaction.atomic():
        record = ReferralImport.objects.create(
            uploaded_by=actor, programme=programme, filename=filename[:200], content=content
        )
        audit_event_record(
            actor=actor,
            action="participant.import_uploaded",
            obj=record,
            summary=f"Uploaded {filename}",
        )
        transaction.on_commit(lambda: referral_import_validate_task.delay(record.pk))
    return record


def referral_import_validate(*, import_id: int) -> ReferralImport:
    record = ReferralImport.objects.get(pk=import_id)
    if record.status != ImportStatus.VALIDATING:
        return record  # already done: safe to run twice
    try:
        rows = _read_rows(record.content)
    except (ValidationError, csv.Error) as exc:
        record.status = ImportStatus.FAILED
        record.error = " ".join(getattr(exc, "messages", [str(exc)]))
        record.finished_at = timezone.now()
        record.content = ""  # unreadable: nothing to keep
        record.save()
        return record
    record.total_rows = len(rows)
    record.save(update_fields=["total_rows"])
    _validate_all(record, rows)
    record.processed_rows = record.total_rows
    record.status = ImportStatus.VALIDATED
    record.save()
    return record


def referral_import_start(*, record: ReferralImport, actor: User, only_valid: bool) -> ReferralImport:
    if not is_coordinator(actor):
        raise PermissionDenied("Only a coordinator can import referrals")
    from brokerage.participants.tasks import referral_import_run_task

    with transaction.atomic():
        record = ReferralImport.objects.select_for_update(of=("self",)).get(pk=record.pk)
        if record.status != ImportStatus.VALIDATED:
            raise ValidationError("This file has already been imported or is still being checked")
        if record.row_errors and not only_valid:
            raise ValidationError(
                "Some rows have errors. Fix them and upload the file again, or import only the valid rows"
            )
        if record.valid_rows == 0:
            raise ValidationError("There are no valid rows to import")
        record.status = ImportStatus.IMPORTING
        record.only_valid = only_valid
        record.processed_rows = 0
        record.save()
        audit_event_record(
            actor=actor, action="participant.import_started", obj=record,
            summary=f"Importing {record.valid_rows} referral(s)" + (" (valid rows only)" if only_valid else ""),
        )
        transaction.on_commit(lambda: referral_import_run_task.delay(record.pk))
    return record


def referral_import_run(*, import_id: int) -> ReferralImport:
    record = ReferralImport.objects.select_related("programme", "uploaded_by").get(pk=import_id)
    if record.status != ImportStatus.IMPORTING:
        return record  # already done: safe to run twice
    rows = _read_rows(record.content)
    valid = _validate_all(record, rows)  # check again: records may have changed since
    if record.row_errors and not record.only_valid:
        record.status = ImportStatus.VALIDATED
        record.save()
        return record
    imported = 0
    for count, (index, data) in enumerate(valid, start=1):
        try:
            referral_create(actor=record.uploaded_by, programme=record.programme, audit=False, **data)
            imported += 1
        except (DuplicateFound, ValidationError) as exc:
            record.row_errors.append(
                {
                    "row": index,
                    "name": f"{data['first_name']} {data['last_name']}",
                    "errors": exc.messages,
                }
            )
        if count % PROGRESS_EVERY == 0:
            ReferralImport.objects.filter(pk=record.pk).update(processed_rows=count, imported_rows=imported)
    record.imported_rows = imported
    record.processed_rows = record.total_rows
    record.status = ImportStatus.DONE
    record.finished_at = timezone.now()
    record.content = ""  # personal data no longer needed
    record.save()
    audit_event_record(
        actor=record.uploaded_by, action="participant.import_done", obj=record,
        summary=f"Imported {imported} referral(s) from {record.filename}",
    )
    return record


#: A checked file not imported within this many days is deleted (it holds personal data).
IMPORT_KEPT_DAYS = 7


def referral_imports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the contents and row reports of checked files nobody imported in time; their
    pages then say to upload the file again. Safe to run twice. Returns the files expired."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=IMPORT_KEPT_DAYS)
    expired = 0
    stale = ReferralImport.objects.filter(status=ImportStatus.VALIDATED, created_at__lt=cutoff).only("pk", "filename")
    for record in stale:
        with transaction.atomic():
            claimed = ReferralImport.objects.filter(pk=record.pk, status=ImportStatus.VALIDATED).update(
                status=ImportStatus.EXPIRED, content="", row_errors=[], finished_at=timezone.now()
            )
            if claimed:
                audit_event_record(actor=None, action="participant.import_expired", obj=record,
                                   summary=f"{record.filename} was not imported within {IMPORT_KEPT_DAYS} days "
                                   "and has been deleted")
                expired += 1
    return expired
