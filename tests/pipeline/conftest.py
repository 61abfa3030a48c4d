import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from brokerage.pipeline.services.placements import placement_start
from brokerage.pipeline.services.proposals import (
    interview_book,
    proposal_create,
    proposal_transition,
)
from brokerage.reference.choices import Sector
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import standard_rules
from tests.factories.reference import UserFactory


@pytest.fixture
def programme(db):
    return tees_programme()


@pytest.fixture
def rules(programme):
    return standard_rules(programme)


@pytest.fixture
def key_worker(db, programme):
    user = UserFactory(role=Role.KEY_WORKER)
    user.programmes.add(programme)
    return user


@pytest.fixture
def participant(key_worker, programme):
    return ParticipantFactory(
        key_worker=key_worker, programme=programme, first_name="Jordan", last_name="Reed",
        email="jordan.reed@example.com", phone="07700 900123", consent_employer_profile=True,
        skills=["forklift", "stock control"], sector_interests=[Sector.LOGISTICS],
    )


@pytest.fixture
def employer(db):
    return EmployerFactory(name="Tees Components Ltd")


@pytest.fixture
def employer_user(employer):
    return EmployerMembershipFactory(employer=employer, user=UserFactory(role=Role.EMPLOYER,
                                                                         email="priya@teescomponents.co.uk")).user


@pytest.fixture
def opportunity(employer, programme):
    return OpportunityFactory(
        employer=employer, programme=programme, status="live", title="Warehouse operative", places=3
    )


@pytest.fixture
def proposal(key_worker, participant, opportunity, employer_user):
    return proposal_create(
        actor=key_worker,
        participant=participant,
        opportunity=opportunity,
        note="Two years' warehouse experience.",
        share_details_at_interview=True,
    )


def advance(proposal, *, key_worker, employer_user, to: str):
    """Move a proposal along the happy path up to ``to`` (a status)."""
    order = ["interview_booked", "interviewed", "offered", "accepted"]
    if to not in order:
        raise ValueError(to)
    interview_book(
        actor=employer_user,
        proposal=proposal,
        date=timezone.localdate(),
        time=datetime.time(0, 0),  # earlier today: it has taken place, so it can be recorded
        format="in_person",
        location="Unit 4, Teesside Park",
    )
    steps = {"interviewed": (employer_user, "interviewed"), "offered": (employer_user, "offer"),
             "accepted": (key_worker, "accept")}
    for status in order[1: order.index(to) + 1]:
        actor, action = steps[status]
        proposal_transition(actor=actor, proposal=proposal, action=action)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def started(proposal, key_worker, employer_user, rules):
    """A placement that started 30 days ago, 37.5 hours a week."""
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    return placement_start(
        actor=key_worker,
        proposal=proposal,
        job_title="Warehouse operative",
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        hours_per_week=Decimal("37.5"),
        contract_type="permanent",
        pay_pence=1250,
        pay_basis="hour",
        confirm_before_opportunity_start=True,  # before the opportunity's own start date
    )
