"""Dates, times, money and hours the GOV.UK way, through one set of filters."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

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


@pytest.mark.parametrize("value,expected", [
    (datetime.time(7, 44), "7:44am"),
    (datetime.time(14, 0), "2pm"),
    (datetime.time(12, 0), "midday"),
    (datetime.time(0, 0), "midnight"),
    (datetime.time(12, 30), "12:30pm"),
    (datetime.time(0, 5), "12:05am"),
    (None, ""),
])
def test_times(value, expected):
    assert govuk_time(value) == expected


def test_dates_and_date_times_in_the_uk():
    assert govuk_date(datetime.date(2026, 12, 10)) == "10 December 2026"
    assert govuk_date("2026-12-10") == "10 December 2026"
    assert govuk_date_short(datetime.date(2026, 3, 1)) == "1 Mar 2026"
    # 07:44 UTC in winter is 7:44am in London; 23:30 UTC on 30 June is 12:30am on 1 July.
    assert govuk_datetime(datetime.datetime(2026, 12, 10, 7, 44, tzinfo=datetime.UTC)) == (
        "10 December 2026 at 7:44am"
    )
    assert govuk_datetime(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)) == (
        "1 July 2026 at 12:30am"
    )


@pytest.mark.parametrize("value,expected", [
    (Decimal("30.0"), "30 hours"), (Decimal("37.50"), "37.5 hours"), (1, "1 hour"),
    (16, "16 hours"), ("", ""), (None, ""),
])
def test_hours(value, expected):
    assert govuk_hours(value) == expected


def test_money_is_pounds_and_pence():
    assert govuk_money(123450) == "£1,234.50"
    assert govuk_money(0) == "£0.00"
    assert govuk_money(None) == ""


def test_the_filters_are_in_every_template_without_loading_them():
    rendered = Template(
        "{{ t|govuk_time }} {{ d|govuk_date }} {{ h|govuk_hours }} {{ p|govuk_money }}"
    ).render(Context({"t": datetime.time(7, 44), "d": datetime.date(2026, 12, 10),
                      "h": Decimal("30.0"), "p": 4500}))
    assert rendered == "7:44am 10 December 2026 30 hours £45.00"


def test_weekday_dates():
    assert govuk_weekday_date(datetime.date(2026, 12, 3)) == "Thursday 3 December 2026"
    assert govuk_weekday_date(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)) == (
        "Wednesday 1 July 2026"
    )
    assert govuk_weekday_date(None) == ""


def test_months():
    assert govuk_month(datetime.date(2026, 12, 1)) == "December 2026"
    # 23:30 UTC on 30 June is already July in London.
    assert govuk_month(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)) == "July 2026"
    assert govuk_month(None) == ""


def test_templates_format_dates_and_times_only_through_the_govuk_filters():
    """Django's ``|date`` and ``|time`` write "3 Dec 2026" and "14:05"; every template uses the
    GOV.UK filters instead ("3 December 2026", "2:05pm"), payments included."""
    root = Path(settings.BASE_DIR) / "templates"
    pattern = re.compile(r"\|\s*(date|time)\b")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*"))
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
