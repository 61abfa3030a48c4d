"""Index sync after commit, removal at once, and the digest email (safe to run twice)."""

import pytest
from django.core import mail

from brokerage.opportunities import services as opportunity_services
from brokerage.participants import services as participant_services
from search import tasks
from search.indexing import OPPORTUNITY, PARTICIPANT
from search.models import MatchDigestSent
from tests.factories.participants import ConsentFactory


class RecordingBackend:
    name = "recording"

    def __init__(self):
        self.calls = []

    def index(self, label, obj):
        self.calls.append(("index", label, obj.pk))

    def remove(self, label, pk):
        self.calls.append(("remove", label, pk))


@pytest.fixture
def recorder(monkeypatch):
    backend = RecordingBackend()
    monkeypatch.setattr("search.signals.get_backend", lambda: backend)
    monkeypatch.setattr("search.tasks.get_backend", lambda: backend)
    return backend


def test_new_live_opportunity_is_indexed_after_commit(recorder, make_opportunity, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opp = make_opportunity()
    assert ("index", OPPORTUNITY, opp.pk) in recorder.calls


def test_update_reindexes(recorder, make_opportunity, django_capture_on_commit_callbacks):
    opp = make_opportunity()
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        opp.title = "New title"
        opp.save()
    assert recorder.calls == [("index", OPPORTUNITY, opp.pk)]


@pytest.mark.parametrize("how", ["close", "fill", "withdraw"])
def test_closing_filling_or_withdrawing_removes_at_once(
    how, recorder, make_opportunity, make_user, django_capture_on_commit_callbacks
):
    from brokerage.employers.models import EmployerMembership
    from portal.accounts.roles import Role

    opp = make_opportunity(places=1)
    owner = make_user(Role.EMPLOYER)
    EmployerMembership.objects.create(employer=opp.employer, user=owner, role="admin")
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if how == "close":
            opportunity_services.opportunity_close(actor=owner, opportunity=opp)
        elif how == "fill":
            opportunity_services.opportunity_places_fill(
                actor=owner, opportunity=opp, places_filled=1
            )
        else:
            opportunity_services.opportunity_withdraw(actor=owner, opportunity=opp)
    assert ("remove", OPPORTUNITY, opp.pk) in recorder.calls
    assert ("index", OPPORTUNITY, opp.pk) not in recorder.calls


def test_consent_withdrawal_removes_participant(recorder, make_participant, django_capture_on_commit_callbacks):
    person = make_participant()
    consent = ConsentFactory(participant=person)
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.consent_withdraw(consent=consent, actor=person.key_worker)
    assert ("remove", PARTICIPANT, person.pk) in recorder.calls
    assert ("index", PARTICIPANT, person.pk) not in recorder.calls


def test_sync_task_is_safe_to_run_twice(recorder, make_opportunity):
    opp = make_opportunity()
    assert tasks.index_sync(OPPORTUNITY, opp.pk) == "indexed"
    assert tasks.index_sync(OPPORTUNITY, opp.pk) == "indexed"
    assert tasks.index_sync(OPPORTUNITY, 999999) == "removed"


def test_digest_emails_each_key_worker_once(
    make_participant, make_opportunity, django_capture_on_commit_callbacks
):
    person = make_participant(skills=["forklift"], sector_interests=["logistics"])
    make_participant(consent_employer_profile=False)
    opp = make_opportunity(essential_skills=["forklift"], sector="logistics")
    with django_capture_on_commit_callbacks(execute=True):  # emails go once committed
        assert tasks.match_digest_task() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [person.key_worker.email]
    assert opp.title in message.body
    assert f"/opportunities/{opp.pk}/candidates/" in message.body
    assert tasks.match_digest_task() == 0
    assert len(mail.outbox) == 1
    assert MatchDigestSent.objects.count() == 1


def test_rebuild_index_command_runs(make_opportunity, make_participant):
    from io import StringIO

    from django.core.management import call_command

    make_opportunity()
    make_participant()
    out = StringIO()
    call_command("rebuild_index", stdout=out, stderr=StringIO())
    assert "opportunities.opportunity: 1 indexed" in out.getvalue()
    assert "participants.participant: 1 indexed" in out.getvalue()
