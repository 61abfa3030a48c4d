from decimal import Decimal

import factory

from brokerage.pipeline.models import (
    CheckpointKind,
    CheckpointRule,
    MentorProfile,
    Proposal,
    ProposalStatus,
    RouteWay,
)
from brokerage.reference.choices import Sector
from brokerage.reference.models import Measure
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory


class CheckpointRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckpointRule

    name = "Job start sustained 4 weeks"
    kind = CheckpointKind.SUSTAINMENT
    offset_days = 28
    min_hours = Decimal("16")
    counts_as = Measure.JOB_STARTS_4W


def standard_rules(programme) -> list[CheckpointRule]:
    """4, 13 and 26 weeks at 16+ hours, and reviews at 3, 6, 9 and 12 months."""
    rules = [
        CheckpointRuleFactory(programme=programme, order=1),
        CheckpointRuleFactory(programme=programme, name="Sustained 13 weeks", offset_days=91,
                              counts_as=Measure.SUSTAINED_13W, order=2),
        CheckpointRuleFactory(programme=programme, name="Sustained 26 weeks", offset_days=182,
                              counts_as=Measure.SUSTAINED_26W, order=3),
    ]
    for months in (3, 6, 9, 12):
        rules.append(CheckpointRuleFactory(
            programme=programme, name=f"{months}-month review", kind=CheckpointKind.REVIEW, offset_days=0,
            offset_months=months, min_hours=None, counts_as="", order=3 + months,
        ))
    return rules


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    participant = factory.SubFactory(ParticipantFactory, consent_employer_profile=True)
    opportunity = factory.SubFactory(OpportunityFactory, status="live")
    note = "Reliable, keen and has warehouse experience."
    share_details_at_interview = True
    status = ProposalStatus.PROPOSED
    proposed_by = factory.LazyAttribute(lambda o: o.participant.key_worker)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    employer = factory.SubFactory(EmployerFactory)
    sectors = factory.LazyFunction(lambda: [Sector.LOGISTICS])
    about = "Operations manager; I recruit warehouse staff every month."
    trained_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 1, 15))


class RouteWayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RouteWay

    name = "Warehouse route-way"
    opportunity = factory.SubFactory(OpportunityFactory, status="live")
    hours = 15
