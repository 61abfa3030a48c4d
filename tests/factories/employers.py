import factory

from brokerage.employers.models import Employer, EmployerMembership, MembershipRole
from brokerage.reference.choices import Sector, SizeBand
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory


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
