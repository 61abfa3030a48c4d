"""Every record is counted once, in the right row, in every report and filter (issue 20, 1, 2
and 4): raw records are counted independently here, in Python, and compared with each table."""

import datetime
import itertools
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from brokerage.enquiries.models import Enquiry, EnquiryItem
from brokerage.participants.models import Participant
from brokerage.payments.models import (
    FundCategory,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerKind,
)
from brokerage.pipeline.models import OutcomeKind, OutcomeRecord
from brokerage.reference.models import Measure, Target
from brokerage.reporting import reports, selectors
from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from brokerage.reporting.models import DEFAULT_MEASURE_TYPES, MeasureRule
from brokerage.reporting.reports import outcomes
from brokerage.reporting.selectors import NO_AREA, OTHER_AREAS
from tests.factories.employers import EmployerFactory
from tests.factories.enquiries import EnquiryFactory, EnquiryItemFactory
from tests.factories.payments import FundBudgetFactory
from tests.factories.reference import AreaFactory, PartnerFactory, UserFactory
from tests.reporting.conftest import FIRST_START

UK = ZoneInfo("Europe/London")
COUNTED = {OutcomeKind.START, OutcomeKind.PLACEMENT, OutcomeKind.CHECKPOINT_MET,
           OutcomeKind.PROGRESSION}


@pytest.fixture
def elsewhere(db):
    return AreaFactory(name="Elsewhere")


@pytest.fixture
def farther(db):
    return AreaFactory(name="Farther")


@pytest.fixture
def spread(programme, north, south, elsewhere, farther):
    """Outcomes in both programme areas, in two areas off its list and with no area, over
    several months; fund spend and enquiries likewise."""
    for prefix, area, counts in (
        ("N", north, OutcomeCounts(starts=6, placements=2, four_weeks=4, sustained_26w=2,
                                   leavers=1, progressions=1, repeat_starts=2)),
        ("S", south, OutcomeCounts(starts=3, four_weeks=1)),
        ("E", elsewhere, OutcomeCounts(starts=5, placements=1, four_weeks=3, sustained_26w=2)),
        ("F", farther, OutcomeCounts(starts=2, four_weeks=2, sustained_26w=1)),
        ("U", None, OutcomeCounts(starts=2, four_weeks=1)),
    ):
        outcomes_bulk_create(programme=programme, area=area, prefix=prefix, counts=counts,
                             first_start=FIRST_START, spread_days=120, extra_referrals=2)
    # Fund spend: people in every area, in several months.
    budget = FundBudgetFactory(programme=programme, area=None, starts_on=programme.start_date,
                               ends_on=programme.end_date, amount_pence=10_000_000)
    requester = UserFactory()
    rng = random.Random(20)
    categories = [value for value, _ in FundCategory.choices]
    for i, person in enumerate(Participant.objects.filter(programme=programme).order_by("pk")):
        amount = rng.randint(100, 9_999)
        request = FundRequest.objects.create(
            participant=person, budget=budget, barrier="transport",
            category=categories[i % len(categories)], description="Travel",
            amount_pence=amount, not_available_elsewhere="No other funding",
            payment_method="card", status=FundRequestStatus.PAID, requested_by=requester,
        )
        spent_at = datetime.datetime(2025, 6, 1, 12, tzinfo=UK) + datetime.timedelta(days=i * 7)
        with time_machine.travel(spent_at, tick=False):
            LedgerEntry.objects.create(kind=LedgerKind.FUND_CARD, amount_pence=amount,
                                       source_type="payments.fundrequest",
                                       source_id=str(request.pk))
    # Enquiries in every area.
    partner = PartnerFactory(name="Every Area Jobs")
    day = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=UK)
    for i, area in enumerate([north, south, elsewhere, farther, None] * 2):
        enquiry = EnquiryFactory(area=area, types=["vacancy"], employer=EmployerFactory())
        Enquiry.objects.filter(pk=enquiry.pk).update(submitted_at=day)
        EnquiryItemFactory(enquiry=enquiry, partner=partner, programme=programme,
                           routed_at=day + datetime.timedelta(days=i * 9),
                           deadline=day + datetime.timedelta(days=i * 9 + 2),
                           first_response_at=day + datetime.timedelta(days=i * 9, hours=3))


def _raw_outcomes(programme, scope, measure):
    """{area id or None: set of people} counted for ``measure``, by hand from the records."""
    types = DEFAULT_MEASURE_TYPES.get(measure)
    rule = MeasureRule.objects.filter(programme=programme, measure=measure).first()
    if rule:
        types = rule.opportunity_types
    people: dict = {}
    for record in OutcomeRecord.objects.all():
        if (record.enrolment_id != programme.pk or record.kind not in COUNTED
                or record.measure != measure
                or not scope.date_from <= record.occurred_on <= scope.date_to
                or record.opportunity_type not in types):
            continue
        if scope.restricted and record.area_id not in scope.area_ids:
            continue
        people.setdefault(record.area_id, set()).add(record.participant_id)
    return people


def _scopes(coordinator, programme, north, south):
    ranges = [
        {},
        {"date_from": FIRST_START, "date_to": FIRST_START + datetime.timedelta(days=45)},
        {"date_from": datetime.date(2025, 8, 1), "date_to": datetime.date(2026, 3, 31)},
    ]
    for dates, area in itertools.product(ranges, [None, north, south]):
        yield selectors.report_scope(coordinator, programme, area=area, **dates)


def test_outcomes_count_every_person_once_in_the_right_row(
    spread, coordinator, programme, north, south
):
    for scope in _scopes(coordinator, programme, north, south):
        summary, by_area, by_month = outcomes.outcome_tables(scope)[:3]
        listed = {north.pk: "Northtown", south.pk: "Southville"}
        for measure in outcomes.outcome_measures(programme):
            raw = _raw_outcomes(programme, scope, measure)
            everyone = set().union(*raw.values()) if raw else set()
            expected: dict[str, set] = {}
            for area_id, people in raw.items():
                name = listed.get(area_id, NO_AREA if area_id is None else OTHER_AREAS)
                expected.setdefault(name, set()).update(people)
            rows = {r["area"]: r["actual"] for r in by_area.rows if r["measure"] == measure.label}
            got = {name: n for name, n in rows.items() if n}
            assert got == {name: len(p) for name, p in expected.items()}, (scope, measure)
            total = next(r for r in summary.rows if r["measure"] == measure.label)["actual"]
            assert total == len(everyone), (scope, measure)
            assert sum(rows.values()) == total  # nobody here lives in two areas
        # The month table covers every month of the range, and its whole-period row is the total.
        months = [row["month"] for row in by_month.rows]
        assert months[0] == scope.date_from.replace(day=1)
        assert months[-1] == scope.date_to.replace(day=1)
        starts = next(r for r in summary.rows if r["measure"] == Measure.STARTS.label)
        assert by_month.total["starts"] == starts["actual"]


def test_other_areas_are_named(spread, coordinator, programme):
    scope = selectors.report_scope(coordinator, programme)
    tables = {t.slug: t for t in outcomes.outcome_tables(scope)}
    other = next(r for r in tables["outcomes-by-area"].rows
                 if r["area"] == OTHER_AREAS and r["measure"] == "Starts")
    assert other["details"] == ["Elsewhere", "Farther"]
    assert other["actual"] == 7
    unknown = next(r for r in tables["outcomes-by-area"].rows
                   if r["area"] == NO_AREA and r["measure"] == "Starts")
    assert unknown["actual"] == 2


def test_funnel_front_door_and_money_count_every_record(
    spread, coordinator, programme, north, south
):
    for scope in _scopes(coordinator, programme, north, south):
        tables = {t.slug: t for kind in ("funnel", "front-door", "money")
                  for t in reports.report_tables(kind, scope)}
        referred = Participant.objects.filter(
            programme=programme, referred_on__gte=scope.date_from,
            referred_on__lte=scope.date_to,
        )
        if scope.restricted:
            referred = referred.filter(area__in=scope.area_ids)
        funnel_areas = tables["funnel-by-area"]
        assert funnel_areas.total["referred"] == referred.count()
        assert sum(r["referred"] for r in funnel_areas.rows) == referred.count()
        assert sum(r["started"] for r in funnel_areas.rows) == funnel_areas.total["started"]

        items = [
            item for item in EnquiryItem.objects.filter(programme=programme)
            .select_related("enquiry")
            if scope.starts_at <= item.routed_at < scope.ends_before
            and (not scope.restricted or item.enquiry.area_id in scope.area_ids)
        ]
        area_table = tables["front-door-areas"]
        entry_total = tables["front-door-entry"].total
        if area_table.rows:
            assert sum(r["items"] for r in area_table.rows) == entry_total["items"]
            assert area_table.total["items"] == entry_total["items"]
            assert tables["front-door-partners"].total["items"] == entry_total["items"]
        assert (entry_total or {"items": 0})["items"] == len(items)

        spent = {slug: (tables[slug].total or {}).get("spent", 0)
                 for slug in ("money-budgets", "money-categories", "money-areas", "money-months")}
        ledger = sum(
            entry.amount_pence for entry in LedgerEntry.objects.filter(kind=LedgerKind.FUND_CARD)
            if (not scope.restricted or FundRequest.objects.get(
                pk=int(entry.source_id)).participant.area_id in scope.area_ids)
            and scope.starts_at <= entry.created_at < scope.ends_before
        )
        assert spent == dict.fromkeys(spent, ledger), scope
        if not scope.restricted and scope.date_to > datetime.date(2025, 9, 1):
            assert ledger > 0


def test_unpaid_placements_are_never_sustained_jobs(records, coordinator, programme, north):
    # Someone whose only start was work experience, with a 26-week check met on it.
    placement_record = OutcomeRecord.objects.filter(
        enrolment=programme, kind=OutcomeKind.PLACEMENT).first()
    OutcomeRecord.objects.create(
        key="test:we-26w", kind=OutcomeKind.CHECKPOINT_MET, measure=Measure.SUSTAINED_26W,
        participant=placement_record.participant, programme=programme, enrolment=programme,
        area=north, employer=placement_record.employer, opportunity=placement_record.opportunity,
        opportunity_type=placement_record.opportunity_type, placement=placement_record.placement,
        occurred_on=FIRST_START + datetime.timedelta(days=182),
    )
    scope = selectors.report_scope(coordinator, programme)
    summary = {r["measure"]: r["actual"] for r in outcomes.outcome_tables(scope)[0].rows}
    assert summary["Sustained 26 weeks"] == 2  # not 3: work experience is not a job
    notes = " ".join(outcomes.outcome_tables(scope)[0].notes)
    assert "Counts starts on: vacancy or apprenticeship." in notes

    # A programme that counts work experience toward sustained jobs says so, and counts it.
    MeasureRule.objects.create(programme=programme, measure=Measure.SUSTAINED_26W,
                               opportunity_types=["vacancy", "apprenticeship", "work_experience"])
    summary = {r["measure"]: r["actual"] for r in outcomes.outcome_tables(scope)[0].rows}
    assert summary["Sustained 26 weeks"] == 3
    notes = " ".join(outcomes.outcome_tables(scope)[0].notes)
    assert "vacancy, apprenticeship or work experience" in notes


def test_measure_rule_must_name_known_types(programme):
    from django.core.exceptions import ValidationError

    rule = MeasureRule(programme=programme, measure=Measure.STARTS, opportunity_types=[])
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.opportunity_types = ["pony"]
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_total_uses_the_programme_wide_target_and_says_so(
    records, coordinator, programme, north, south
):
    period = {"programme": programme, "period_start": programme.start_date,
              "period_end": programme.end_date}
    Target.objects.create(**period, area=None, measure=Measure.STARTS, value=40)
    Target.objects.create(**period, area=north, measure=Measure.STARTS, value=10)
    Target.objects.create(**period, area=south, measure=Measure.STARTS, value=12)
    Target.objects.create(**period, area=north, measure=Measure.PLACEMENTS, value=5)
    scope = selectors.report_scope(coordinator, programme)
    summary, by_area = outcomes.outcome_tables(scope)[:2]
    starts = next(r for r in summary.rows if r["measure"] == "Starts")
    assert (starts["programme_wide"], starts["area_targets"], starts["target"]) == (40, 22, 40)
    assert starts["basis"] == "Programme-wide target"
    assert starts["share"] == 20.0  # 8 of 40
    placements = next(r for r in summary.rows if r["measure"] == "Placements")
    assert (placements["target"], placements["basis"]) == (5, "Sum of the areas’ targets")
    area_targets = {r["area"]: r["target"] for r in by_area.rows if r["measure"] == "Starts"}
    assert area_targets == {"Northtown": 10, "Southville": 12}
    # With one area chosen, that area's own target is the one that applies.
    scope = selectors.report_scope(coordinator, programme, area=south)
    starts = next(r for r in outcomes.outcome_tables(scope)[0].rows if r["measure"] == "Starts")
    assert (starts["target"], starts["basis"]) == (12, "Sum of the areas’ targets")
