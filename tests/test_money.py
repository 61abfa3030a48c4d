"""Money is shown one way everywhere: pages, report tables, messages and form fields."""

import pytest

from brokerage.reporting.tables import PENCE, display
from portal.core.money import pence_as_pounds, pence_display
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
