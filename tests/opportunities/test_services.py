import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from brokerage.audit.models import AuditEvent
from brokerage.employers.models import PartnerRelationship
from brokerage.opportunities import services
from brokerage.opportunities.models import (
    FieldComment,
    InterviewPledge,
    Opportunity,
    OpportunityStatus,
    OpportunityType,
)
from brokerage.opportunities.selectors import strand_report
from brokerage.reference.models import Measure, Target
from portal.accounts.roles import Role
from portal.core.exceptions import IllegalTransition
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory, OpportunityRuleFactory, in_days
from tests.factories.reference import PartnerFactory, ProgrammeFactory, StrandFactory, UserFactory

pytestmark = pytest.mark.django_db
S = OpportunityStatus


@pytest.fixture
def member():
    return EmployerMembershipFactory()


@pytest.fixture
def coordinator():
    return UserFactory(role=Role.COORDINATOR)


def submitted(member, **kwargs):
    opp = OpportunityFactory(employer=member.employer, **kwargs)
    return services.opportunity_submit(actor=member.user, opportunity=opp)


def test_submit_then_approve_makes_it_live_and_emails_the_employer(
    member, coordinator, django_capture_on_commit_callbacks
):
    opp = submitted(member)
    assert opp.status == S.SUBMITTED
    services.opportunity_start_review(actor=coordinator, opportunity=opp)
    with django_capture_on_commit_callbacks(execute=True):
        opp = services.opportunity_approve(actor=coordinator, opportunity=opp)
    assert opp.status == S.LIVE and opp.approved_at is not None
    assert mail.outbox[-1].to == [member.user.email]
    assert "is live" in mail.outbox[-1].subject
    assert [e.to_status for e in opp.events.all()] == [S.SUBMITTED, S.IN_REVIEW, S.LIVE]
    assert AuditEvent.objects.filter(action="opportunity.approved", object_id=str(opp.pk)).exists()


def test_refer_back_comments_on_named_fields_then_resubmit(
    member, coordinator, django_capture_on_commit_callbacks
):
    opp = submitted(member)
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_refer_back(
            actor=coordinator,
            opportunity=opp,
            comments={"pay_pence": "Say whether tips are included"},
        )
    opp.refresh_from_db()
    assert opp.status == S.REFERRED_BACK
    comment = opp.field_comments.get()
    assert (comment.field_name, comment.resolved_at) == ("pay_pence", None)
    assert "- Pay: Say whether tips are included" in mail.outbox[-1].body
    services.opportunity_submit(actor=member.user, opportunity=opp)
    comment.refresh_from_db()
    assert comment.resolved_at is not None


def test_refer_back_needs_a_comment_and_a_real_field(member, coordinator):
    opp = submitted(member)
    with pytest.raises(ValidationError, match="at least one field"):
        services.opportunity_refer_back(
            actor=coordinator, opportunity=opp, comments={"title": "  "}
        )
    with pytest.raises(ValidationError, match="no field called"):
        services.opportunity_refer_back(
            actor=coordinator, opportunity=opp, comments={"salary": "x"}
        )
    opp.refresh_from_db()
    assert opp.status == S.SUBMITTED


def test_reject_needs_a_reason(member, coordinator, django_capture_on_commit_callbacks):
    opp = submitted(member)
    with pytest.raises(ValidationError):
        services.opportunity_reject(actor=coordinator, opportunity=opp, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_reject(actor=coordinator, opportunity=opp, reason="Not a real job")
    assert "Not a real job" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (S.DRAFT, "approve"),
        (S.LIVE, "submit"),
        (S.REJECTED, "approve"),
        (S.WITHDRAWN, "reopen"),
        (S.DRAFT, "close"),
        (S.CLOSED, "withdraw"),
        (S.LIVE, "refer_back"),
    ],
)
def test_illegal_transitions_are_refused_by_the_service(member, coordinator, status, action):
    opp = OpportunityFactory(employer=member.employer, status=status)
    calls = {
        "approve": lambda: services.opportunity_approve(actor=coordinator, opportunity=opp),
        "submit": lambda: services.opportunity_submit(actor=member.user, opportunity=opp),
        "reopen": lambda: services.opportunity_reopen(
            actor=member.user, opportunity=opp, closing_date=in_days(5)
        ),
        "close": lambda: services.opportunity_close(actor=coordinator, opportunity=opp),
        "withdraw": lambda: services.opportunity_withdraw(actor=member.user, opportunity=opp),
        "refer_back": lambda: services.opportunity_refer_back(
            actor=coordinator, opportunity=opp, comments={"title": "Shorter"}
        ),
    }
    with pytest.raises(IllegalTransition, match="You cannot"):
        calls[action]()
    opp.refresh_from_db()
    assert opp.status == status


def test_only_coordinators_moderate(member):
    opp = submitted(member)
    with pytest.raises(ValidationError, match="Only a coordinator"):
        services.opportunity_approve(actor=member.user, opportunity=opp)


def test_an_invalid_opportunity_cannot_be_submitted(member):
    opp = OpportunityFactory(employer=member.employer, pay_pence=500)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_submit(actor=member.user, opportunity=opp)
    assert "pay_pence" in exc.value.message_dict
    opp.refresh_from_db()
    assert opp.status == S.DRAFT


def test_automatic_checks_refer_back_banned_phrases_and_ages(
    member, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(name="Plan 500")
    strand = StrandFactory(programme=programme, name="Work experience")
    OpportunityRuleFactory(
        programme=programme, opportunity_type=OpportunityType.VACANCY, min_age=16, max_age=24
    )
    with django_capture_on_commit_callbacks(execute=True):
        opp = submitted(
            member,
            description="We want someone young and energetic.",
            programme=programme,
            strand=strand,
            min_age=16,
            max_age=40,
        )
    assert opp.status == S.REFERRED_BACK
    comments = {c.field_name: c.comment for c in FieldComment.objects.filter(opportunity=opp)}
    assert "young and energetic" in comments["description"]
    assert "aged 16 to 24" in comments["max_age"]
    assert all(c.automatic for c in FieldComment.objects.filter(opportunity=opp))
    assert "needs changes" in mail.outbox[-1].subject


def test_automatic_check_flags_a_paid_role_with_no_pay(member):
    opp = submitted(
        member,
        opportunity_type=OpportunityType.WORK_EXPERIENCE,
        paid=True,
        pay_pence=None,
        duration_weeks=4,
        min_age=18,  # adults only: insurance needed, not a supervisor or risk assessment
        insurance_confirmed=True,
        insurance_certificate="insurance-certificates/certificate.pdf",
    )
    assert opp.status == S.REFERRED_BACK
    assert opp.field_comments.get().field_name == "pay_pence"


def live(member, coordinator, **kwargs):
    return services.opportunity_approve(actor=coordinator, opportunity=submitted(member, **kwargs))


def test_lifecycle_fill_reopen_withdraw(member, coordinator):
    opp = live(member, coordinator)
    opp = services.opportunity_places_fill(actor=member.user, opportunity=opp, places_filled=3)
    assert opp.status == S.FILLED
    with pytest.raises(ValidationError, match="add more places"):
        services.opportunity_reopen(actor=member.user, opportunity=opp, closing_date=in_days(5))
    opp = services.opportunity_reopen(
        actor=member.user, opportunity=opp, closing_date=in_days(5), places=5
    )
    assert (opp.status, opp.places, opp.closing_date) == (S.LIVE, 5, in_days(5))
    opp = services.opportunity_withdraw(actor=member.user, opportunity=opp, reason="Role cut")
    assert opp.status == S.WITHDRAWN
    history = list(opp.events.values_list("to_status", flat=True))
    assert history == [S.SUBMITTED, S.LIVE, S.FILLED, S.LIVE, S.WITHDRAWN]


def test_places_filled_out_of_range_is_refused(member, coordinator):
    opp = live(member, coordinator)
    with pytest.raises(ValidationError):
        services.opportunity_places_fill(actor=member.user, opportunity=opp, places_filled=4)


def test_auto_close_task_closes_expired_once_even_when_run_twice(member, coordinator):
    from brokerage.opportunities.tasks import opportunities_close_expired_task

    expired = live(member, coordinator)
    open_one = live(member, coordinator)
    rolling = live(member, coordinator, closing_date=None, rolling=True)
    Opportunity.objects.filter(pk=expired.pk).update(closing_date=in_days(-1))
    assert opportunities_close_expired_task() == 1
    assert opportunities_close_expired_task() == 0
    expired.refresh_from_db(), open_one.refresh_from_db(), rolling.refresh_from_db()
    assert (expired.status, open_one.status, rolling.status) == (S.CLOSED, S.LIVE, S.LIVE)
    assert expired.events.filter(to_status=S.CLOSED).count() == 1
    services.opportunity_reopen(actor=member.user, opportunity=expired, closing_date=in_days(10))
    expired.refresh_from_db()
    assert expired.status == S.LIVE


def test_closing_reminder_sent_once(member, coordinator, django_capture_on_commit_callbacks):
    from brokerage.opportunities.tasks import opportunity_closing_reminders_task

    opp = live(member, coordinator)
    Opportunity.objects.filter(pk=opp.pk).update(closing_date=in_days(2))
    with django_capture_on_commit_callbacks(execute=True):  # emails go once committed
        assert opportunity_closing_reminders_task() == 1
    assert opportunity_closing_reminders_task() == 0
    assert "closes on" in mail.outbox[-1].subject


def test_strand_counts_registrations_places_and_distinct_employers(coordinator):
    programme = ProgrammeFactory(name="Plan 500")
    mentoring = StrandFactory(programme=programme, name="Mentoring", order=1)
    apprenticeships = StrandFactory(programme=programme, name="Apprenticeship", order=2)
    Target.objects.create(
        programme=programme,
        strand=apprenticeships,
        measure=Measure.OPPORTUNITIES_CREATED,
        period_start=datetime.date(2010, 4, 1),
        period_end=datetime.date(2030, 3, 31),
        value=150,
    )
    both = EmployerMembershipFactory()
    one = EmployerMembershipFactory()
    live(
        both,
        coordinator,
        opportunity_type=OpportunityType.APPRENTICESHIP,
        strand=apprenticeships,
        places=50,
        duration_weeks=56,
        qualification="Level 2",
        apprenticeship_standard="ST0259",
        training_provider="Tees Valley College",
        off_the_job_hours_per_week=6,
        pay_pence=1300,
    )
    live(both, coordinator, opportunity_type=OpportunityType.MENTORING, strand=mentoring, places=2,
         duration_weeks=26, paid=False, pay_pence=None, hours_per_week=None)
    submitted(
        one,
        opportunity_type=OpportunityType.MENTORING,
        strand=mentoring,
        places=4,
        duration_weeks=26,
        paid=False,
        pay_pence=None,
        hours_per_week=None,
    )  # not approved yet
    report = strand_report(programme)
    rows = {r.strand.name: r for r in report.rows}
    assert (rows["Mentoring"].employers_registered, rows["Mentoring"].opportunities_created) == (
        2,
        2,
    )
    assert (
        rows["Apprenticeship"].employers_registered,
        rows["Apprenticeship"].opportunities_created,
    ) == (1, 50)
    assert rows["Apprenticeship"].target == 150 and rows["Mentoring"].target is None
    assert report.employers_registered_total == 3
    assert report.distinct_employers == 2
    assert report.opportunities_created_total == 52


def test_partner_acting_for_an_employer_is_recorded_and_audited():
    member = EmployerMembershipFactory()
    partner = PartnerFactory()
    staff = UserFactory(role=Role.PARTNER_STAFF, partner=partner)
    PartnerRelationship.objects.create(
        partner=partner,
        employer=member.employer,
        started_at=in_days(-10),
        requires_employer_signoff=True,
        status="accepted",
    )
    opp = services.opportunity_save_draft(
        actor=staff, employer=member.employer, data={"title": "Chef"}
    )
    assert opp.acting_partner == partner and opp.created_by == staff
    event = AuditEvent.objects.get(action="opportunity.created", object_id=str(opp.pk))
    assert event.acting_for == member.employer.name
    # needs the employer's sign-off: the partner cannot submit it
    full = OpportunityFactory(employer=member.employer)
    with pytest.raises(ValidationError, match="employer must check and submit"):
        services.opportunity_submit(actor=staff, opportunity=full)


def test_a_stranger_cannot_save_for_an_employer(member):
    other = EmployerMembershipFactory()
    with pytest.raises(ValidationError):
        services.opportunity_save_draft(
            actor=other.user, employer=member.employer, data={"title": "x"}
        )


def test_saving_stores_location_and_area(member):
    from tests.factories.reference import AreaFactory

    area = AreaFactory(name="Stockton-on-Tees", outcodes=["TS18"])
    opp = services.opportunity_save_draft(
        actor=member.user,
        employer=member.employer,
        data={
            "title": "Cook",
            "postcode": "ts18 1aa",
            "essential_skills": ["Cooking", "cooking ", "Food Prep"],
        },
    )
    assert opp.postcode == "TS18 1AA" and opp.area == area
    assert opp.latitude and opp.longitude
    assert opp.essential_skills == ["cooking", "food prep"]


def test_duplicate_copies_into_a_new_draft_without_dates(member, coordinator):
    opp = live(member, coordinator)
    copy = services.opportunity_duplicate(actor=member.user, opportunity=opp)
    assert copy.pk != opp.pk and copy.status == S.DRAFT and copy.title == opp.title
    assert copy.start_date is None and copy.duplicated_from == opp


def test_pledge_fulfilment_counts_interviews_once(member, coordinator):
    programme = ProgrammeFactory(name="Plan 500")
    strand = StrandFactory(programme=programme, name="Guaranteed interviews")
    opp = live(
        member,
        coordinator,
        opportunity_type=OpportunityType.GUARANTEED_INTERVIEW,
        strand=strand,
        places=5,
        start_date=in_days(0),
        closing_date=in_days(90),
        pay_pence=None,
        paid=False,
    )
    pledge = InterviewPledge.objects.get(opportunity=opp)
    assert pledge.interviews_pledged == 5
    for _ in range(2):
        services.pledge_interview_record(
            employer=member.employer,
            programme=programme,
            reference="INT-1",
            interviewed_on=in_days(3),
        )
    services.pledge_interview_record(
        employer=member.employer, programme=programme, reference="INT-2", interviewed_on=in_days(4)
    )
    assert services.pledge_interview_record(employer=member.employer, programme=programme,
                                            reference="INT-3", interviewed_on=in_days(200)) is None
    from brokerage.opportunities.selectors import programme_pledges

    row = programme_pledges(programme)[0]
    assert (row.interviewed, row.shortfall) == (2, 3)
