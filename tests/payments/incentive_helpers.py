"""Small builders for incentive tests: a scheme, a start, checkpoints, a payout account."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import (
    IncentiveAgeBand,
    IncentiveScheme,
    IncentiveStage,
    StripeAccount,
    StripeEvent,
)
from brokerage.payments.stripe import webhooks
from brokerage.pipeline.models import OutcomeKind, OutcomeRecord, Placement, ProposalStatus
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import UserFactory

YOUNG_PENCE = 200_000  # aged 18 to 24 at the start
OLDER_PENCE = 150_000  # aged 25 and over


def scheme_create(programme, *, starts_from=datetime.date(2024, 1, 1), starts_until=None, min_hours=16,
                  young=YOUNG_PENCE, older=OLDER_PENCE, **stage_overrides) -> IncentiveScheme:
    """50% after 4 weeks (4-week check), 50% after 26 weeks (26-week check)."""
    scheme = IncentiveScheme.objects.create(
        name="Routes to Work employer incentive", programme=programme, starts_from=starts_from,
        starts_until=starts_until, min_hours=Decimal(min_hours),
    )
    IncentiveAgeBand.objects.create(scheme=scheme, min_age=18, max_age=24, amount_pence=young, sort_order=0)
    IncentiveAgeBand.objects.create(scheme=scheme, min_age=25, max_age=None, amount_pence=older, sort_order=1)
    IncentiveStage.objects.create(scheme=scheme, name="After 4 weeks in work", day_offset=28, share_percent=50,
                                  checkpoint_measure="job_starts_4w", sort_order=0, **stage_overrides)
    IncentiveStage.objects.create(scheme=scheme, name="After 26 weeks in work", day_offset=182,
                                  share_percent=50, checkpoint_measure="sustained_26w", sort_order=1,
                                  **stage_overrides)
    return scheme


def start_create(*, programme, employer, start_date, date_of_birth=datetime.date(1990, 5, 17),
                 hours=Decimal("37.5"), job=True) -> Placement:
    """A placement and its start outcome, as the pipeline's start service records them."""
    participant = ParticipantFactory(programme=programme, date_of_birth=date_of_birth,
                                     consent_employer_profile=True)
    opportunity = OpportunityFactory(employer=employer, programme=programme, status="live")
    proposal = ProposalFactory(participant=participant, opportunity=opportunity, status=ProposalStatus.STARTED)
    placement = Placement.objects.create(
        proposal=proposal, participant=participant, employer=employer, opportunity=opportunity,
        programme=programme, job_title="Warehouse operative", start_date=start_date,
        hours_per_week=hours, contract_type="permanent", created_by=participant.key_worker,
    )
    kind = OutcomeKind.START if job else OutcomeKind.PLACEMENT
    OutcomeRecord.objects.create(
        key=f"{kind}:{placement.pk}", kind=kind, measure="starts", participant=participant,
        programme=programme, employer=employer, opportunity=opportunity, placement=placement,
        occurred_on=start_date, hours_per_week=hours,
    )
    return placement


def checkpoint_met(placement, measure: str) -> OutcomeRecord:
    days = {"job_starts_4w": 28, "sustained_13w": 91, "sustained_26w": 182}[measure]
    return OutcomeRecord.objects.create(
        key=f"checkpoint:{placement.pk}:{measure}", kind=OutcomeKind.CHECKPOINT_MET, measure=measure,
        participant=placement.participant, programme=placement.programme, employer=placement.employer,
        opportunity=placement.opportunity, placement=placement,
        occurred_on=placement.start_date + datetime.timedelta(days=days),
    )


def leaver(placement, left_on) -> OutcomeRecord:
    Placement.objects.filter(pk=placement.pk).update(status="left", left_on=left_on, leaving_reason="Moved away")
    placement.refresh_from_db()
    return OutcomeRecord.objects.create(
        key=f"leaver:{placement.pk}", kind=OutcomeKind.LEAVER, participant=placement.participant,
        programme=placement.programme, employer=placement.employer, opportunity=placement.opportunity,
        placement=placement, occurred_on=left_on,
    )


@dataclass
class World:
    programme: object
    scheme: IncentiveScheme
    employer: object
    employer_user: object
    proposer: object
    approver: object


def world(*, stub=None, verified=True, ready=True) -> World:
    """A programme with a scheme; a verified employer with a payout account (in the stub if given)."""
    programme = tees_programme()
    scheme = scheme_create(programme)
    employer = EmployerFactory(name="Tees Components Ltd", verified=verified)
    employer_user = EmployerMembershipFactory(
        employer=employer, user=UserFactory(role=Role.EMPLOYER, email="priya@teescomponents.co.uk"), role="admin",
    ).user
    if ready is not None:
        account_id = stub.add_account(payouts_enabled=ready, details_submitted=ready, charges_enabled=ready)["id"] \
            if stub is not None else f"acct_{employer.pk:06d}"
        StripeAccount.objects.create(employer=employer, account_id=account_id, payouts_enabled=ready,
                                     details_submitted=ready, charges_enabled=ready)
    return World(
        programme=programme, scheme=scheme, employer=employer, employer_user=employer_user,
        proposer=UserFactory(role=Role.FINANCE_OFFICER, email="sam.finance@example.org"),
        approver=UserFactory(role=Role.FINANCE_OFFICER, email="alex.finance@example.org"),
    )


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def paid_claim(w, stub, capture):
    """A start 200 days ago whose two stages have been paid through a run (Stripe stub ``stub``)."""
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(200))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    checkpoint_met(placement, "sustained_26w")
    run = incentives.payment_run_propose(actor=w.proposer)
    with capture(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    for payment in claim.payments.all():
        webhooks.stripe_event_handle(event_pk=StripeEvent.objects.create(
            event_id=f"evt_{payment.pk}", type="transfer.paid",
            payload={"data": {"object": stub.transfers[payment.transfer_id]}}).pk)
    return placement, claim
