"""Response deadlines in working days, skipping weekends and England and Wales bank holidays."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from brokerage.reference.dates import (
    add_working_days,
    format_uk_datetime,
    is_working_day,
    response_deadline,
)

UK = ZoneInfo("Europe/London")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UK)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 1, 12, 10, 0), at(2026, 1, 14, 17, 0)),  # Monday -> Wednesday
        (at(2026, 1, 15, 16, 59), at(2026, 1, 19, 17, 0)),  # Thursday -> Monday (weekend)
        (at(2026, 1, 17, 11, 0), at(2026, 1, 20, 17, 0)),  # Saturday -> Tuesday
        (at(2026, 4, 2, 9, 0), at(2026, 4, 8, 17, 0)),  # Easter: Good Friday and Easter Monday
        (at(2026, 12, 24, 9, 0), at(2026, 12, 30, 17, 0)),  # Christmas, Boxing Day observed on 28th
        (at(2026, 5, 22, 18, 0), at(2026, 5, 27, 17, 0)),  # Friday before the spring bank holiday
        (at(2026, 8, 28, 12, 0), at(2026, 9, 2, 17, 0)),  # summer bank holiday (England and Wales)
    ],
)
def test_two_working_days_skip_weekends_and_bank_holidays(received, due):
    assert response_deadline(received, 2) == due


def test_the_uk_date_counts_not_the_utc_date():
    # 23:30 UTC on Monday 1 June 2026 is 00:30 on Tuesday in London (BST).
    received = datetime.datetime(2026, 6, 1, 23, 30, tzinfo=datetime.UTC)
    assert response_deadline(received, 2) == at(2026, 6, 4, 17, 0)


def test_the_default_comes_from_settings(settings):
    settings.ENQUIRY_RESPONSE_WORKING_DAYS = 3
    assert response_deadline(at(2026, 1, 12, 10, 0)) == at(2026, 1, 15, 17, 0)


def test_scottish_only_holidays_are_working_days():
    assert is_working_day(datetime.date(2026, 1, 2))  # 2 January is a holiday in Scotland only
    assert is_working_day(datetime.date(2026, 11, 30))  # St Andrew's Day
    assert not is_working_day(datetime.date(2026, 4, 6))  # Easter Monday
    assert add_working_days(datetime.date(2025, 12, 31), 1) == datetime.date(2026, 1, 2)


def test_deadlines_read_like_govuk():
    assert format_uk_datetime(at(2026, 1, 14, 17, 0)) == "5pm on Wednesday 14 January 2026"
    assert format_uk_datetime(at(2026, 1, 14, 9, 30)) == "9:30am on Wednesday 14 January 2026"
