"""Dates in the pipeline: checkpoint due dates, reminder dates and windows.

Pure functions (no database), so the calendar rules are easy to read and test.

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

from dateutil.relativedelta import relativedelta

from brokerage.enquiries.working_days import is_working_day

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
