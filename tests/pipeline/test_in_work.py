"""Progression within 26 weeks, in-work support within 12 months, leavers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.pipeline.models import OutcomeKind, OutcomeRecord, Progression, SupportContact
from brokerage.pipeline.services.in_work import progression_record, support_contact_record
from brokerage.pipeline.services.placements import placement_leave
from portal.core.exceptions import IllegalTransition


def test_progression_is_recorded_once_as_an_outcome(started, key_worker):
    today = timezone.localdate()
    progression = progression_record(
        actor=key_worker,
        placement=started,
        kind="training",
        occurred_on=today,
        details="Forklift licence",
        evidence="Certificate seen",
    )
    outcome = OutcomeRecord.objects.get(progression=progression)
    assert outcome.kind == OutcomeKind.PROGRESSION and outcome.occurred_on == today


def test_progression_after_26_weeks_is_refused(started, key_worker, time_machine):
    too_late = started.start_date + datetime.timedelta(days=183)
    time_machine.move_to(
        datetime.datetime.combine(too_late, datetime.time(12), tzinfo=datetime.UTC)
    )
    with pytest.raises(ValidationError) as exc:
        progression_record(
            actor=key_worker,
            placement=started,
            kind="more_hours",
            occurred_on=too_late,
            details="Up to 40 hours",
            evidence="New contract",
        )
    assert "within 26 weeks" in exc.value.message_dict["occurred_on"][0]
    assert not Progression.objects.exists()


def test_progression_form_shows_errors(login, started, key_worker):
    response = login(key_worker).post(
        reverse("pipeline:progression", args=[started.pk]), {"kind": "promotion"}
    )
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the date of the progression" in body
    assert not Progression.objects.exists()


def test_support_contact_within_12_months(started, key_worker, login, time_machine):
    support_contact_record(
        actor=key_worker,
        placement=started,
        happened_on=timezone.localdate(),
        with_whom="both",
        method="site_visit",
        issues="Shift pattern",
        actions="Talk to manager",
    )
    later = started.start_date + datetime.timedelta(days=400)
    time_machine.move_to(datetime.datetime.combine(later, datetime.time(12), tzinfo=datetime.UTC))
    with pytest.raises(ValidationError, match="12 months"):
        support_contact_record(
            actor=key_worker,
            placement=started,
            happened_on=started.start_date + datetime.timedelta(days=400),
            with_whom="participant",
            method="phone",
            issues="x",
        )
    assert SupportContact.objects.count() == 1
    body = login(key_worker).get(reverse("pipeline:placement", args=[started.pk])).content.decode()
    assert "Shift pattern" in body


def test_key_worker_records_a_leaver(started, key_worker):
    with pytest.raises(ValidationError) as exc:
        placement_leave(actor=key_worker, placement=started, left_on=None, reason="")
    assert set(exc.value.message_dict) == {"left_on", "reason"}
    placement_leave(
        actor=key_worker, placement=started, left_on=timezone.localdate(), reason="Dismissed"
    )
    assert OutcomeRecord.objects.filter(placement=started, kind=OutcomeKind.LEAVER).count() == 1
    with pytest.raises(IllegalTransition):
        placement_leave(
            actor=key_worker, placement=started, left_on=timezone.localdate(), reason="Again"
        )
