"""Working days in England and Wales: weekdays that are not bank holidays.

A response deadline of N working days is 5pm (UK time) on the Nth working day after the day
an enquiry arrives, so an enquiry sent on Friday evening before a bank holiday Monday with a
2-day deadline is due at 5pm on Wednesday.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

UK = ZoneInfo("Europe/London")
DEADLINE_TIME = datetime.time(17, 0)


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    # Wales has the same bank holidays as England; both are listed for clarity.
    days = set(holidays.UK(subdiv="ENG", years=year)) | set(holidays.UK(subdiv="WLS", years=year))
    return frozenset(days)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The date ``count`` working days after ``day`` (``day`` itself is not counted)."""
    current = day
    added = 0
    while added < count:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            added += 1
    return current


def response_deadline(received_at: datetime.datetime, working_days: int | None = None) -> datetime.datetime:
    """5pm UK time on the Nth working day after ``received_at``'s UK date."""
    days = working_days or settings.ENQUIRY_RESPONSE_WORKING_DAYS
    local_day = received_at.astimezone(UK).date()
    due = add_working_days(local_day, days)
    return datetime.datetime.combine(due, DEADLINE_TIME, tzinfo=UK)


def format_uk_datetime(value: datetime.datetime) -> str:
    """GOV.UK style: '5pm on Wednesday 7 January 2026', '9:30am on Monday 5 January 2026'."""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    time = f"{hour}{local:%p}".lower() if local.minute == 0 else f"{hour}:{local:%M}{local:%p}".lower()
    if local.hour == 12 and local.minute == 0:
        time = "midday"
    return f"{time} on {local:%A} {local.day} {local:%B %Y}"
