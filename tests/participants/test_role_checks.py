"""Every field that puts a user in a role is checked in the service layer, whatever the route.

``test_every_user_field_is_classified`` reads the models: a field pointing at the user model
that is added later fails it until someone decides whether it gives the user a role (then it
needs a check and a refusal in ``REFUSALS``) or records who did something.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.models import (
    CareRequest,
    CareRequestKind,
    CareRequestStatus,
    ImportStatus,
    Participant,
    ReferralImport,
    Team,
    TeamMembership,
)
from brokerage.participants.services import (
    care_request_create,
    care_request_decide,
    participant_assign,
    referral_create,
)
from brokerage.participants.tasks import contact_reminders_send_task
from brokerage.pipeline.models import MentorProfile
from brokerage.pipeline.services import mentor_profile_save
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.participants import ParticipantFactory, TeamFactory, TeamMembershipFactory
from tests.factories.reference import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("portal.", "brokerage.", "search", "cms")

# Fields that give a user a role on the object: each has a check, and a refusal test below.
ROLE_BEARING = {
    "participants.Participant.key_worker": "holds the record; gets the weekly no-contact email",
    "participants.Participant.supporting_workers": "shares care: sees the whole record",
    "participants.TeamMembership.user": "may be granted sight of the team's caseload",
    "participants.Team.members": "the same, through TeamMembership",
    "participants.CareRequest.requested_by": "becomes key worker or supporting worker when approved",
    "pipeline.MentorProfile.user": "mentors participants for their employer",
}

# Role-bearing fields in apps other teams own: reported to them, not checked here yet. A field
# moved from here to ROLE_BEARING needs a refusal in REFUSALS.
REPORTED_TO_OWNERS = {
    "employers.EmployerMembership.user": "an employer's user: acts for the employer",
    "employers.EmployerJoinRequest.user": "becomes an employer's user when approved",
    "payments.FundCardholder.user": "a key worker issued flexible-fund cards",
}

# Fields that record who did something (set from the signed-in user by the service that did it,
# or a log): they give nobody a role.
RECORDS_WHO = {
    "audit.AuditEvent.actor", "api.ApiToken.created_by", "api.ApiToken.revoked_by",
    "employers.Employer.created_by", "employers.Interaction.recorded_by",
    "employers.EmployerInvitation.invited_by", "employers.EmployerInvitation.accepted_by",
    "employers.EmployerJoinRequest.decided_by", "employers.PartnerRelationship.created_by",
    "employers.PartnerRelationship.requested_by", "employers.PartnerRelationship.decided_by",
    "employers.DuplicateDismissal.dismissed_by", "enquiries.EnquiryItem.accepted_by",
    "enquiries.EnquiryItemEvent.actor", "opportunities.Opportunity.created_by",
    "opportunities.Opportunity.reviewer", "opportunities.OpportunityEvent.actor",
    "opportunities.FieldComment.author", "opportunities.StrandRegistration.registered_by",
    "participants.Participant.referred_by", "participants.Participant.eligibility_overridden_by",
    "participants.Consent.recorded_by", "participants.Consent.withdrawn_by",
    "participants.Assessment.assessed_by", "participants.ReadinessChange.changed_by",
    "participants.ActionItem.created_by", "participants.PlanReview.reviewed_by",
    "participants.ContactLog.recorded_by", "participants.AccessLogEntry.user",
    "participants.CareRequest.decided_by", "participants.ReferralImport.uploaded_by",
    "pipeline.Proposal.proposed_by", "pipeline.ProposalEvent.actor", "pipeline.ProposalQuestion.asked_by",
    "pipeline.ProposalQuestion.answered_by", "pipeline.Interview.booked_by", "pipeline.Placement.created_by",
    "pipeline.Checkpoint.confirmed_by", "pipeline.Progression.recorded_by", "pipeline.SupportContact.recorded_by",
    "pipeline.OutcomeRecord.recorded_by", "pipeline.MentoringAgreement.closed_by",
    "pipeline.MentoringAgreement.created_by", "pipeline.MentoringContact.recorded_by",
    "pipeline.RouteWayCompletion.recorded_by", "payments.LedgerEntry.created_by",
    "payments.FundRequest.requested_by", "payments.FundRequest.decided_by",
    "payments.FundRequest.receipt_uploaded_by", "payments.IncentiveEmployerBlock.blocked_by",
    "payments.IncentiveEmployerBlock.lifted_by", "payments.IncentiveClaimCommand.actor",
    "payments.PaymentRun.requested_by", "payments.PaymentRun.validated_by", "payments.PaymentRun.approved_by",
    "payments.IncentiveValidation.checked_by", "payments.IncentiveClawback.created_by",
    "payments.IncentiveClawback.resolved_by", "payments.MoneyAttention.resolved_by",
    # Who checked a run, proposed or decided a fund change, sent a failed payment again (issue 16).
    "payments.PaymentRunCheck.checked_by", "payments.FundChange.proposed_by",
    "payments.FundChange.decided_by", "payments.IncentivePaymentRetry.actor",
    "search.ArchivedMatch.archived_by", "search.SavedSearch.owner",
    "messaging.Message.user",  # who a message was sent to
    # A log of digest emails already sent (search.services.match_digest_send writes it, for
    # active key workers only); it grants nothing.
    "search.MatchDigestSent.key_worker",
}


def project_user_fields() -> set[str]:
    """Every field declared on a project model that points at the user model."""
    user_model = get_user_model()
    found = set()
    for model in apps.get_models():
        if not model._meta.app_config.name.startswith(PROJECT_APPS) or model._meta.auto_created:
            continue
        for field in model._meta.get_fields():
            if field.auto_created or getattr(field, "model", None) is not model:
                continue  # reverse relations, and fields inherited from Wagtail's Page
            if field.is_relation and field.related_model is user_model:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_user_field_is_classified():
    found = project_user_fields()
    classified = set(ROLE_BEARING) | set(REPORTED_TO_OWNERS) | RECORDS_WHO
    assert not found - classified, (
        f"New field(s) holding a user: {sorted(found - classified)}. If it puts the user in a role, "
        "add a check in the service layer and a refusal in REFUSALS; if it records who did something, "
        "add it to RECORDS_WHO"
    )
    assert not classified - found, f"No longer in the models: {sorted(classified - found)}"
    assert not set(ROLE_BEARING) & RECORDS_WHO


# --- the people ------------------------------------------------------------------------------

@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(name="Plan 500")


def _wrong_user(kind: str, programme, other_programme):
    if kind == "employer":
        return UserFactory(role=Role.EMPLOYER, first_name="Eve", last_name="Employer")
    if kind == "coordinator":
        user = UserFactory(role=Role.COORDINATOR, first_name="Cora", last_name="Coordinator")
        user.programmes.add(programme)
        return user
    if kind == "key worker on another programme":
        user = UserFactory(role=Role.KEY_WORKER, first_name="Otto", last_name="Elsewhere")
        user.programmes.add(other_programme)
        return user
    if kind == "inactive key worker":
        user = UserFactory(role=Role.KEY_WORKER, first_name="Ida", last_name="Left", is_active=False)
        user.programmes.add(programme)
        return user
    raise AssertionError(kind)


ALL_WRONG = ["employer", "coordinator", "key worker on another programme", "inactive key worker"]
NO_ROLE = ["employer", "coordinator", "inactive key worker"]


def _refused_on(exc_info, field: str) -> str:
    assert field in exc_info.value.message_dict, exc_info.value
    return " ".join(exc_info.value.message_dict[field])


# --- one refusal per role-bearing field, through every route that sets it ---------------------

def refuse_key_worker(wrong, *, programme, coordinator, login, capture, **_):
    # The service, as the CSV import calls it.
    with pytest.raises(ValidationError) as exc:
        referral_create(actor=coordinator, programme=programme, referral_source="jcp", first_name="Amy",
                        last_name="Stone", date_of_birth=datetime.date(1990, 1, 1), postcode="TS18 1AA",
                        key_worker=wrong)
    assert wrong.get_full_name() in _refused_on(exc, "key_worker")
    assert not Participant.objects.exists()

    # The CSV import: the row is refused, with its column named, and nothing is imported.
    client = login(coordinator)
    csv = ("first_name,last_name,date_of_birth,postcode,referral_source,key_worker_email\n"
           f"Amy,Stone,1990-01-01,TS18 1AA,jcp,{wrong.email}\n")
    with capture(execute=True):
        client.post(reverse("participants:import_start"), {
            "programme": programme.pk, "file": SimpleUploadedFile("r.csv", csv.encode(), content_type="text/csv")})
    record = ReferralImport.objects.get()
    page = client.get(reverse("participants:import_detail", args=[record.pk])).content.decode()
    assert f"key_worker_email: {wrong.email} is not a key worker on {programme.name}" in page
    with capture(execute=True):
        client.post(reverse("participants:import_detail", args=[record.pk]), {"only_valid": "1"})
    record.refresh_from_db()
    assert record.status == ImportStatus.VALIDATED and not Participant.objects.exists()

    # The assign page and its service.
    held = ParticipantFactory(programme=programme, key_worker=None)
    response = client.post(reverse("participants:assign", args=[held.reference]), {"key_worker": wrong.pk})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        participant_assign(participant=held, actor=coordinator, key_worker=wrong)
    assert wrong.get_full_name() in _refused_on(exc, "key_worker")
    held.refresh_from_db()
    assert held.key_worker is None

    # An approved transfer (a request stored before the requester lost the role, say).
    request = CareRequest.objects.create(participant=held, requested_by=wrong, kind=CareRequestKind.TRANSFER,
                                         reason="Moved")
    with pytest.raises(ValidationError) as exc:
        care_request_decide(care_request=request, actor=coordinator, approve=True)
    _refused_on(exc, "key_worker")
    held.refresh_from_db()
    request.refresh_from_db()
    assert held.key_worker is None and request.status == CareRequestStatus.PENDING


def refuse_supporting_worker(wrong, *, programme, coordinator, login, **_):
    held = ParticipantFactory(programme=programme)
    request = CareRequest.objects.create(participant=held, requested_by=wrong, kind=CareRequestKind.SHARED_CARE,
                                         reason="Housing")
    response = login(coordinator).post(reverse("participants:care_request_decide", args=[request.pk]),
                                       {"decision": "approve"}, follow=True)
    page = response.content.decode()
    assert f"{wrong.get_full_name()} " in page and "so cannot work with" in page  # who, and why not
    with pytest.raises(ValidationError) as exc:
        care_request_decide(care_request=request, actor=coordinator, approve=True)
    _refused_on(exc, "supporting_workers")
    request.refresh_from_db()
    assert not held.supporting_workers.exists() and request.status == CareRequestStatus.PENDING


def refuse_team_member(wrong, *, programme, login, **_):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = login(admin)
    response = client.post(reverse("admin:participants_team_add"), {
        "name": "Stockton key workers", "programme": programme.pk,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": wrong.pk,
    })
    assert response.status_code == 200 and wrong.get_full_name() in response.content.decode()
    assert not Team.objects.filter(name="Stockton key workers").exists()
    assert not TeamMembership.objects.filter(user=wrong).exists()


def refuse_care_requester(wrong, *, programme, login, **_):
    held = ParticipantFactory(programme=programme)
    with pytest.raises(ValidationError) as exc:
        care_request_create(participant=held, actor=wrong, kind=CareRequestKind.TRANSFER, reason="Moved")
    assert "Only a key worker" in _refused_on(exc, "requested_by")
    if wrong.is_active and wrong.has_role(Role.COORDINATOR):  # the only one of them who can open the page
        response = login(wrong).post(reverse("participants:care_request", args=[held.reference]),
                                     {"kind": "transfer", "reason": "Moved"})
        assert response.status_code == 200 and "Only a key worker" in response.content.decode()
    assert not CareRequest.objects.exists()


def refuse_mentor(wrong, **_):
    employer = EmployerFactory()
    with pytest.raises(ValidationError):
        mentor_profile_save(actor=wrong, employer=employer, sectors=["retail"], about="I run a shop")
    assert not MentorProfile.objects.exists()


REFUSALS = {
    "participants.Participant.key_worker": (ALL_WRONG, refuse_key_worker),
    "participants.Participant.supporting_workers": (ALL_WRONG, refuse_supporting_worker),
    "participants.TeamMembership.user": (ALL_WRONG, refuse_team_member),
    "participants.Team.members": (ALL_WRONG, refuse_team_member),
    # A key worker on another programme may ask: that is what the request is for.
    "participants.CareRequest.requested_by": (NO_ROLE, refuse_care_requester),
    # Mentors are their employer's users: anyone else is refused.
    "pipeline.MentorProfile.user": (["employer", "key worker on another programme"], refuse_mentor),
}


def test_every_role_bearing_field_has_a_refusal():
    assert set(REFUSALS) == set(ROLE_BEARING)


@pytest.mark.parametrize(
    "field,kind", [(field, kind) for field, (kinds, _) in REFUSALS.items() for kind in kinds]
)
def test_a_user_without_the_role_is_refused(field, kind, programme, other_programme, coordinator, login,
                                            django_capture_on_commit_callbacks):
    wrong = _wrong_user(kind, programme, other_programme)
    REFUSALS[field][1](wrong, programme=programme, coordinator=coordinator, login=login,
                       capture=django_capture_on_commit_callbacks)


# --- the routes, with the right people --------------------------------------------------------

def test_import_assigns_a_key_worker_on_the_programme(login, coordinator, key_worker, programme,
                                                      django_capture_on_commit_callbacks):
    csv = ("first_name,last_name,date_of_birth,postcode,referral_source,key_worker_email\n"
           f"Amy,Stone,1990-01-01,TS18 1AA,jcp,{key_worker.email.upper()}\n")
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_start"), {
            "programme": programme.pk, "file": SimpleUploadedFile("r.csv", csv.encode(), content_type="text/csv")})
    record = ReferralImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_detail", args=[record.pk]))
    assert Participant.objects.get().key_worker == key_worker


def test_an_employer_named_in_an_import_gets_no_participant_and_no_reminder(
        login, coordinator, programme, django_capture_on_commit_callbacks):
    """What was found: an import gave an employer a participant, then the weekly email."""
    employer = UserFactory(role=Role.EMPLOYER)
    csv = ("first_name,last_name,date_of_birth,postcode,referral_source,key_worker_email\n"
           f"Amy,Stone,1990-01-01,TS18 1AA,jcp,{employer.email}\n"
           "Ben,Lowe,1988-03-02,TS19 7EU,jcp,\n")
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_start"), {
            "programme": programme.pk, "file": SimpleUploadedFile("r.csv", csv.encode(), content_type="text/csv")})
    record = ReferralImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:import_detail", args=[record.pk]), {"only_valid": "1"})
    assert list(Participant.objects.values_list("last_name", flat=True)) == ["Lowe"]
    assert not Participant.objects.filter(key_worker=employer).exists()
    # A record given to an employer before these checks existed is not emailed to them either.
    ParticipantFactory(programme=programme, key_worker=employer,
                       referred_on=timezone.localdate() - datetime.timedelta(days=10))
    with django_capture_on_commit_callbacks(execute=True):
        contact_reminders_send_task()
    assert not [m for m in mail.outbox if employer.email in m.to]


def test_referrer_holds_the_record_only_on_a_programme_they_work_on(key_worker, programme, other_programme):
    elsewhere = referral_create(actor=key_worker, programme=other_programme, referral_source="jcp", first_name="Amy",
                                last_name="Stone", date_of_birth=datetime.date(1990, 1, 1), postcode="TS18 1AA")
    assert elsewhere.key_worker is None  # waits for a coordinator of that programme
    here = referral_create(actor=key_worker, programme=programme, referral_source="jcp", first_name="Ben",
                           last_name="Lowe", date_of_birth=datetime.date(1988, 3, 2), postcode="TS18 1AA")
    assert here.key_worker == key_worker


def test_assign_page_offers_only_key_workers_on_the_participants_programme(login, coordinator, key_worker, programme,
                                                                           other_programme):
    coordinator.programmes.add(other_programme)
    elsewhere = _wrong_user("key worker on another programme", programme, other_programme)
    held = ParticipantFactory(programme=programme, key_worker=None)
    page = login(coordinator).get(reverse("participants:assign", args=[held.reference])).content.decode()
    assert key_worker.email in page and elsewhere.email not in page


def test_transfer_to_a_key_worker_on_another_programme_is_refused_with_a_reason(login, coordinator, programme,
                                                                               other_programme):
    elsewhere = _wrong_user("key worker on another programme", programme, other_programme)
    held = ParticipantFactory(programme=programme)
    request = care_request_create(participant=held, actor=elsewhere, kind=CareRequestKind.TRANSFER, reason="Moved")
    response = login(coordinator).post(reverse("participants:care_request_decide", args=[request.pk]),
                                       {"decision": "approve"}, follow=True)
    assert "Otto Elsewhere does not work on Routes to Work" in response.content.decode()
    held.refresh_from_db()
    assert held.key_worker != elsewhere
    # Declining is still possible.
    care_request_decide(care_request=request, actor=coordinator, approve=False)
    assert CareRequest.objects.get().status == CareRequestStatus.DECLINED


def test_team_cannot_move_to_a_programme_its_members_do_not_work_on(client, programme, other_programme):
    team = TeamFactory(programme=programme, name="Stockton key workers")
    member = UserFactory(role=Role.KEY_WORKER, first_name="Aisha", last_name="Khan")
    member.programmes.add(programme)
    TeamMembershipFactory(team=team, user=member)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = f"/admin/snippets/participants/team/edit/{team.pk}/"
    response = client.post(url, {"name": team.name, "programme": other_programme.pk})
    assert response.status_code == 200
    assert "Aisha Khan does not work on Plan 500, the team&#x27;s programme" in response.content.decode()
    team.refresh_from_db()
    assert team.programme == programme
    # The Django admin checks the same when the programme changes there.
    response = client.post(reverse("admin:participants_team_change", args=[team.pk]), {
        "name": team.name, "programme": other_programme.pk,
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": team.memberships.get().pk, "memberships-0-team": team.pk,
        "memberships-0-user": member.pk,
    })
    assert response.status_code == 200 and "Aisha Khan does not work on Plan 500" in response.content.decode()
    team.refresh_from_db()
    assert team.programme == programme
    # A key worker on the team's programme is welcome.
    assert client.post(url, {"name": "Stockton team", "programme": programme.pk}).status_code == 302
