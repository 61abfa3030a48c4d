"""Checkpoint dates: month ends, leap years, weekends (pure date rules)."""

import datetime

from brokerage.reference import dates

D = datetime.date


def test_weeks_are_days_from_the_start():
    assert dates.checkpoint_due_on(D(2026, 3, 2), days=28) == D(2026, 3, 30)
    assert dates.checkpoint_due_on(D(2026, 3, 2), days=182) == D(2026, 8, 31)


def test_month_end_start_lands_on_the_last_day_of_a_shorter_month():
    assert dates.checkpoint_due_on(D(2026, 1, 31), months=1) == D(2026, 2, 28)
    assert dates.checkpoint_due_on(D(2025, 11, 30), months=3) == D(2026, 2, 28)
    assert dates.checkpoint_due_on(D(2026, 8, 31), months=3) == D(2026, 11, 30)


def test_leap_years():
    assert dates.checkpoint_due_on(D(2027, 11, 30), months=3) == D(2028, 2, 29)
    assert dates.checkpoint_due_on(D(2028, 2, 29), months=12) == D(2029, 2, 28)
    assert dates.checkpoint_due_on(D(2028, 2, 1), days=28) == D(2028, 2, 29)


def test_a_due_date_on_a_weekend_stays_but_its_reminder_moves_to_a_working_day():
    due = dates.checkpoint_due_on(D(2026, 2, 7), days=28)  # a Saturday start
    assert due == D(2026, 3, 7) and due.weekday() == 5
    # 7 days before is Saturday 28 February: the reminder goes on Friday 27 February.
    assert dates.reminder_on(due, 7) == D(2026, 2, 27)


def test_reminders_skip_bank_holidays():
    # Due Monday 1 June 2026; 7 days before is Monday 25 May, the spring bank holiday.
    assert dates.reminder_on(D(2026, 6, 1), 7) == D(2026, 5, 22)


def test_progression_window_is_26_weeks():
    assert dates.progression_deadline(D(2026, 1, 5)) == D(2026, 7, 6)
