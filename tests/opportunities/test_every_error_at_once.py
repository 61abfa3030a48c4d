"""The opportunity form reports every error at once, in one error summary: the form's own
(missing or unreadable answers) and the opportunity rules (pay, dates), not a few at a time."""

import re

import pytest

from brokerage.opportunities.models import Opportunity
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import in_days
from tests.opportunities.test_views import details_data, new_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return EmployerMembershipFactory()


def test_every_error_is_in_one_summary_and_nothing_is_saved(login, member):
    start, close = in_days(20), in_days(40)  # closing after the start: a rule, not the form
    data = details_data(
        title="", postcode="NOT A POSTCODE", pay_pence="6.00",
        start_date_day=start.day, start_date_month=start.month, start_date_year=start.year,
        closing_date_day=close.day, closing_date_month=close.month, closing_date_year=close.year,
    )
    body = login(member.user).post(new_url(member), {**data, "continue": "1"}).content.decode()
    assert body.count("govuk-error-summary__list") == 1
    summary = re.search(r"govuk-error-summary__list.*?</ul>", body, re.S).group()
    for message in ("Enter a title", "Enter a real postcode", "Pay must be at least",
                    "The closing date must be on or before the start date"):
        assert message in summary, message
    assert not Opportunity.objects.exists()


def test_saving_a_draft_still_only_needs_readable_answers(login, member):
    body = login(member.user).post(
        new_url(member), {**details_data(pay_pence="6.00", postcode="NOT A POSTCODE"), "draft": "1"}
    ).content.decode()
    assert "Enter a real postcode" in body and "Pay must be at least" not in body
