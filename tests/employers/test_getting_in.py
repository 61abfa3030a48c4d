"""Getting in (issue 21): "Create an employer account" and "Offer an opportunity" on the home page
and on every offer page of the site, for a visitor and for a signed-in employer."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from cms.models import OfferIndexPage, OfferPage
from portal.accounts.roles import Role
from tests.cms.conftest import add_page
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # public pages are kept in the cache
    yield
    cache.clear()


@pytest.fixture
def pages(db):
    from cms.demo import home_page_ensure

    home = home_page_ensure()
    index = add_page(home, OfferIndexPage, title="The employer offer", slug="employer-offer-ctas")
    offers = [
        add_page(index, OfferPage, title=title, summary=f"{title} for employers.",
                 who_it_is_for="<p>Employers.</p>", what_you_get="<p>Help.</p>",
                 what_you_commit_to="<p>A real role.</p>", how_to_take_part="<p>Ask us.</p>")
        for title in ("Apprenticeships", "Work experience", "Guaranteed interviews")
    ]
    return [home, index, *offers]


def test_a_visitor_can_create_an_employer_account_and_offer_an_opportunity_from_every_page(
    client, pages
):
    signup = reverse("account_signup")
    offer = f"{signup}?next={reverse('opportunities:employer_new')}"
    for page in pages:
        response = client.get(page.url)
        body = response.content.decode()
        assert response.status_code == 200, page.url
        assert "Create an employer account" in body, page.url
        assert f'href="{signup}"' in body, page.url
        assert "Offer an opportunity" in body and f'href="{offer}"' in body, page.url


def test_a_signed_in_employer_goes_straight_to_the_offer_form(client, pages):
    client.force_login(UserFactory(role=Role.EMPLOYER))
    for page in pages:
        body = client.get(page.url).content.decode()
        assert f'href="{reverse("opportunities:employer_new")}"' in body, page.url
        assert "Create an employer account" not in body, page.url
