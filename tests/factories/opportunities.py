import datetime
from decimal import Decimal

import factory

from brokerage.opportunities.models import (
    CandidateRoute,
    Opportunity,
    OpportunityRule,
    OpportunityStatus,
    OpportunityType,
    PayBasis,
)
from brokerage.reference.choices import Sector
from tests.factories.employers import EmployerFactory


def in_days(n: int) -> datetime.date:
    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=n)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A complete vacancy that passes validation (a draft unless status= is given)."""

    class Meta:
        model = Opportunity

    employer = factory.SubFactory(EmployerFactory)
    opportunity_type = OpportunityType.VACANCY
    title = factory.Sequence(lambda n: f"Warehouse operative {n}")
    description = "Picking and packing orders in a busy warehouse."
    sector = Sector.LOGISTICS
    postcode = "TS18 1AA"
    latitude = 54.5653
    longitude = -1.3186
    places = 3
    hours_per_week = Decimal("37.5")
    paid = True
    pay_pence = 1300
    pay_basis = PayBasis.HOUR
    start_date = factory.LazyFunction(lambda: in_days(30))
    closing_date = factory.LazyFunction(lambda: in_days(20))
    candidate_route = CandidateRoute.KEY_WORKER
    status = OpportunityStatus.DRAFT


class OpportunityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityRule

    opportunity_type = OpportunityType.WORK_EXPERIENCE
