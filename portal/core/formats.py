"""Dates, times, money and hours written the GOV.UK way, in one place.

The GOV.UK style guide: dates as "10 December 2026" (no leading zero, month in full), times
as "7:44am", "2pm", "midday" and "midnight" (no leading zero, no full stops), money as
"£1,234.50" (pence kept, see ``portal/core/money.py``), and hours as "30 hours" or
"37.5 hours" (no ".0").

Templates: ``{% load govuk_format %}`` (``portal/core/templatetags/govuk_format.py`` registers
these functions as filters) then ``{{ interview.date|govuk_date }}``,
``{{ interview.time|govuk_time }}``, ``{{ event.created_at|govuk_datetime }}``,
``{{ payment.amount_pence|govuk_money }}``, ``{{ opportunity.hours_per_week|govuk_hours }}``.
Python (messages, emails, errors, services) imports them from here.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from portal.core.money import pence_display


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def govuk_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """10 December 2026 (a date and time is shown as its UK date; an ISO date string too)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value.day} {value:%B %Y}"


def govuk_month(value: datetime.date | datetime.datetime | None) -> str:
    """December 2026: for a month as a whole (reconciliation, monthly tables)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value:%B %Y}"


def govuk_weekday_date(value: datetime.date | datetime.datetime | None) -> str:
    """Thursday 10 December 2026: for appointments and events, where the day helps."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value:%A} {govuk_date(value)}"


def govuk_date_short(value: datetime.date | datetime.datetime | None) -> str:
    """10 Dec 2026: for tables where space is short."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return f"{value.day} {value:%b %Y}"


def govuk_time(value: datetime.time | datetime.datetime | None) -> str:
    """7:44am, 2pm, midday, midnight."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).time()
    if (value.hour, value.minute) == (12, 0):
        return "midday"
    if (value.hour, value.minute) == (0, 0):
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def govuk_datetime(value: datetime.datetime | None) -> str:
    """10 December 2026 at 7:44am."""
    if not value:
        return ""
    return f"{govuk_date(value)} at {govuk_time(value)}"


def govuk_money(pence: int | None) -> str:
    """Integer pence as pounds: 123450 -> £1,234.50."""
    if pence is None or pence == "":
        return ""
    return pence_display(int(pence))


def govuk_hours(value: Decimal | float | int | str | None) -> str:
    """30 hours, 37.5 hours, 1 hour (never 30.0)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} hour" if number == 1 else f"{text} hours"
