"""The service navigation marks exactly one item as the current page: the one whose address is
the longest start of the page's path (an employer on "Opportunities" is not also on "Your
organisation", whose address is a shorter start of the same path)."""

import re

import pytest
from django.urls import reverse

from portal.accounts.roles import Role
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


CURRENT = re.compile(
    r'aria-current="page"><strong class="govuk-service-navigation__active-fallback">([^<]+)<'
)


def _current(html: str) -> list[str]:
    return CURRENT.findall(html)


@pytest.mark.parametrize("url_name, expected", [
    ("employers:dashboard", ["Your organisation"]),
    ("opportunities:employer_list", ["Opportunities"]),
    ("pipeline:employer_candidates", ["Candidates"]),
])
def test_an_employer_page_marks_one_current_item(client, url_name, expected):
    membership = EmployerMembershipFactory(user=UserFactory(role=Role.EMPLOYER), role="admin")
    client.force_login(membership.user)
    html = client.get(reverse(url_name)).content.decode()
    assert _current(html) == expected


def test_a_page_outside_the_navigation_marks_none(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))
    assert _current(client.get(reverse("retention:schedule")).content.decode()) == []
