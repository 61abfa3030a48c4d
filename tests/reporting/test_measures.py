"""Each measure counted by its definition, date-range edges and area filters."""

import datetime

from brokerage.reporting import selectors
from brokerage.reporting.reports import funnel, outcomes
from tests.reporting.conftest import FIRST_START


def _summary(user, programme, **filters):
    scope = selectors.report_scope(user, programme, **filters)
    return {row["measure"]: row["actual"] for row in outcomes.outcome_tables(scope)[0].rows}


def test_measures_count_people_by_their_definition(records, coordinator, programme):
    summary = _summary(coordinator, programme)
    # Two Northtown people started a second job: each is still one start.
    assert summary["Starts"] == 8
    assert summary["Placements"] == 2
    assert summary["Job starts sustained 4 weeks"] == 5
    # The Northtown leaver met 4 weeks but left before 26: not sustained (their check was missed).
    assert summary["Sustained 26 weeks"] == 2
    assert summary["Progressions"] == 1


def test_total_is_the_sum_of_the_areas(records, coordinator, programme):
    scope = selectors.report_scope(coordinator, programme)
    by_area = outcomes.outcome_tables(scope)[1].rows
    starts = {row["area"]: row["actual"] for row in by_area if row["measure"] == "Starts"}
    assert starts == {"Northtown": 5, "Southville": 3}


def test_date_range_edges_are_inclusive(records, coordinator, programme):
    # Every first start is on 2 June 2025; 4-week checks on 30 June.
    assert (
        _summary(coordinator, programme, date_from=FIRST_START, date_to=FIRST_START)["Starts"] == 8
    )
    day_before = FIRST_START - datetime.timedelta(days=1)
    assert _summary(coordinator, programme, date_from=day_before, date_to=day_before)["Starts"] == 0
    day_after = FIRST_START + datetime.timedelta(days=1)
    after = _summary(
        coordinator, programme, date_from=day_after, date_to=datetime.date(2025, 6, 30)
    )
    assert after["Starts"] == 0
    assert after["Job starts sustained 4 weeks"] == 5
    assert _summary(coordinator, programme, date_from=day_after,
                    date_to=datetime.date(2025, 6, 29))["Job starts sustained 4 weeks"] == 0


def test_area_filter(records, coordinator, programme, south):
    summary = _summary(coordinator, programme, area=south)
    assert summary["Starts"] == 3
    assert summary["Sustained 26 weeks"] == 0


def test_definitions_come_from_the_programme_rules(records, coordinator, programme):
    from tests.factories.pipeline import standard_rules

    standard_rules(programme)
    scope = selectors.report_scope(coordinator, programme)
    notes = " ".join(outcomes.outcome_tables(scope)[0].notes)
    assert "28 days after their start, working at least 16 hours a week" in notes
    assert "rule ‘Sustained 26 weeks’" in notes
    # The programme has a 13-week rule, so the measure is reported too.
    assert "Sustained 13 weeks" in [
        row["measure"] for row in outcomes.outcome_tables(scope)[0].rows
    ]


def test_funnel_follows_people_from_referral(records, coordinator, programme):
    scope = selectors.report_scope(coordinator, programme)
    rows = {row["stage"]: row for row in funnel.funnel_tables(scope)[0].rows}
    assert rows["Referred"]["people"] == 13  # 10 Northtown (3 never started) + 3 Southville
    assert rows["Assessed"]["people"] == 13
    assert rows["Job ready"]["people"] == 10
    assert rows["Started"]["people"] == 10
    assert rows["Sustained 26 weeks"]["people"] == 2
    assert rows["Job ready"]["dropped"] == 3
    assert rows["Sustained 26 weeks"]["of_referred"] == round(2 * 100 / 13, 1)
