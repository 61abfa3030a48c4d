import pytest
from django.urls import reverse
from django.utils.html import escape

from brokerage.participants.models import AccessLogEntry, Consent, ConsentScope
from brokerage.participants.selectors import caseload_for_user, participants_for_user
from portal.accounts.roles import Role
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.participants import (
    ConsentFactory,
    ParticipantFactory,
    TeamFactory,
    TeamMembershipFactory,
    tees_programme,
)
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORD_PAGES = ["detail", "eligibility", "consent", "assessment", "readiness", "plan", "contacts"]
COORDINATOR_PAGES = ["access_log", "assign", "export", "export_json", "erase"]
OTHER_PAGES = ["caseload", "referral_start", "care_requests", "teams", "import_start"]


def test_second_key_worker_gets_404_for_anothers_participant(login, participant):
    other = UserFactory(role=Role.KEY_WORKER)
    client = login(other)
    for name in RECORD_PAGES:
        assert client.get(reverse(f"participants:{name}", args=[participant.reference])).status_code == 404, name
    consent = ConsentFactory(participant=participant)
    assert (
        client.post(
            reverse("participants:consent_withdraw", args=[participant.reference, consent.pk])
        ).status_code
        == 404
    )
    assert participant.reference not in client.get(reverse("participants:caseload")).content.decode()
    assert not AccessLogEntry.objects.exists()


def test_employer_is_refused_everywhere_in_the_participant_area(login, participant):
    employer_user = EmployerMembershipFactory().user
    client = login(employer_user)
    for name in RECORD_PAGES + COORDINATOR_PAGES:
        assert client.get(reverse(f"participants:{name}", args=[participant.reference])).status_code in (403, 404), name
    for name in OTHER_PAGES:
        assert client.get(reverse(f"participants:{name}")).status_code in (403, 404), name
    assert not participants_for_user(employer_user).exists()


def test_anonymous_users_are_sent_to_sign_in(client, participant):
    response = client.get(reverse("participants:detail", args=[participant.reference]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_every_view_writes_an_access_log_entry_coordinators_can_read(login, key_worker, coordinator, participant):
    client = login(key_worker)
    for name in RECORD_PAGES:
        assert client.get(reverse(f"participants:{name}", args=[participant.reference])).status_code == 200, name
    entries = AccessLogEntry.objects.filter(participant=participant, user=key_worker)
    assert entries.count() == len(RECORD_PAGES)
    assert set(entries.values_list("page", flat=True)) >= {"Summary", "Eligibility", "Consent", "Action plan"}

    assert client.get(reverse("participants:access_log", args=[participant.reference])).status_code == 403
    page = login(coordinator).get(reverse("participants:access_log", args=[participant.reference])).content.decode()
    assert escape(key_worker.display_name) in page and "Action plan" in page


def test_coordinators_see_their_programmes_in_their_areas(coordinator, participant):
    other_programme = ProgrammeFactory(name="Plan 500")
    elsewhere = ParticipantFactory(programme=other_programme, area=None)
    visible = participants_for_user(coordinator)
    assert participant in visible and elsewhere not in visible

    middlesbrough = AreaFactory(name="Middlesbrough", outcodes=["TS1"])
    coordinator.areas.add(middlesbrough)
    assert participant not in participants_for_user(coordinator)


def test_team_caseload_only_when_a_coordinator_grants_it(login, coordinator, programme):
    team = TeamFactory(programme=programme)
    a = TeamMembershipFactory(team=team)
    b = TeamMembershipFactory(team=team)
    theirs = ParticipantFactory(programme=programme, key_worker=b.user)
    assert theirs not in participants_for_user(a.user)
    response = login(coordinator).post(reverse("participants:teams"), {"membership": a.pk, "grant": "1"})
    assert response.status_code == 302
    assert theirs in participants_for_user(a.user)
    assert theirs not in participants_for_user(UserFactory(role=Role.KEY_WORKER))


def test_references_are_not_sequential(programme):
    refs = [ParticipantFactory(programme=programme).reference for _ in range(5)]
    assert len(set(refs)) == 5
    assert all(r.startswith("P-") and not r[2:].isdigit() for r in refs)
    assert not any(ch in r[2:] for r in refs for ch in "01OIL")


def test_caseload_filters_and_unassigned_for_coordinator(login, key_worker, coordinator, programme):
    a = ParticipantFactory(programme=programme, key_worker=key_worker, readiness="job_ready", barriers=["transport"])
    b = ParticipantFactory(programme=programme, key_worker=key_worker, readiness="not_ready", barriers=["debt"])
    c = ParticipantFactory(programme=programme, key_worker=None)
    assert list(caseload_for_user(key_worker, filters={"readiness": "job_ready"})) == [a]
    assert list(caseload_for_user(key_worker, filters={"barrier": "debt"})) == [b]
    assert list(caseload_for_user(coordinator, filters={"key_worker": "unassigned"})) == [c]
    page = login(key_worker).get(reverse("participants:caseload"), {"readiness": "job_ready"}).content.decode()
    assert a.reference in page and b.reference not in page


def test_coordinator_assigns_a_participant(login, coordinator, key_worker, programme):
    unassigned = ParticipantFactory(programme=programme, key_worker=None)
    assert unassigned not in participants_for_user(key_worker)
    response = login(coordinator).post(
        reverse("participants:assign", args=[unassigned.reference]), {"key_worker": key_worker.pk}
    )
    assert response.status_code == 302
    assert unassigned in participants_for_user(key_worker)


def test_key_worker_cannot_assign(login, key_worker, participant):
    assert login(key_worker).get(reverse("participants:assign", args=[participant.reference])).status_code == 403


def test_withdrawn_consent_not_in_shareable(participant):
    from brokerage.participants.selectors import shareable_participants

    ConsentFactory(participant=participant)
    assert Consent.objects.filter(scope=ConsentScope.EMPLOYER_PROFILE).count() == 1
    # Flags are kept by services; a factory-made consent alone does not share anything.
    assert not shareable_participants().filter(pk=participant.pk).exists()
    assert tees_programme() == participant.programme
