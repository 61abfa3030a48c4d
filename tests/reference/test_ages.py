"""Ages in whole years, and the dates of birth that an age limit allows."""

import datetime

import pytest

from brokerage.reference.ages import age_on, years_before

D = datetime.date


def test_no_date_of_birth_means_no_age():
    assert age_on(None, D(2025, 6, 1)) is None


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2000, 6, 15), D(2025, 6, 14), 24),
        (D(2000, 6, 15), D(2025, 6, 15), 25),
        (D(2000, 6, 15), D(2025, 12, 31), 25),
        (D(2008, 2, 29), D(2026, 2, 28), 17),  # not yet: the birthday is 1 March this year
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2008, 2, 29), D(2028, 2, 29), 20),
        (D(2025, 6, 15), D(2025, 6, 15), 0),
    ],
)
def test_a_person_is_a_year_older_on_their_birthday(born, day, age):
    assert age_on(born, day) == age


def test_years_before_keeps_the_day_or_takes_28_february():
    assert years_before(D(2025, 6, 15), 18) == D(2007, 6, 15)
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
    assert years_before(D(2024, 2, 29), 4) == D(2020, 2, 29)


def _days(start: datetime.date, count: int) -> list[datetime.date]:
    return [start + datetime.timedelta(days=n) for n in range(count)]


def test_a_date_of_birth_filter_agrees_with_the_age_on_every_day():
    """What a database filter on dates of birth lets through is exactly the people of that age
    (both search backends filter this way, then ``age_on`` decides)."""
    days = _days(D(2024, 2, 20), 20) + _days(D(2025, 2, 20), 20) + [D(2025, 6, 15), D(2024, 12, 31)]
    births = _days(D(2006, 1, 1), 366) + _days(D(2008, 1, 1), 366)
    for day in days:
        for limit in (16, 17, 18):
            oldest_allowed_birth = years_before(day, limit)
            youngest_excluded_birth = years_before(day, limit + 1)
            for born in births:
                age = age_on(born, day)
                assert (age >= limit) == (born <= oldest_allowed_birth), (born, day, limit)
                assert (age <= limit) == (born > youngest_excluded_birth), (born, day, limit)
