import datetime

import factory
from django.utils import timezone

from brokerage.enquiries.models import (
    ContactMethod,
    Enquiry,
    EnquiryItem,
    EnquiryType,
    ItemStatus,
    RoutingRule,
)
from brokerage.reference.choices import Sector, SizeBand
from brokerage.reference.dates import response_deadline
from tests.factories.reference import PartnerFactory


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    partner = factory.SubFactory(PartnerFactory)
    enquiry_type = ""
    active = True


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: f"ENQ-T{n:05d}")
    types = factory.LazyFunction(lambda: [EnquiryType.VACANCY.value])
    organisation_name = factory.Faker("company")
    postcode = "TS18 1AA"
    size_band = SizeBand.SMALL
    sector = Sector.LOGISTICS
    contact_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@firm{n}.co.uk")
    phone = "01642 000000"
    preferred_contact = ContactMethod.EMAIL


class EnquiryItemFactory(factory.django.DjangoModelFactory):
    """EnquiryItemFactory(partner=p, routed_at=..., first_response_at=...)"""

    class Meta:
        model = EnquiryItem

    enquiry = factory.SubFactory(EnquiryFactory)
    partner = factory.SubFactory(PartnerFactory)
    types = factory.LazyAttribute(lambda o: list(o.enquiry.types))
    status = ItemStatus.NEW
    routing_reason = "Routed in a test"
    routed_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(lambda o: response_deadline(o.routed_at))


def responded_item(partner, *, hours: float, days_ago: int = 30) -> EnquiryItem:
    """A past item the partner answered ``hours`` after it arrived."""
    routed = timezone.now() - datetime.timedelta(days=days_ago)
    return EnquiryItemFactory(
        partner=partner,
        routed_at=routed,
        first_response_at=routed + datetime.timedelta(hours=hours),
        status=ItemStatus.CLOSED,
        closed_at=routed + datetime.timedelta(hours=hours + 1),
    )
