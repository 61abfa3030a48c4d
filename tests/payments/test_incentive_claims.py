"""Schemes as data: a start makes a claim with staged payments, amounts by age band, due dates."""

import datetime
from decimal import Decimal

import pytest

from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.tasks import incentive_claims_sync_task
from brokerage.payments.models import (
    IncentiveClaim,
    IncentivePayment,
    IncentiveStage,
    PaymentStatus,
)
from tests.payments.incentive_helpers import OLDER_PENCE, YOUNG_PENCE, start_create, world

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 3, 3)


def _claim(w, **kwargs):
    placement = start_create(programme=w.programme, employer=w.employer, start_date=START, **kwargs)
    claims = incentives.incentive_claim_for_placement(placement=placement)
    return placement, claims


def test_a_start_makes_a_claim_with_stages_due_at_their_day_offsets():
    w = world()
    _, [claim] = _claim(w)
    payments = list(claim.payments.order_by("due_on"))
    assert [(p.stage_name, p.due_on, p.amount_pence, p.status) for p in payments] == [
        ("After 4 weeks in work", datetime.date(2025, 3, 31), OLDER_PENCE // 2, PaymentStatus.PENDING),
        ("After 26 weeks in work", datetime.date(2025, 9, 1), OLDER_PENCE // 2, PaymentStatus.PENDING),
    ]
    assert [p.checkpoint_measure for p in payments] == ["job_starts_4w", "sustained_26w"]


@pytest.mark.parametrize(
    ("born", "age", "total"),
    [
        (datetime.date(2006, 3, 3), 19, YOUNG_PENCE),  # 19 on the start date
        (datetime.date(2000, 3, 4), 24, YOUNG_PENCE),  # 25 the day after the start: still 24
        (datetime.date(2000, 3, 3), 25, OLDER_PENCE),  # 25th birthday on the start date
        (datetime.date(1970, 1, 1), 55, OLDER_PENCE),
    ],
)
def test_amounts_come_from_the_age_band_at_the_start_date(born, age, total):
    w = world()
    _, [claim] = _claim(w, date_of_birth=born)
    assert (claim.age_at_start, claim.total_pence) == (age, total)
    assert sum(claim.payments.values_list("amount_pence", flat=True)) == total


def test_uneven_shares_still_add_up_to_the_total():
    w = world()
    IncentiveStage.objects.filter(scheme=w.scheme, day_offset=28).update(share_percent=33)
    IncentiveStage.objects.filter(scheme=w.scheme, day_offset=182).update(share_percent=67)
    w.scheme.age_bands.update(amount_pence=100_001)
    _, [claim] = _claim(w)
    amounts = list(claim.payments.order_by("due_on").values_list("amount_pence", flat=True))
    assert amounts == [33_000, 67_001] and sum(amounts) == 100_001


def test_making_the_claim_again_changes_nothing():
    w = world()
    placement, [claim] = _claim(w)
    assert incentives.incentive_claim_for_placement(placement=placement) == [claim]
    assert IncentiveClaim.objects.count() == 1 and IncentivePayment.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "kwargs"),
    [
        ("before_window", {}),
        ("after_window", {}),
        ("inactive", {}),
        ("too_few_hours", {"hours": Decimal("12")}),
        ("no_band", {"date_of_birth": datetime.date(2009, 1, 1)}),  # 16: no band for under-18s
        ("no_birth_date", {"date_of_birth": None}),
        ("unpaid_placement", {"job": False}),
    ],
)
def test_starts_the_scheme_does_not_cover_get_no_claim(change, kwargs):
    w = world()
    if change == "before_window":
        w.scheme.starts_from = START + datetime.timedelta(days=1)
    if change == "after_window":
        w.scheme.starts_until = START - datetime.timedelta(days=1)
        w.scheme.starts_from = START - datetime.timedelta(days=30)
    if change == "inactive":
        w.scheme.active = False
    w.scheme.save()
    _, claims = _claim(w, **kwargs)
    assert claims == [] and IncentiveClaim.objects.count() == 0


def test_the_sync_task_makes_claims_for_starts_without_one():
    w = world()
    placements = [start_create(programme=w.programme, employer=w.employer, start_date=START) for _ in range(2)]
    incentives.incentive_claim_for_placement(placement=placements[0])
    assert incentive_claims_sync_task.delay().get() == 1
    assert IncentiveClaim.objects.filter(placement=placements[1]).exists()
    assert incentive_claims_sync_task.delay().get() == 0  # run again: nothing new
    assert IncentiveClaim.objects.count() == 2


def test_payments_become_due_when_their_day_offset_has_passed():
    w = world()
    _, [claim] = _claim(w)
    incentives.incentive_payments_mark_due(today=datetime.date(2025, 3, 30))
    assert set(claim.payments.values_list("status", flat=True)) == {PaymentStatus.PENDING}
    incentives.incentive_payments_mark_due(today=datetime.date(2025, 3, 31))
    statuses = dict(claim.payments.values_list("stage_name", "status"))
    assert statuses == {"After 4 weeks in work": PaymentStatus.DUE, "After 26 weeks in work": PaymentStatus.PENDING}
