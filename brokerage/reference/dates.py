"""Every date rule in one place: working days and bank holidays, enquiry response deadlines,
checkpoint and incentive-stage due dates, reminders and windows.

Pure functions (no database), so the calendar rules are easy to read and test.

Working days are weekdays that are not bank holidays in England and Wales. A response deadline
of N working days is 5pm (UK time) on the Nth working day after the day an enquiry arrives, so
an enquiry sent on Friday evening before a bank holiday Monday with a 2-day deadline is due at
5pm on Wednesday.

- A checkpoint is due ``offset_months`` calendar months plus ``offset_days`` days after the
  start date. Months use ``dateutil.relativedelta``: 31 January + 1 month is 28 February
  (29 in a leap year); 29 February 2024 + 12 months is 28 February 2025.
- A due date that falls on a weekend or bank holiday stays where it is: it measures how long
  someone has been in work, not when an office is open.
- An incentive stage is due ``day_offset`` days after the start (the scheme's stages count
  days, as the seeds' "paid after 13 weeks (91 days)" do), on that day whatever the calendar.
- Reminders go out on a working day: the reminder date (due date minus the rule's days) moves
  back to the nearest working day on or before it, so a reminder is never late.
"""

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta
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

PROGRESSION_WINDOW_DAYS = 26 * 7  # progressions count within 26 weeks of the start
SUPPORT_WINDOW_MONTHS = 12  # in-work support for up to 12 months after the start


def checkpoint_due_on(start: datetime.date, *, months: int = 0, days: int = 0) -> datetime.date:
    return start + relativedelta(months=months) + datetime.timedelta(days=days)


def incentive_stage_due_on(start: datetime.date, *, day_offset: int) -> datetime.date:
    return start + datetime.timedelta(days=day_offset)


def working_day_on_or_before(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def reminder_on(due: datetime.date, days_before: int) -> datetime.date:
    return working_day_on_or_before(due - datetime.timedelta(days=days_before))


def progression_deadline(start: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=PROGRESSION_WINDOW_DAYS)


def support_ends_on(start: datetime.date) -> datetime.date:
    return start + relativedelta(months=SUPPORT_WINDOW_MONTHS)


def mentoring_latest_end(start: datetime.date, months: int) -> datetime.date:
    return start + relativedelta(months=months)
