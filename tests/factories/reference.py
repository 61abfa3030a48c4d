import datetime

import factory
from django.contrib.auth.models import Group

from brokerage.reference.models import (
    Area,
    AreaOutcode,
    Partner,
    PartnerStanding,
    PartnerType,
    Programme,
    Strand,
)
from portal.accounts.models import User
from portal.accounts.roles import Role


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    region = "Tees Valley"

    @factory.post_generation
    def outcodes(self, create, extracted, **kwargs):
        """AreaFactory(outcodes=["TS1", "TS2"])"""
        for code in extracted or []:
            AreaOutcode.objects.get_or_create(code=code, defaults={"area": self})


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    description = "Helps people into work."
    start_date = datetime.date(2025, 4, 1)
    end_date = datetime.date(2028, 3, 31)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if extracted:
            self.areas.set(extracted)


class StrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strand

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Strand {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    partner_type = PartnerType.EMPLOYMENT_SUPPORT
    contact_email = factory.Sequence(lambda n: f"partner{n}@example.org")
    capacity = 20
    standing = PartnerStanding.ACTIVE

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if extracted:
            self.areas.set(extracted)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):
        if extracted:
            self.programmes.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    """UserFactory(role=Role.KEY_WORKER) gives a verified user in that role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    skip_two_factor = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            group, _ = Group.objects.get_or_create(name=Role(extracted).label)
            self.groups.add(group)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        from allauth.account.models import EmailAddress

        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
        self.save()
