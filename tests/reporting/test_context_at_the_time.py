"""The funnel and the fund spend by area count people where they lived at the time (issue 20,
item 3): a person referred, or given money, in one area who then moved stays counted there."""

import datetime
import importlib
import io
from contextlib import redirect_stdout

import pytest
from django.apps import apps

from brokerage.participants.models import Participant
from brokerage.payments.models import (
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerKind,
)
from brokerage.reporting import reports, selectors
from tests.factories.payments import FundBudgetFactory
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db


def _rows(scope, kind, slug, key):
    table = next(t for t in reports.report_tables(kind, scope) if t.slug == slug)
    return {row["area"]: row[key] for row in table.rows}


def test_funnel_counts_a_person_who_moved_in_the_area_they_were_referred_in(
    records, programme, north, south, coordinator
):
    scope = selectors.report_scope(coordinator, programme)
    before = _rows(scope, "funnel", "funnel-by-area", "referred")
    mover = Participant.objects.filter(programme=programme, area=north).first()
    assert mover is not None and mover.referral_area == north
    Participant.objects.filter(pk=mover.pk).update(area=south)  # they moved after referral
    after = _rows(scope, "funnel", "funnel-by-area", "referred")
    assert after == before
    assert after["Northtown"] > 0
    # Filtered to the area they moved to, they are not there.
    south_only = selectors.report_scope(coordinator, programme, area=south)
    assert _rows(south_only, "funnel", "funnel-by-area", "referred") == {
        "Southville": before["Southville"]
    }


def test_fund_spend_counts_in_the_area_lived_in_when_requested(
    records, programme, north, south, coordinator
):
    budget = FundBudgetFactory(programme=programme, area=north, starts_on=datetime.date(2025, 4, 1),
                               ends_on=datetime.date(2026, 3, 31), amount_pence=100_000)
    person = Participant.objects.filter(programme=programme, area=north).first()
    request = FundRequest.objects.create(
        participant=person, area=north, budget=budget, barrier="transport", category="travel",
        description="Bus pass", amount_pence=2_500, not_available_elsewhere="No other funding",
        payment_method="card", status=FundRequestStatus.PAID, requested_by=UserFactory(),
    )
    LedgerEntry.objects.create(kind=LedgerKind.FUND_CARD, amount_pence=2_500,
                               source_type="payments.fundrequest", source_id=str(request.pk))
    Participant.objects.filter(pk=person.pk).update(area=south)  # they moved afterwards
    scope = selectors.report_scope(coordinator, programme, date_from=datetime.date(2025, 4, 1),
                                   date_to=datetime.date.today())
    spent = _rows(scope, "money", "money-areas", "spent")
    assert spent["Northtown"] == 2_500
    assert spent.get("Southville", 0) == 0


def test_a_new_fund_request_keeps_the_area_of_the_time():
    participant, key_worker, _coordinator, _budget, _action = fund_world()
    assert participant.area_id is not None
    request = submit(participant, key_worker)
    assert request.area_id == participant.area_id


def test_migrations_fill_the_area_from_the_current_one_and_say_what_they_could_not(
    records, programme, north
):
    Participant.objects.update(referral_area=None)
    Participant.objects.filter(pk=Participant.objects.first().pk).update(area=None)
    migration = importlib.import_module("brokerage.participants.migrations.0005_referral_area")
    out = io.StringIO()
    with redirect_stdout(out):
        migration.fill_referral_area(apps, None)
    total = Participant.objects.count()
    assert f"{total - 1} filled from the current area; 1 could not be filled" in out.getvalue()
    assert not Participant.objects.filter(referral_area__isnull=True, area__isnull=False).exists()

    budget = FundBudgetFactory(programme=programme, area=north, amount_pence=100_000)
    people = list(Participant.objects.filter(area=north)[:2]) + [
        Participant.objects.get(area__isnull=True)
    ]
    for person in people:
        FundRequest.objects.create(
            participant=person, budget=budget, barrier="transport", category="travel",
            description="Bus pass", amount_pence=100, not_available_elsewhere="None",
            payment_method="card", requested_by=UserFactory(),
        )
    migration = importlib.import_module("brokerage.payments.migrations.0010_fund_request_area")
    out = io.StringIO()
    with redirect_stdout(out):
        migration.fill_area(apps, None)
    assert "2 filled from the participant's current area; 1 could not be filled" in out.getvalue()
    assert FundRequest.objects.filter(area=north).count() == 2
