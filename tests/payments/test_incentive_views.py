"""Incentive pages: who may see them, and what a person sees."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brokerage.audit.models import AuditEvent
from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import (
    ClaimStatus,
    ClawbackReason,
    IncentiveClawback,
    IncentiveEmployerBlock,
    RunStatus,
)
from portal.accounts.roles import Role
from portal.core.templatetags.portal_tags import pence
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.reference import UserFactory
from tests.payments.incentive_helpers import (
    checkpoint_met,
    days_ago,
    paid_claim,
    start_create,
    world,
)

pytestmark = pytest.mark.django_db


def _ready(w):
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    return claim


def test_url_names():
    assert reverse("payments:employer_incentives") == "/employer/incentives/"
    assert reverse("payments:incentive_runs") == "/payments/runs/"


def test_the_employer_sees_only_their_own_claims_in_plain_english(client):
    w = world()
    claim = _ready(w)
    other = EmployerFactory(name="Other Works Ltd")
    start = start_create(programme=w.programme, employer=other, start_date=days_ago(40))
    incentives.incentive_claim_for_placement(placement=start)
    client.force_login(w.employer_user)
    response = client.get("/employer/incentives/")
    body = response.content.decode()
    assert response.status_code == 200
    assert claim.reference in body and "Waiting for the 26-week check" not in body
    assert "Due on" in body and "Other Works" not in body

    stranger = EmployerMembershipFactory(employer=EmployerFactory(), user=UserFactory(role=Role.EMPLOYER)).user
    client.force_login(stranger)
    body = client.get("/employer/incentives/").content.decode()
    assert claim.reference not in body and "You have no incentive claims yet" in body


def test_only_finance_sees_runs_and_claims(client):
    w = world()
    claim = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    for role in (Role.EMPLOYER, Role.KEY_WORKER):
        client.force_login(UserFactory(role=role))
        assert client.get("/payments/runs/").status_code == 403
        assert client.get(f"/payments/runs/{run.pk}/").status_code == 403
        assert client.get(f"/payments/incentives/{claim.pk}/").status_code == 403
    client.force_login(w.proposer)
    assert client.get("/payments/runs/").status_code == 200
    assert client.get("/payments/runs/999999/").status_code == 404


def test_the_proposer_is_told_why_they_cannot_approve(client):
    w = world()
    _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    client.force_login(w.proposer)
    page = client.get(f"/payments/runs/{run.pk}/").content.decode()
    assert "You proposed this run, so another finance officer must approve it." in page
    assert "Approve and pay" not in page
    response = client.post(f"/payments/runs/{run.pk}/approve/")
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED


def test_a_claim_command_without_a_reason_shows_errors_and_saves_nothing(client):
    w = world()
    claim = _ready(w)
    client.force_login(w.proposer)
    response = client.post(f"/payments/incentives/{claim.pk}/", {"action": "pause", "reason": "", "reference": ""})
    body = response.content.decode()
    assert response.status_code == 400 and "Enter the reason" in body and "Enter a reference" in body
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE and claim.commands.count() == 0
    response = client.post(f"/payments/incentives/{claim.pk}/",
                           {"action": "pause", "reason": "Employer query", "reference": "CASE-1"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAUSED


def test_approving_needs_the_total_the_approver_saw_and_refuses_a_stale_one(client):
    w = world()
    _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    client.force_login(w.approver)
    url = f"/payments/runs/{run.pk}/approve/"
    assert reverse("payments:incentive_run_approve", args=[run.pk]) == url
    page = client.get(f"/payments/runs/{run.pk}/").content.decode()
    assert f'name="total_pence" value="{run.total_pence}"' in page

    missing = client.post(url)
    assert missing.status_code == 400
    assert "after checking its total" in missing.content.decode()
    stale = client.post(url, {"total_pence": run.total_pence - 1})
    assert stale.status_code == 400
    assert "changed since you opened it" in stale.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED


def test_finance_claws_back_a_paid_stage_from_the_claim_page(client, stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    _, claim = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    payment = claim.payments.get(checkpoint_measure="job_starts_4w")
    client.force_login(w.approver)
    page = client.get(f"/payments/incentives/{claim.pk}/").content.decode()
    url = reverse("payments:incentive_payment_reverse", args=[payment.pk])
    assert f'href="{url}"' in page, "each paid stage offers a clawback"

    refused = client.post(url, {"reason": "", "reference": ""})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Enter the reason" in body and "Enter a reference" in body
    assert not IncentiveClawback.objects.exists()

    done = client.post(url, {"reason": "Payslips show they left in week 2", "reference": "AUD-3"}, follow=True)
    body = done.content.decode()
    clawback = IncentiveClawback.objects.get()
    assert clawback.payment == payment and clawback.reason == ClawbackReason.CHECKPOINT_REVERSED
    assert "A clawback of £" in body and f"Recover {pence(payment.amount_pence)}" in body
    assert f'href="{url}"' not in body, "a payment is clawed back once"
    again = client.post(url, {"reason": "Again", "reference": "AUD-4"})
    assert "There is already a clawback for this payment" in again.content.decode()
    assert IncentiveClawback.objects.count() == 1


def test_only_finance_can_claw_back_or_block(client, stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    _, claim = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    payment = claim.payments.first()
    for role in (Role.EMPLOYER, Role.KEY_WORKER):
        client.force_login(UserFactory(role=role))
        assert client.post(reverse("payments:incentive_payment_reverse", args=[payment.pk]),
                           {"reason": "x", "reference": "y"}).status_code == 403
        assert client.post(reverse("payments:incentive_employer_block", args=[w.employer.pk]),
                           {"intent": "block", "reason": "x", "reference": "y"}).status_code == 403
    assert not IncentiveClawback.objects.exists() and not IncentiveEmployerBlock.objects.exists()


def test_finance_blocks_an_employer_and_no_payment_passes_until_lifted(client):
    w = world()
    claim = _ready(w)
    client.force_login(w.proposer)
    url = reverse("payments:incentive_employer_block", args=[w.employer.pk])
    assert f'href="{url}"' in client.get(f"/payments/incentives/{claim.pk}/").content.decode()
    assert "Payments are not blocked" in client.get(url).content.decode()

    assert client.post(url, {"intent": "block", "reason": "Fraud referral", "reference": ""}).status_code == 400
    assert not IncentiveEmployerBlock.objects.exists()
    body = client.post(url, {"intent": "block", "reason": "Fraud referral", "reference": "FR-12"},
                       follow=True).content.decode()
    assert "Incentive payments to Tees Components Ltd are blocked" in body
    assert "Payments are blocked since" in body and "FR-12" in body
    assert "Payments blocked" in client.get(f"/payments/incentives/{claim.pk}/").content.decode()
    # A blocked employer's payment does not pass the run's checks, so there is no run to make.
    with pytest.raises(ValidationError, match="no payments due that pass their checks"):
        incentives.payment_run_propose(actor=w.proposer)

    # A second tab still showing "Block payments" never lifts the block it does not know about.
    stale = client.post(url, {"intent": "block", "reason": "Again", "reference": "FR-13"}, follow=True)
    assert "Someone has just blocked payments" in stale.content.decode()
    assert IncentiveEmployerBlock.objects.filter(lifted_at__isnull=True).count() == 1

    assert client.post(url, {"intent": "lift", "reason": ""}).status_code == 400
    body = client.post(url, {"intent": "lift", "reason": "Referral closed with no finding"},
                       follow=True).content.decode()
    assert "are no longer blocked" in body and "Lifted on" in body and "Referral closed with no finding" in body
    block = IncentiveEmployerBlock.objects.get()
    assert block.lifted_by == w.proposer
    assert AuditEvent.objects.filter(action__in=["payments.incentive_employer_blocked",
                                                 "payments.incentive_employer_unblocked"]).count() == 2
