"""Payment runs: an empty run is never made, and cancelling a run asks first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.tasks import incentive_run_propose_task
from brokerage.payments.models import IncentivePayment, PaymentRun, PaymentStatus, RunStatus
from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world

pytestmark = pytest.mark.django_db


def _ready(w):
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    return claim


def test_a_run_with_nothing_in_it_is_refused_and_nothing_is_kept(client):
    w = world()
    with pytest.raises(ValidationError, match="no payments due that pass their checks"):
        incentives.payment_run_propose(actor=w.proposer)
    assert not PaymentRun.objects.exists()
    assert incentive_run_propose_task() == 0  # the weekly task makes no empty run either
    assert not PaymentRun.objects.exists()

    client.force_login(w.proposer)
    response = client.post(reverse("payments:incentive_run_propose"), follow=True)
    assert "no payments due that pass their checks" in response.content.decode()
    assert not PaymentRun.objects.exists()


def test_cancelling_a_run_asks_first_then_puts_its_payments_back(client):
    w = world()
    _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    assert run.payments.exists()
    client.force_login(w.proposer)
    url = reverse("payments:incentive_run_cancel", args=[run.pk])

    for response in (client.get(url), client.post(url)):  # the run page's button asks first
        body = response.content.decode()
        assert response.status_code == 200
        assert f"Cancel payment run {run.reference}?" in body and "Yes, cancel this run" in body
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED

    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert IncentivePayment.objects.filter(status=PaymentStatus.DUE, run=None).exists()
