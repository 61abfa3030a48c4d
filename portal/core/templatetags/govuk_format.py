"""The GOV.UK formats of ``portal/core/formats.py`` as template filters.

``{% load govuk_format %}`` then ``{{ interview.date|govuk_date }}``, ``{{ interview.time|govuk_time }}``,
``{{ event.created_at|govuk_datetime }}``, ``{{ payment.amount_pence|govuk_money }}``,
``{{ opportunity.hours_per_week|govuk_hours }}``. Services import the functions from
``portal.core.formats``, never from here.
"""

from __future__ import annotations

from django import template

from portal.core.formats import (
    govuk_date,
    govuk_date_short,
    govuk_datetime,
    govuk_hours,
    govuk_money,
    govuk_month,
    govuk_time,
    govuk_weekday_date,
)

register = template.Library()

for _filter in (
    govuk_date, govuk_month, govuk_weekday_date, govuk_date_short,
    govuk_time, govuk_datetime, govuk_money, govuk_hours,
):
    register.filter(_filter.__name__, _filter)
