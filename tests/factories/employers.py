import factory
from django.utils import timezone

from brokerage.employers.models import (
    Employer,
    EmployerMembership,
    EmployerSite,
    Interaction,
    InteractionKind,
    MembershipRole,
    PartnerRelationship,
    RelationshipStatus,
)
from brokerage.reference.choices import Sector, SizeBand
from portal.accounts.roles import Role
from tests.factories.reference import PartnerFactory, UserFactory


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Faker("company")
    sector = Sector.MANUFACTURING
    size_band = SizeBand.SMALL
    postcode = "TS18 1AA"
    email_domain = factory.Sequence(lambda n: f"employer{n}.co.uk")


class EmployerMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerMembership

    employer = factory.SubFactory(EmployerFactory)
    user = factory.SubFactory(UserFactory, role=Role.EMPLOYER)
    role = MembershipRole.ADMIN


class EmployerSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerSite

    employer = factory.SubFactory(EmployerFactory)
    name = "Main site"
    postcode = factory.LazyAttribute(lambda o: o.employer.postcode or "TS18 1AA")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    employer = factory.SubFactory(EmployerFactory)
    partner = factory.SubFactory(PartnerFactory)
    kind = InteractionKind.PHONE
    happened_at = factory.LazyFunction(timezone.now)
    summary = "Talked about vacancies."


class PartnerRelationshipFactory(factory.django.DjangoModelFactory):
    """A relationship the employer has accepted (pass status=RelationshipStatus.REQUESTED for a
    request that grants nothing yet)."""

    class Meta:
        model = PartnerRelationship

    partner = factory.SubFactory(PartnerFactory)
    employer = factory.SubFactory(EmployerFactory)
    status = RelationshipStatus.ACCEPTED
    requires_employer_signoff = True
    started_at = factory.LazyFunction(timezone.localdate)
    requested_at = factory.LazyFunction(timezone.now)
    decided_at = factory.LazyFunction(timezone.now)
