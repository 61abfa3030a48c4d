"""The public partner directory lists only directory-visible partners, filters and paginates."""

import pytest

from brokerage.reference.models import PartnerType
from tests.factories.reference import AreaFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners():
    stockton = AreaFactory(name="Stockton-on-Tees", slug="stockton-on-tees")
    hartlepool = AreaFactory(name="Hartlepool", slug="hartlepool")
    return {
        "stockton": stockton,
        "hartlepool": hartlepool,
        "jcp": PartnerFactory(
            name="Stockton Jobcentre Plus",
            partner_type=PartnerType.JOBCENTRE_PLUS,
            areas=[stockton],
            services="Vacancies and work trials",
        ),
        "housing": PartnerFactory(
            name="Thirteen Housing", partner_type=PartnerType.HOUSING_PROVIDER, areas=[hartlepool]
        ),
        "hidden": PartnerFactory(
            name="Internal Referral Team",
            partner_type=PartnerType.JOBCENTRE_PLUS,
            areas=[stockton],
            show_in_directory=False,
        ),
    }


def test_lists_only_partners_shown_in_directory(client, tree, partners):
    html = client.get(tree["directory"].url).content.decode()

    assert "Stockton Jobcentre Plus" in html
    assert "Thirteen Housing" in html
    assert "Vacancies and work trials" in html
    assert "Internal Referral Team" not in html


def test_filters_by_type(client, tree, partners):
    html = client.get(tree["directory"].url, {"partner_type": "housing"}).content.decode()

    assert "Thirteen Housing" in html
    assert "Stockton Jobcentre Plus" not in html
    assert "Clear filters" in html


def test_filters_by_area(client, tree, partners):
    html = client.get(tree["directory"].url, {"area": "stockton-on-tees"}).content.decode()

    assert "Stockton Jobcentre Plus" in html
    assert "Thirteen Housing" not in html
    assert "Internal Referral Team" not in html


def test_no_match_shows_empty_state(client, tree, partners):
    html = client.get(
        tree["directory"].url, {"partner_type": "housing", "area": "stockton-on-tees"}
    ).content.decode()

    assert "No partners match your filters." in html


def test_unknown_filter_values_are_ignored(client, tree, partners):
    response = client.get(tree["directory"].url, {"partner_type": "nonsense", "area": "nowhere"})

    assert response.status_code == 200
    assert "Stockton Jobcentre Plus" in response.content.decode()


def test_paginates_with_constant_queries(client, tree, django_assert_max_num_queries):
    area = AreaFactory(name="Darlington", slug="darlington")
    for n in range(12):
        PartnerFactory(name=f"Partner {n:02d}", areas=[area])

    with django_assert_max_num_queries(30):
        first = client.get(tree["directory"].url).content.decode()
    second = client.get(tree["directory"].url, {"page": 2}).content.decode()

    assert "Partner 00" in first and "Partner 10" not in first
    assert "Partner 10" in second
    assert "12 partners" in first
