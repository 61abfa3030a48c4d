"""Checkpoints: scheduled from rules, confirmed once, reminders sent once, missed flagged,
outcome records written once and never changed."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.pipeline.models import (
    CheckpointNotice,
    CheckpointStatus,
    ConfirmedVia,
    ImmutableRecord,
    OutcomeKind,
    OutcomeRecord,
    PlacementStatus,
)
from brokerage.pipeline.services.links import (
    LinkProblem,
    checkpoint_confirm_from_link,
    checkpoint_link_create,
    checkpoint_link_resend,
    checkpoint_link_resolve,
)
from brokerage.pipeline.services.notices import checkpoint_notices_send
from brokerage.pipeline.services.placements import checkpoint_confirm, placement_start
from brokerage.reference.models import Measure
from portal.core.exceptions import IllegalTransition

D = datetime.date


def four_weeks(placement):
    return placement.checkpoints.get(counts_as=Measure.JOB_STARTS_4W)


def test_checkpoints_are_scheduled_from_the_programmes_rules(started):
    start = started.start_date
    due = {c.name: c.due_on for c in started.checkpoints.all()}
    assert due["Job start sustained 4 weeks"] == start + datetime.timedelta(days=28)
    assert due["Sustained 26 weeks"] == start + datetime.timedelta(days=182)
    assert len(due) == 7
    assert OutcomeRecord.objects.filter(kind=OutcomeKind.START, placement=started).count() == 1


def test_month_end_start_schedules_reviews_on_month_ends(
    proposal, key_worker, employer_user, rules
):
    from tests.pipeline.conftest import advance

    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    with time_machine.travel(datetime.datetime(2028, 1, 5, 12, tzinfo=datetime.UTC)):
        placement = placement_start(
            actor=key_worker,
            proposal=proposal,
            job_title="Picker",
            start_date=D(2027, 11, 30),
            hours_per_week=Decimal("20"),
            contract_type="permanent",
        )
    reviews = dict(placement.checkpoints.filter(kind="review").values_list("name", "due_on"))
    assert reviews["3-month review"] == D(2028, 2, 29)  # leap year
    assert reviews["6-month review"] == D(2028, 5, 30)
    assert reviews["12-month review"] == D(2028, 11, 30)


def test_employer_confirms_met_with_enough_hours(started, employer_user):
    checkpoint = four_weeks(started)
    checkpoint_confirm(
        actor=employer_user,
        checkpoint=checkpoint,
        still_employed=True,
        hours_per_week=Decimal("30"),
        via=ConfirmedVia.EMPLOYER_DASHBOARD,
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.MET
    outcome = OutcomeRecord.objects.get(checkpoint=checkpoint)
    assert (outcome.kind, outcome.measure, outcome.occurred_on) == (
        OutcomeKind.CHECKPOINT_MET, Measure.JOB_STARTS_4W, checkpoint.due_on)
    assert outcome.area == started.participant.area and outcome.employer == started.employer
    with pytest.raises(IllegalTransition, match="already been recorded"):
        checkpoint_confirm(
            actor=employer_user,
            checkpoint=checkpoint,
            still_employed=True,
            hours_per_week=Decimal("30"),
            via=ConfirmedVia.EMPLOYER_DASHBOARD,
        )
    assert OutcomeRecord.objects.filter(checkpoint=checkpoint).count() == 1


def test_fewer_than_16_hours_does_not_count(started, employer_user):
    checkpoint = four_weeks(started)
    checkpoint_confirm(
        actor=employer_user,
        checkpoint=checkpoint,
        still_employed=True,
        hours_per_week=Decimal("12"),
        via=ConfirmedVia.EMPLOYER_DASHBOARD,
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.NOT_MET
    assert OutcomeRecord.objects.get(checkpoint=checkpoint).kind == OutcomeKind.CHECKPOINT_MISSED


def test_cannot_confirm_before_the_due_date(started, employer_user):
    later = started.checkpoints.get(name="Sustained 13 weeks")
    with pytest.raises(IllegalTransition, match="You can confirm this from"):
        checkpoint_confirm(
            actor=employer_user,
            checkpoint=later,
            still_employed=True,
            hours_per_week=Decimal("30"),
            via=ConfirmedVia.EMPLOYER_DASHBOARD,
        )


def test_employer_reports_a_leaver_and_later_checkpoints_are_cancelled(started, employer_user):
    checkpoint = four_weeks(started)
    left = timezone.localdate() - datetime.timedelta(days=1)
    checkpoint_confirm(
        actor=employer_user,
        checkpoint=checkpoint,
        still_employed=False,
        left_on=left,
        leaving_reason="Moved away",
        via=ConfirmedVia.EMPLOYER_DASHBOARD,
    )
    started.refresh_from_db()
    assert started.status == PlacementStatus.LEFT and started.left_on == left
    assert not started.checkpoints.filter(status=CheckpointStatus.SCHEDULED).exists()
    assert (
        OutcomeRecord.objects.filter(
            kind=OutcomeKind.LEAVER, placement=started, occurred_on=left
        ).count()
        == 1
    )


def test_key_worker_records_evidence_instead(started, key_worker):
    checkpoint = four_weeks(started)
    with pytest.raises(ValidationError) as exc:
        checkpoint_confirm(
            actor=key_worker,
            checkpoint=checkpoint,
            still_employed=True,
            hours_per_week=Decimal("37.5"),
            via=ConfirmedVia.KEY_WORKER_EVIDENCE,
        )
    assert "evidence" in exc.value.message_dict
    checkpoint_confirm(
        actor=key_worker,
        checkpoint=checkpoint,
        still_employed=True,
        hours_per_week=Decimal("37.5"),
        evidence="Payslip dated 28 days after start",
        via=ConfirmedVia.KEY_WORKER_EVIDENCE,
    )
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.MET and checkpoint.confirmed_by == key_worker


def test_another_employer_cannot_confirm(started):
    from tests.factories.employers import EmployerMembershipFactory

    other = EmployerMembershipFactory().user
    with pytest.raises(ValidationError, match="cannot confirm"):
        checkpoint_confirm(
            actor=other,
            checkpoint=four_weeks(started),
            still_employed=True,
            hours_per_week=Decimal("30"),
            via=ConfirmedVia.EMPLOYER_DASHBOARD,
        )


def test_outcome_records_are_immutable(started):
    record = OutcomeRecord.objects.get(placement=started, kind=OutcomeKind.START)
    record.hours_per_week = Decimal("1")
    with pytest.raises(ImmutableRecord):
        record.save()
    with pytest.raises(ImmutableRecord):
        record.delete()
    with pytest.raises(ImmutableRecord):
        OutcomeRecord.objects.filter(pk=record.pk).update(hours_per_week=1)
    with pytest.raises(ImmutableRecord):
        OutcomeRecord.objects.all().delete()


# --- reminders, confirmation requests and missed checkpoints ------------------------------------


def test_reminders_run_twice_send_once(started, django_capture_on_commit_callbacks):
    checkpoint = four_weeks(started)
    with django_capture_on_commit_callbacks(execute=True):
        first = checkpoint_notices_send(today=checkpoint.remind_on)
    with django_capture_on_commit_callbacks(execute=True):
        second = checkpoint_notices_send(today=checkpoint.remind_on)
    assert first.reminders == 2 and second.reminders == 0  # key worker and employer
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(
        [started.participant.key_worker.email, "priya@teescomponents.co.uk"]
    )
    assert CheckpointNotice.objects.filter(checkpoint=checkpoint, kind="reminder").count() == 2


def test_confirmation_link_is_sent_on_the_due_date_once(
    started, django_capture_on_commit_callbacks
):
    checkpoint = four_weeks(started)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint_notices_send(today=checkpoint.due_on)
    links = [m for m in mail.outbox if "/checkpoints/confirm/" in m.body]
    assert len(links) == 1 and links[0].to == ["priya@teescomponents.co.uk"]


def test_unconfirmed_checkpoint_is_missed_after_the_grace_period(
    started, django_capture_on_commit_callbacks
):
    checkpoint = four_weeks(started)
    day_after = checkpoint.missed_after + datetime.timedelta(days=1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            checkpoint_notices_send(today=day_after)
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.MISSED
    assert (
        OutcomeRecord.objects.filter(
            checkpoint=checkpoint, kind=OutcomeKind.CHECKPOINT_MISSED
        ).count()
        == 1
    )
    missed_mail = [m for m in mail.outbox if m.subject.startswith("Missed:")]
    assert len(missed_mail) == 1 and missed_mail[0].to == [started.participant.key_worker.email]


# --- signed links ---------------------------------------------------------------------------------


def test_signed_link_confirms_once(started):
    checkpoint = four_weeks(started)
    token = checkpoint_link_create(checkpoint=checkpoint, email="priya@teescomponents.co.uk")
    checkpoint_confirm_from_link(token=token, still_employed=True, hours_per_week=Decimal("37.5"))
    checkpoint.refresh_from_db()
    assert (
        checkpoint.status == CheckpointStatus.MET
        and checkpoint.confirmed_via == ConfirmedVia.EMAIL_LINK
    )
    with pytest.raises(LinkProblem) as exc:
        checkpoint_link_resolve(token)
    assert exc.value.reason == "done"


def test_tampered_link_is_refused(started):
    token = checkpoint_link_create(checkpoint=four_weeks(started), email="a@example.org")
    other = started.checkpoints.get(name="Sustained 26 weeks")
    value, _, signature = token.partition(":")
    forged = f"{other.pk}" + token[len(value):]  # swap the checkpoint id, keep the signature
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        with pytest.raises(LinkProblem) as exc:
            checkpoint_link_resolve(bad)
        assert exc.value.reason == "invalid"


def test_link_expires_after_14_days(started):
    checkpoint = four_weeks(started)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=15)):
        token = checkpoint_link_create(checkpoint=checkpoint, email="a@example.org")
    with pytest.raises(LinkProblem) as exc:
        checkpoint_link_resolve(token)
    assert exc.value.reason == "expired"


def test_bad_answer_from_link_saves_nothing_and_keeps_the_link(started):
    checkpoint = four_weeks(started)
    token = checkpoint_link_create(checkpoint=checkpoint, email="a@example.org")
    with pytest.raises(ValidationError):
        checkpoint_confirm_from_link(token=token, still_employed=True, hours_per_week=None)
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.SCHEDULED
    assert checkpoint_link_resolve(token).used_at is None


def test_key_worker_sends_a_new_link_and_old_ones_stop_working(
    login, started, key_worker, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    checkpoint = four_weeks(started)
    old = checkpoint_link_create(checkpoint=checkpoint, email="priya@teescomponents.co.uk")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(key_worker).post(
            reverse("pipeline:checkpoint_resend", args=[checkpoint.pk])
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/checkpoints/confirm/" in mail.outbox[0].body
    with pytest.raises(LinkProblem) as exc:
        checkpoint_link_resolve(old)
    assert exc.value.reason == "replaced"
    later = started.checkpoints.get(name="Sustained 26 weeks")
    with pytest.raises(IllegalTransition):
        checkpoint_link_resend(actor=key_worker, checkpoint=later)
