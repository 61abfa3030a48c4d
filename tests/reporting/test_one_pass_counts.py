"""The outcome report counts everything in one pass over the records (issue 20, 7): the counts
equal a recount of the raw records, person by person, when people move between areas and
have facts in several months."""

import datetime
import random

from django.db.models import QuerySet

from brokerage.pipeline.models import OutcomeRecord
from brokerage.reporting import selectors
from brokerage.reporting.reports import outcomes
from brokerage.reporting.selectors import OTHER, UNKNOWN
from tests.factories.reference import AreaFactory


def _recount(scope, measures):
    """{(row, measure): people}, {measure: people}, {(month, measure): people} from the raw
    records, in Python."""
    area_ids = set(scope.area_ids)
    by_area, people, by_month = {}, {}, {}
    for measure, person, area, day in outcomes.counted_outcomes(scope, measures).values_list(
        "measure", "participant", "area", "occurred_on"
    ):
        row = UNKNOWN if area is None else area if area in area_ids else OTHER
        by_area.setdefault((row, measure), set()).add(person)
        people.setdefault(measure, set()).add(person)
        by_month.setdefault((f"{day:%Y-%m}", measure), set()).add(person)
    return (
        {k: len(v) for k, v in by_area.items()},
        {k: len(v) for k, v in people.items()},
        {k: len(v) for k, v in by_month.items()},
    )


def test_one_pass_counts_equal_a_recount_of_random_moves_and_months(
    records, programme, north, south, coordinator
):
    elsewhere = AreaFactory(name="Elsewhere")
    rng = random.Random(20)
    areas = [north.pk, south.pk, elsewhere.pk, None]
    for record in OutcomeRecord.objects.all():
        # Arranging the data: the records' own update() refuses changes, as it should.
        QuerySet.update(
            OutcomeRecord.objects.filter(pk=record.pk),
            area_id=rng.choice(areas),
            occurred_on=datetime.date(2025, 6, 2) + datetime.timedelta(days=rng.randrange(200)),
        )
    whole = selectors.report_scope(coordinator, programme)
    for scope in (
        whole,
        selectors.report_scope(coordinator, programme, area=south),
        selectors.report_scope(coordinator, programme, date_from=datetime.date(2025, 7, 15),
                               date_to=datetime.date(2025, 10, 20)),
    ):
        measures = outcomes.outcome_measures(programme)
        counts = outcomes.outcome_counts(scope, measures)
        by_area, people, by_month = _recount(scope, measures)
        assert counts.by_area == by_area
        assert counts.people == people
        assert counts.by_month == by_month
    # Somebody really does count in two areas, and in two months.
    by_area, people, by_month = _recount(whole, outcomes.outcome_measures(programme))
    assert sum(by_area.values()) > sum(people.values())
    assert sum(by_month.values()) > sum(people.values())
