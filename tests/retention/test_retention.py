"""Retention and erasure as policy: each programme's schedule is data, a nightly run anonymises
what is due (and nothing else), every run is logged, reports keep their totals, and a subject
access export holds everything about the person."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.enquiries.models import Enquiry, ItemStatus
from brokerage.participants.models import Participant, ParticipantStatus
from brokerage.payments.fund import services as fund
from brokerage.payments.models import FundRequest, FundRequestStatus
from brokerage.pipeline.models import Checkpoint, Placement, Proposal
from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from brokerage.retention import services
from brokerage.retention.models import RetentionRun, RetentionSchedule
from portal.accounts.roles import Role
from portal.core.beat import collect_beat_schedule
from tests.factories.enquiries import EnquiryFactory, EnquiryItemFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def months_ahead(months: int) -> datetime.datetime:
    return timezone.now() + relativedelta(months=months)


@pytest.fixture
def programme():
    return tees_programme()


@pytest.fixture
def coordinator(programme):
    user = UserFactory(role=Role.COORDINATOR)
    user.programmes.add(programme)
    return user


def test_a_person_with_no_activity_for_the_period_is_anonymised_and_the_rest_are_not(programme, login, coordinator):
    idle = ParticipantFactory(programme=programme, first_name="Idle", last_name="Person", email="idle@example.com")
    recent = ParticipantFactory(programme=programme, first_name="Recent", last_name="Contact")
    later = months_ahead(25)  # the standard period is 24 months
    Participant.objects.filter(pk=recent.pk).update(last_contact_at=later - relativedelta(months=2))

    run = services.retention_apply(now=later)

    idle.refresh_from_db()
    recent.refresh_from_db()
    assert (idle.first_name, idle.last_name, idle.email, idle.date_of_birth) == ("", "", "", None)
    assert idle.erased_at is not None and idle.status != ParticipantStatus.ERASED  # counted as before
    assert idle.programme == programme and idle.referred_on
    assert recent.first_name == "Recent" and recent.erased_at is None
    assert (run.participants_anonymised, run.finished_at is not None, run.error) == (1, True, "")
    assert AuditEvent.objects.filter(action="participant.anonymised", object_id=str(idle.pk)).exists()
    assert AuditEvent.objects.filter(action="retention.applied", object_id=str(run.pk)).exists()

    caseload = login(coordinator).get(reverse("participants:caseload")).content.decode()
    assert "Recent" in caseload and "Idle" not in caseload

    again = services.retention_apply(now=later)
    assert again.total == 0 and RetentionRun.objects.count() == 2


def test_the_period_is_the_programmes_own(programme):
    RetentionSchedule.objects.create(programme=programme, participant_inactive_months=36)
    other = ProgrammeFactory(name="Other programme", slug="other-programme")
    ours = ParticipantFactory(programme=programme, first_name="Ours")
    theirs = ParticipantFactory(programme=other, first_name="Theirs")

    services.retention_apply(now=months_ahead(30))

    assert Participant.objects.get(pk=ours.pk).first_name == "Ours"  # 36 months for this programme
    assert Participant.objects.get(pk=theirs.pk).first_name == ""  # the standard 24 elsewhere


def test_a_recent_proposal_keeps_the_person(programme):
    person = ParticipantFactory(programme=programme, first_name="Busy")
    later = months_ahead(25)
    ProposalFactory(participant=person)
    person.proposals.update(updated_at=later - relativedelta(months=1))

    services.retention_apply(now=later)

    assert Participant.objects.get(pk=person.pk).first_name == "Busy"


def test_a_check_still_to_come_keeps_the_person_in_work(programme):
    person = ParticipantFactory(programme=programme, first_name="Working")
    proposal = ProposalFactory(participant=person)
    placement = Placement.objects.create(
        proposal=proposal, participant=person, employer=proposal.opportunity.employer,
        opportunity=proposal.opportunity, programme=programme, job_title="Picker", start_date=timezone.localdate(),
        hours_per_week=Decimal("30"), contract_type="permanent",
    )
    later = months_ahead(25)
    Proposal.objects.filter(pk=proposal.pk).update(updated_at=timezone.now())
    due = (later + relativedelta(months=1)).date()
    Checkpoint.objects.create(placement=placement, name="26 weeks in work", kind="sustainment", due_on=due,
                              remind_on=due, missed_after=due)

    services.retention_apply(now=later)

    assert Participant.objects.get(pk=person.pk).first_name == "Working"
    Checkpoint.objects.filter(placement=placement).update(due_on=(later - relativedelta(months=25)).date())
    services.retention_apply(now=later)
    assert Participant.objects.get(pk=person.pk).first_name == ""


def test_a_recent_fund_request_keeps_the_person(programme):
    participant, key_worker, _, _, _ = fund_world()
    later = months_ahead(25)
    request = submit(participant, key_worker)
    FundRequest.objects.filter(pk=request.pk).update(requested_at=later - relativedelta(months=3))

    services.retention_apply(now=later)

    assert Participant.objects.get(pk=participant.pk).erased_at is None


def test_enquiries_lose_the_contact_only_when_every_part_closed_long_enough_ago(programme):
    later = months_ahead(13)  # the standard period is 12 months after closing
    old = EnquiryFactory(contact_name="Sam Old", email="sam@old.example", phone="07700 900001", message="Call me")
    EnquiryItemFactory(enquiry=old, programme=programme, status=ItemStatus.CLOSED, closed_at=timezone.now())
    still_open = EnquiryFactory(contact_name="Open Enquirer")
    EnquiryItemFactory(enquiry=still_open, programme=programme, status=ItemStatus.CLOSED, closed_at=timezone.now())
    EnquiryItemFactory(enquiry=still_open, programme=programme, status=ItemStatus.NEW)
    recent = EnquiryFactory(contact_name="Recent Closer")
    EnquiryItemFactory(enquiry=recent, programme=programme, status=ItemStatus.CLOSED,
                       closed_at=later - relativedelta(months=2))

    run = services.retention_apply(now=later)

    old.refresh_from_db()
    assert (old.contact_name, old.email, old.phone, old.message) == ("", "", "", "")
    assert old.anonymised_at and old.organisation_name  # the organisation and its routing stay
    assert old.items.get().status == ItemStatus.CLOSED
    assert Enquiry.objects.get(pk=still_open.pk).contact_name == "Open Enquirer"
    assert Enquiry.objects.get(pk=recent.pk).contact_name == "Recent Closer"
    assert run.enquiries_anonymised == 1


def test_receipts_are_deleted_after_the_audit_period_and_the_money_is_kept(
    programme, django_capture_on_commit_callbacks, settings, login,
):
    participant, key_worker, coordinator, _, _ = fund_world()
    request = submit(participant, key_worker)
    FundRequest.objects.filter(pk=request.pk).update(status=FundRequestStatus.PAID, decided_at=timezone.now())
    request.refresh_from_db()
    fund.fund_receipt_record(fund_request=request, actor=key_worker,
                             upload=SimpleUploadedFile("bus-pass.pdf", PDF))
    request.refresh_from_db()
    storage, name = request.receipt.storage, request.receipt.name
    assert storage.exists(name)

    services.retention_apply(now=months_ahead(71))  # the standard audit period is 72 months
    assert FundRequest.objects.get(pk=request.pk).receipt.name == name

    with django_capture_on_commit_callbacks(execute=True):
        run = services.retention_apply(now=months_ahead(73))

    request.refresh_from_db()
    assert run.evidence_files_deleted == 1
    assert not request.receipt and not storage.exists(name)
    assert request.amount_pence == 6_000 and request.status == FundRequestStatus.RECEIPTED
    assert AuditEvent.objects.filter(action="fund.evidence_deleted", object_id=str(request.pk)).exists()


def _report_tables(client, programme) -> dict[str, list[str]]:
    index = client.get(reverse("reporting:index")).content.decode()
    links = sorted(set(re.findall(rf'href="(/reports/{programme.slug}/[-\w]+/)"', index)))
    assert links, "the coordinator sees the programme's reports"
    tables = {}
    for link in links:
        page = client.get(link).content.decode()
        tables[link] = re.findall(r"<table.*?</table>", page, flags=re.S)
    return tables


def test_reports_give_the_same_totals_before_and_after_a_run(login):
    north = AreaFactory(name="Northtown")
    programme = ProgrammeFactory(name="Report Programme", slug="report-programme", areas=[north],
                                 start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2026, 3, 31))
    outcomes_bulk_create(
        programme=programme, area=north, prefix="N",
        counts=OutcomeCounts(starts=5, placements=2, four_weeks=4, sustained_26w=2, leavers=1, progressions=1),
        first_start=datetime.date(2025, 6, 2), spread_days=1, extra_referrals=3,
    )
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    client = login(coordinator)
    before = _report_tables(client, programme)
    assert any(before.values())

    run = services.retention_apply(now=months_ahead(60))

    assert run.participants_anonymised == Participant.objects.filter(programme=programme).count() > 0
    assert not Participant.objects.filter(programme=programme).exclude(first_name="").exists()
    assert _report_tables(client, programme) == before


def test_a_run_that_fails_is_logged_with_its_error(programme, monkeypatch, login, coordinator):
    ParticipantFactory(programme=programme)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "participant_personal_data_remove", broken)
    run = services.retention_apply(now=months_ahead(25))

    assert "disk full" in run.error and run.finished_at
    page = login(coordinator).get(reverse("retention:schedule")).content.decode()
    assert "Stopped" in page and "disk full" in page


def test_the_nightly_task_is_scheduled():
    tasks = {entry["task"] for entry in collect_beat_schedule().values()}
    assert "brokerage.retention.tasks.retention_apply_task" in tasks


def test_coordinators_see_their_programmes_schedule_and_what_is_due(programme, login, coordinator):
    RetentionSchedule.objects.create(programme=programme, participant_inactive_months=18, evidence_months=84)
    other = ProgrammeFactory(name="Somebody Else's Programme", slug="somebody-else")
    Participant.objects.filter(pk=ParticipantFactory(programme=programme).pk).update(
        updated_at=timezone.now() - relativedelta(months=19))

    page = login(coordinator).get(reverse("retention:schedule")).content.decode()

    assert programme.name in page and other.name not in page
    assert "18 months with no activity" in page and "84 months after the fund request was decided" in page
    assert re.search(r"Participants’ personal details.*?<td[^>]*>\s*1\s*</td>", page, flags=re.S)
    assert "The schedule has not run yet" in page


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.EMPLOYER, Role.FINANCE_OFFICER, Role.PARTNER_STAFF])
def test_only_coordinators_open_the_schedule(programme, login, role):
    user = UserFactory(role=role)
    assert login(user).get(reverse("retention:schedule")).status_code == 403


def test_subject_access_export_includes_the_audit_trail_and_who_viewed_the_record(programme, login, coordinator):
    person = ParticipantFactory(programme=programme, first_name="Alex", last_name="Morgan")
    client = login(coordinator)
    client.get(reverse("participants:detail", args=[person.reference]))
    from brokerage.participants.services import readiness_set

    readiness_set(participant=person, actor=coordinator, readiness="getting_ready", note="Ready soon")

    data = json.loads(client.get(reverse("participants:export_json", args=[person.reference])).content)

    assert any(e["action"] == "participant.readiness_changed" or "eadiness" in e["summary"]
               for e in data["audit_trail"]), data["audit_trail"]
    assert any(e["by"] == str(coordinator) for e in data["audit_trail"])
    assert {e["user"] for e in data["record_viewed_by"]} == {str(coordinator)}
    assert len(data["record_viewed_by"]) >= 2  # the record page, then this export
    for key in ("proposals", "jobs", "fund_requests"):
        assert data[key] == []
    page = client.get(reverse("participants:export", args=[person.reference])).content.decode()
    assert "Audit trail" in page and "Staff who viewed the record" in page
