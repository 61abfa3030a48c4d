"""An incentive stage pays only on the checkpoint evidence its scheme accepts (data)."""

import datetime

import pytest

from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.checks import Check
from brokerage.pipeline.models import (
    Checkpoint,
    CheckpointStatus,
    ConfirmedVia,
    OutcomeKind,
    OutcomeRecord,
)
from tests.payments.incentive_helpers import days_ago, start_create, world

pytestmark = pytest.mark.django_db


def _ready_payment(via: str):
    w = world()
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    due = placement.start_date + datetime.timedelta(days=28)
    checkpoint = Checkpoint.objects.create(
        placement=placement, name="Job start sustained 4 weeks", kind="sustainment",
        counts_as="job_starts_4w", due_on=due, remind_on=due, missed_after=due,
        status=CheckpointStatus.MET, still_employed=True, confirmed_via=via,
    )
    OutcomeRecord.objects.create(  # as tests.payments.incentive_helpers.checkpoint_met, linked
        key=f"checkpoint:{placement.pk}:job_starts_4w", kind=OutcomeKind.CHECKPOINT_MET,
        measure="job_starts_4w", participant=placement.participant, programme=placement.programme,
        employer=placement.employer, opportunity=placement.opportunity, placement=placement,
        occurred_on=due, checkpoint=checkpoint,
    )
    incentives.incentive_payments_mark_due()
    return w, claim.payments.get(checkpoint_measure="job_starts_4w")


def _checkpoint_result(payment):
    return next(r for r in incentives.incentive_payment_checks(payment) if r.check == Check.CHECKPOINT)


def test_evidence_the_scheme_does_not_accept_holds_the_payment_with_the_reason():
    w, payment = _ready_payment(ConfirmedVia.PARTICIPANT_TEXT)
    assert _checkpoint_result(payment).passed  # no list on the stage: any evidence
    stage = payment.stage
    stage.accepted_evidence = [ConfirmedVia.EMAIL_LINK, ConfirmedVia.PAYSLIP]
    stage.save()
    payment.refresh_from_db()
    result = _checkpoint_result(payment)
    assert not result.passed
    assert "confirmed participant, replying to a text" in result.detail
    assert "does not accept" in result.detail


def test_evidence_the_scheme_accepts_passes():
    _, payment = _ready_payment(ConfirmedVia.PAYSLIP)
    payment.stage.accepted_evidence = [ConfirmedVia.PAYSLIP]
    payment.stage.save()
    assert _checkpoint_result(payment).passed
