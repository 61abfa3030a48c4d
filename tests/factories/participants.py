import datetime

import factory
from django.utils import timezone

from brokerage.participants.models import (
    ActionItem,
    ActionKind,
    Consent,
    ConsentMethod,
    ConsentScope,
    EligibilityRule,
    EligibilityStatus,
    Participant,
    ParticipantStatus,
    ReferralSource,
    RuleKind,
    Team,
    TeamMembership,
)
from portal.accounts.roles import Role
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory


def tees_programme(name: str = "Routes to Work"):
    """A programme covering Stockton-on-Tees (TS18, TS19, TS20)."""
    area = AreaFactory(name="Stockton-on-Tees", outcodes=["TS18", "TS19", "TS20"])
    return ProgrammeFactory(name=name, areas=[area])


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    programme = factory.SubFactory(ProgrammeFactory)
    kind = RuleKind.RESIDENCE


class ParticipantFactory(factory.django.DjangoModelFactory):
    """An eligible, active participant in Stockton held by a key worker."""

    class Meta:
        model = Participant

    programme = factory.LazyFunction(tees_programme)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1990, 5, 17)
    postcode = "TS18 1AA"
    outward_code = "TS18"
    latitude = 54.5631
    longitude = -1.3168
    area = factory.LazyAttribute(lambda o: o.programme.areas.first())
    referral_source = ReferralSource.JOBCENTRE_PLUS
    referred_on = factory.LazyFunction(timezone.localdate)
    assessment_due_on = factory.LazyAttribute(lambda o: o.referred_on + datetime.timedelta(days=14))
    eligibility_status = EligibilityStatus.ELIGIBLE
    status = ParticipantStatus.ACTIVE
    key_worker = factory.SubFactory(UserFactory, role=Role.KEY_WORKER)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    participant = factory.SubFactory(ParticipantFactory)
    scope = ConsentScope.EMPLOYER_PROFILE
    given_on = factory.LazyFunction(timezone.localdate)
    method = ConsentMethod.IN_PERSON


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    participant = factory.SubFactory(ParticipantFactory)
    kind = ActionKind.GOAL
    description = "Apply for three warehouse jobs"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory, role=Role.KEY_WORKER)
