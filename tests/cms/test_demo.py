"""The demo front door loads once, replaces Wagtail's welcome page and links to the enquiry form."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site, WorkflowPage

from cms import demo
from cms.models import HomePage, OfferPage, SiteSettings

pytestmark = pytest.mark.django_db


def test_demo_builds_the_front_door_and_is_idempotent(client):
    demo.load(io.StringIO())
    counts = Page.objects.count()
    demo.load(io.StringIO())

    assert Page.objects.count() == counts
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert WorkflowPage.objects.filter(page=Page.get_first_root_node()).exists()
    assert SiteSettings.for_site(site).contact_email == "employers@example.org"

    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/employers/enquire/?from=home"' in home.content.decode()

    offers = OfferPage.objects.live()
    assert offers.count() >= 5
    for offer in offers:
        response = client.get(offer.url)
        assert response.status_code == 200
        assert f'href="/employers/enquire/?from={offer.slug}"' in response.content.decode()

    for path in ("/employer-offer/", "/case-studies/", "/news/", "/events/", "/partners/",
                 "/guidance/", "/privacy/", "/accessibility/"):
        assert client.get(path).status_code == 200, path

    # A demo moderator (an editor in Wagtail's Moderators group) approves pages.
    from portal.accounts.models import User

    moderator = User.objects.get(email=demo.MODERATOR_EMAIL)
    assert moderator.groups.filter(name="Moderators").exists()

    # The benchmark command renders the seeded pages and reports percentiles.
    out = io.StringIO()
    call_command("bench_pages", iterations=3, warmup=1, stdout=out)
    assert "home page" in out.getvalue() and "offer page" in out.getvalue()
    assert "p95=" in out.getvalue()
