import datetime

import pytest

from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from portal.accounts.roles import Role
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory

FIRST_START = datetime.date(2025, 6, 2)


@pytest.fixture
def programme(db):
    north = AreaFactory(name="Northtown")
    south = AreaFactory(name="Southville")
    return ProgrammeFactory(
        name="Test Programme",
        slug="test-programme",
        areas=[north, south],
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 3, 31),
    )


@pytest.fixture
def north(programme):
    return programme.areas.get(name="Northtown")


@pytest.fixture
def south(programme):
    return programme.areas.get(name="Southville")


@pytest.fixture
def records(programme, north, south):
    """Northtown: 5 starters (2 start twice), 2 placements, 4 sustained 4 weeks, 2 sustained 26
    weeks, 1 left before 26 weeks, 1 progression. Southville: 3 starters, 1 sustained 4 weeks.
    All starts on 2 June 2025 (spread 1 day)."""
    outcomes_bulk_create(
        programme=programme, area=north, prefix="N",
        counts=OutcomeCounts(starts=5, placements=2, four_weeks=4, sustained_26w=2, leavers=1,
                             progressions=1, repeat_starts=2),
        first_start=FIRST_START, spread_days=1, extra_referrals=3,
    )
    outcomes_bulk_create(
        programme=programme, area=south, prefix="S", counts=OutcomeCounts(starts=3, four_weeks=1),
        first_start=FIRST_START, spread_days=1,
    )


@pytest.fixture
def coordinator(programme):
    user = UserFactory(role=Role.COORDINATOR)
    user.programmes.add(programme)
    return user


@pytest.fixture
def finance(programme):
    user = UserFactory(role=Role.FINANCE_OFFICER)
    user.programmes.add(programme)
    return user
