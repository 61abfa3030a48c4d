"""Money is shown one way everywhere: pages, report tables, messages and form fields."""

import pytest
from django.core.exceptions import ValidationError

from brokerage.reporting.tables import PENCE, display
from portal.core.money import pence_as_pounds, pence_display, pounds_to_pence
from portal.core.templatetags.portal_tags import pence


@pytest.mark.parametrize(
    ("amount", "shown", "plain"),
    [
        (0, "£0.00", "0.00"),
        (5, "£0.05", "0.05"),
        (1221, "£12.21", "12.21"),
        (123450, "£1,234.50", "1234.50"),
        (100_000_000, "£1,000,000.00", "1000000.00"),
        (-5, "-£0.05", "-0.05"),
        (-123456, "-£1,234.56", "-1234.56"),
    ],
)
def test_pence_are_shown_as_pounds(amount, shown, plain):
    assert pence_display(amount) == shown
    assert pence_as_pounds(amount) == plain
    assert pence(amount) == shown
    assert pence(str(amount)) == shown
    assert display(amount, PENCE) == shown


def test_no_amount_shows_nothing_on_a_page_and_a_dash_in_a_table():
    assert pence(None) == ""
    assert pence("") == ""
    assert display(None, PENCE) == "–"


@pytest.mark.parametrize("text, pence", [("£12.71", 1271), ("12.7", 1270), ("1,250", 125_000), (" 9 ", 900)])
def test_pounds_typed_by_a_person_become_pence_one_way(text, pence):
    assert pounds_to_pence(text) == pence


@pytest.mark.parametrize(
    "text, message",
    [
        ("12,71", "Enter the pay in pounds and pence, like 12.71"),  # never read as £1,271
        ("lots", "Enter the pay in pounds and pence, for example £12.71"),
        ("0", "The pay must be more than £0"),
        ("1,000,000.01", "The pay must be £1,000,000.00 or less"),
    ],
)
def test_pay_that_could_be_misread_is_refused_with_how_to_write_it(text, message):
    with pytest.raises(ValidationError) as exc:
        pounds_to_pence(text, what="pay", example="£12.71", like="12.71", maximum_pence=100_000_000)
    assert exc.value.messages == [message]
