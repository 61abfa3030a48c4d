"""Seed 003: loading Ambition SCR's per-authority actuals as records reproduces each authority's
figures, and the report's totals are the sums of the authorities (not the seed's printed totals)."""

import datetime
import glob
import re
from pathlib import Path

import pytest
from django.conf import settings

from brokerage.pipeline.models import OutcomeRecord
from brokerage.reference import demo as reference_demo
from brokerage.reference.models import Programme
from brokerage.reporting import selectors
from brokerage.reporting.fixtures import ambition_actuals, ambition_actuals_load
from brokerage.reporting.reports import outcomes
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

SEED_MEASURES = {
    "Starts": "starts", "Placements": "placements", "4 weeks": "job_starts_4w",
    "Sustained 26w": "sustained_26w", "Progressions": "progressions",
}
LABELS = {
    "starts": "Starts", "placements": "Placements", "job_starts_4w": "Job starts sustained 4 weeks",
    "sustained_26w": "Sustained 26 weeks", "progressions": "Progressions",
}


def _seed_tables() -> dict[str, dict[str, tuple[int, int]]]:
    """{authority: {measure: (target, actual)}} read from seed 003, lines 28-70."""
    paths = glob.glob(str(Path(settings.BASE_DIR).parent / "shared" / "seeds" / "003_*.txt"))
    if not paths:
        pytest.skip("seed 003 is not on this machine")
    lines = open(paths[0], encoding="utf-8").read().splitlines()[27:70]
    tables, area = {}, None
    for line in lines:
        heading = re.match(r"<b>(.+?)</b>\t<b>Original Target", line)
        if heading:
            area = heading.group(1)
            continue
        parts = line.split("\t")
        if area and len(parts) == 3 and parts[0] in SEED_MEASURES:
            tables.setdefault(area, {})[SEED_MEASURES[parts[0]]] = (int(parts[1]), int(parts[2]))
    return tables


@pytest.fixture
def ambition(db):
    # The reference demo's areas, programmes and targets (data/targets.csv), without its
    # thousands of outward codes and partners, which these tests do not need.
    areas = reference_demo._load_areas()
    programmes = reference_demo._load_programmes(areas)
    strands = reference_demo._load_strands(programmes)
    reference_demo._load_targets(programmes, strands, areas, datetime.date(2017, 8, 30))
    ambition_actuals_load()
    return Programme.objects.get(name="Ambition SCR")


@pytest.fixture
def coordinator(ambition):
    user = UserFactory(role=Role.COORDINATOR)
    user.programmes.add(ambition)
    return user


def test_the_project_copy_matches_the_seed():
    seed = _seed_tables()
    copy = ambition_actuals()
    for area, measures in seed.items():
        if area == "SCR":
            continue
        assert {m: actual for m, (_t, actual) in measures.items()} == copy[area]


def test_each_authority_reproduces_its_targets_and_actuals(ambition, coordinator):
    seed = _seed_tables()
    scope = selectors.report_scope(coordinator, ambition)
    _summary, by_area, _months = outcomes.outcome_tables(scope)
    rows = {(row["area"], row["measure"]): row for row in by_area.rows}
    for area, measures in seed.items():
        if area == "SCR":
            continue
        for measure, (target, actual) in measures.items():
            row = rows[(area, LABELS[measure])]
            assert (row["target"], row["actual"]) == (target, actual), (area, measure)


def test_totals_are_the_sums_of_the_authorities_not_the_printed_totals(ambition, coordinator):
    seed = _seed_tables()
    scope = selectors.report_scope(coordinator, ambition)
    summary = {row["measure"]: row for row in outcomes.outcome_tables(scope)[0].rows}
    for measure, label in LABELS.items():
        expected = sum(measures[measure][1] for area, measures in seed.items() if area != "SCR")
        assert summary[label]["actual"] == expected
    assert summary["Sustained 26 weeks"]["actual"] == 80  # the seed prints 8
    assert seed["SCR"]["sustained_26w"][1] == 8
    assert summary["Starts"]["actual"] == 409
    assert summary["Starts"]["target"] == 279
    assert summary["Starts"]["share"] == pytest.approx(146.6)


def test_loading_twice_changes_nothing(ambition):
    before = OutcomeRecord.objects.count()
    assert ambition_actuals_load() == {}
    assert OutcomeRecord.objects.count() == before


def test_one_authority_filter_shows_only_that_authority(ambition, coordinator):
    bolsover = ambition.areas.get(name="Bolsover")
    scope = selectors.report_scope(coordinator, ambition, area=bolsover)
    summary = {row["measure"]: row for row in outcomes.outcome_tables(scope)[0].rows}
    assert summary["Starts"]["actual"] == 78
    assert summary["Starts"]["target"] == 52
