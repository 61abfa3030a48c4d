import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.models import (
    ActionStatus,
    EligibilityStatus,
    Participant,
    Readiness,
    ReadinessChange,
)
from brokerage.participants.selectors import assessment_is_late, caseload_for_user, json_list_has
from brokerage.participants.services import (
    action_add,
    action_set_status,
    assessment_record,
    consent_record,
    readiness_set,
)
from tests.factories.participants import ActionItemFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _assess(participant, actor, **overrides):
    data = dict(assessed_on=timezone.localdate(), barriers=["childcare", "confidence"], skills=["Cleaning"],
                licences=["cscs"], sector_interests=["construction"], hours_min=16, hours_max=30,
                max_travel_miles=8, readiness=Readiness.GETTING_READY)
    data.update(overrides)
    return assessment_record(participant=participant, actor=actor, **data)


def test_assessment_due_two_weeks_after_referral_and_flagged_when_late(login, key_worker, programme):
    today = timezone.localdate()
    on_time = ParticipantFactory(
        programme=programme, key_worker=key_worker, referred_on=today - datetime.timedelta(days=14)
    )
    late = ParticipantFactory(
        programme=programme, key_worker=key_worker, referred_on=today - datetime.timedelta(days=15)
    )
    assert on_time.assessment_due_on == today and not assessment_is_late(on_time)
    assert assessment_is_late(late)
    page = login(key_worker).get(reverse("participants:caseload")).content.decode()
    assert page.count("Assessment overdue") == 1
    detail = login(key_worker).get(reverse("participants:detail", args=[late.reference])).content.decode()
    assert "Overdue" in detail
    _assess(late, key_worker)
    late.refresh_from_db()
    assert not assessment_is_late(late)


def test_latest_assessment_is_copied_onto_the_participant_for_matching(key_worker, participant):
    _assess(participant, key_worker, assessed_on=timezone.localdate() - datetime.timedelta(days=1))
    participant.refresh_from_db()
    assert participant.barriers == ["childcare", "confidence"]
    assert participant.skills == ["cleaning"]
    assert participant.licences == ["cscs"]
    assert participant.readiness == Readiness.GETTING_READY
    assert participant.readiness_changed_on == timezone.localdate() - datetime.timedelta(days=1)
    assert Participant.objects.filter(json_list_has("licences", "cscs")).count() == 1
    assert Participant.objects.filter(json_list_has("barriers", "child")).count() == 0  # whole values only


def test_assessment_bad_input(login, key_worker, participant):
    response = login(key_worker).post(
        reverse("participants:assessment", args=[participant.reference]),
        {
            "assessed_on_day": "1",
            "assessed_on_month": "1",
            "assessed_on_year": "2099",
            "hours_min": "30",
            "hours_max": "10",
        },
    )
    page = response.content.decode()
    assert "The assessment date must be today or in the past" in page
    assert "The most hours a week must be at least the fewest hours" in page
    assert "Choose how ready for work the person is" in page
    assert participant.assessments.count() == 0


def test_ineligible_people_cannot_be_assessed(key_worker, participant):
    participant.eligibility_status = EligibilityStatus.NOT_ELIGIBLE
    participant.save()
    with pytest.raises(ValidationError, match="eligibility"):
        _assess(participant, key_worker)


def test_job_ready_needs_assessment_and_consent_and_records_the_date(key_worker, participant):
    with pytest.raises(ValidationError, match="assessment"):
        readiness_set(participant=participant, actor=key_worker, readiness=Readiness.JOB_READY)
    _assess(participant, key_worker, assessed_on=timezone.localdate() - datetime.timedelta(days=2))
    participant.refresh_from_db()
    with pytest.raises(ValidationError, match="consent"):
        readiness_set(participant=participant, actor=key_worker, readiness=Readiness.JOB_READY)
    consent_record(participant=participant, actor=key_worker, scopes=["employer_profile"],
                   given_on=timezone.localdate(), method="in_person")
    participant = readiness_set(participant=participant, actor=key_worker, readiness=Readiness.JOB_READY)
    assert participant.readiness == Readiness.JOB_READY
    assert participant.readiness_changed_on == timezone.localdate()
    change = ReadinessChange.objects.filter(participant=participant).first()
    assert change.from_readiness == Readiness.GETTING_READY and change.to_readiness == Readiness.JOB_READY


def test_action_plan_goals_and_overdue_filter(login, key_worker, participant, programme):
    today = timezone.localdate()
    action = action_add(
        participant=participant,
        actor=key_worker,
        kind="barrier",
        barrier="childcare",
        description="Apply for a nursery place at Little Stars",
        due_on=today - datetime.timedelta(days=1),
    )
    other = ParticipantFactory(programme=programme, key_worker=key_worker)
    ActionItemFactory(participant=other)
    overdue = caseload_for_user(key_worker, filters={"overdue": True})
    assert list(overdue) == [participant]
    action_set_status(action=action, actor=key_worker, status=ActionStatus.DONE)
    action.refresh_from_db()
    assert action.completed_on == today
    assert list(caseload_for_user(key_worker, filters={"overdue": True})) == []


def test_action_plan_page(login, key_worker, participant):
    client = login(key_worker)
    url = reverse("participants:plan", args=[participant.reference])
    response = client.post(
        url,
        {
            "form": "action",
            "kind": "barrier",
            "description": "Get a bus pass",
            "due_on_day": "1",
            "due_on_month": "1",
            "due_on_year": "2030",
        },
    )
    assert "Choose the barrier this action tackles" in response.content.decode()
    client.post(
        url,
        {
            "form": "action",
            "kind": "goal",
            "description": "Apply for 3 jobs a week",
            "measure": "3 applications logged",
            "due_on_day": "1",
            "due_on_month": "1",
            "due_on_year": "2030",
        },
    )
    action = participant.actions.get()
    client.post(
        reverse("participants:action_status", args=[participant.reference, action.pk]),
        {"status": "in_progress"},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    page = client.get(url).content.decode()
    assert "Apply for 3 jobs a week" in page and "3 applications logged" in page
