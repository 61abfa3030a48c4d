import datetime

import factory
from django.utils import timezone

from brokerage.payments.models import (
    FundBudget,
    FundCatalogueItem,
    FundCategory,
    LedgerEntry,
    LedgerKind,
    StripeAccount,
    StripeEvent,
    Supplier,
)
from tests.factories.employers import EmployerFactory


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Faker("company")
    category = FundCategory.CLOTHING
    email = factory.Sequence(lambda n: f"accounts{n}@supplier.example")


class StripeAccountFactory(factory.django.DjangoModelFactory):
    """An employer's connected account (pass ``supplier=...`` and ``employer=None`` for a supplier)."""

    class Meta:
        model = StripeAccount

    employer = factory.SubFactory(EmployerFactory)
    account_id = factory.Sequence(lambda n: f"acct_test{n:06d}")
    charges_enabled = True
    payouts_enabled = True
    details_submitted = True


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    kind = LedgerKind.INCENTIVE_PAYMENT
    amount_pence = 50_000
    description = "Start payment"
    source_type = "payments.example"
    source_id = factory.Sequence(str)
    stripe_object_id = factory.Sequence(lambda n: f"tr_test{n:06d}")


class StripeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StripeEvent

    event_id = factory.Sequence(lambda n: f"evt_test{n:06d}")
    type = "account.updated"
    payload = factory.LazyAttribute(
        lambda o: {"id": o.event_id, "object": "event", "type": o.type, "data": {"object": {}}}
    )


# --- flexible fund ----------------------------------------------------------------------------


class FundBudgetFactory(factory.django.DjangoModelFactory):
    """A budget for this year covering every area of the programme (pass ``area=`` for one)."""

    class Meta:
        model = FundBudget

    programme = factory.SubFactory("tests.factories.reference.ProgrammeFactory")
    area = None
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    amount_pence = 500_000


class FundCatalogueItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundCatalogueItem
        django_get_or_create = ["name"]

    name = "CSCS card and test"
    category = FundCategory.LICENCES
    typical_amount_pence = 6_500
    max_amount_pence = 15_000
