"""Anonymous public pages come from the shared cache and change as soon as what they show does.

Each change runs its after-commit callbacks (``django_capture_on_commit_callbacks``), as a real
request's transaction would, and the next anonymous GET must show it.
"""

import pytest
from django.urls import reverse

from brokerage.opportunities import services
from brokerage.opportunities.models import OpportunityStatus as S
from cms.models import OfferPage, SiteSettings, StandardPage
from portal.accounts.roles import Role
from portal.core.public_cache import HIT_HEADER
from tests.cms.conftest import add_page
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.reference import AreaFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    return client.get(url, headers=headers)


def body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- what is served from the cache, and how -------------------------------------------------------


def test_second_anonymous_get_is_a_hit_with_etag_and_public_cache_control(client, tree):
    url = tree["offer"].url
    first = get(client, url)
    second = get(client, url)
    assert first[HIT_HEADER] == "miss" and second[HIT_HEADER] == "hit"
    assert first.content == second.content
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "max-age=" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]
    assert "Content-Security-Policy" in second  # the middleware still runs on a hit
    assert not second.cookies


def test_conditional_get_answers_304(client, tree):
    url = tree["offer"].url
    etag = get(client, url)["ETag"]
    response = get(client, url, if_none_match=etag)
    assert response.status_code == 304 and response.content == b""
    assert get(client, url, if_none_match='"something-else"').status_code == 200


def test_signed_in_users_never_get_or_fill_the_cached_copy(client, tree):
    url = tree["offer"].url
    anonymous = get(client, url)
    client.force_login(UserFactory(role=Role.EMPLOYER))
    signed_in = get(client, url)
    assert HIT_HEADER not in signed_in
    assert "Your account" in signed_in.content.decode()
    assert "private" in signed_in["Cache-Control"]
    client.logout()
    client.cookies.clear()
    again = get(client, url)
    assert again[HIT_HEADER] == "hit" and again.content == anonymous.content
    assert "Your account" not in again.content.decode()


def test_pages_with_a_csrf_token_are_not_kept(client, tree):
    """The enquiry form has a POST form: its token must never be served to someone else."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from portal.core.public_cache import cache_public_page

    calls = []

    @cache_public_page("pages")
    def view(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    factory = RequestFactory()
    view(factory.get("/form/"))
    view(factory.get("/form/"))
    assert len(calls) == 2


def test_query_strings_key_the_page_and_unknown_ones_skip_the_cache(client, tree, partners):
    url = tree["directory"].url
    everyone = body(client, url)
    stockton = get(client, f"{url}?area={partners['stockton'].slug}")
    assert stockton[HIT_HEADER] == "miss"
    assert "Thirteen Housing" in everyone and "Thirteen Housing" not in stockton.content.decode()
    assert (
        get(client, f"{url}?area={partners['stockton'].slug}&utm_source=mail")[HIT_HEADER] == "hit"
    )
    assert HIT_HEADER not in get(client, f"{url}?nonsense=1")


def test_messages_cookie_skips_the_cache(client, tree):
    url = tree["offer"].url
    get(client, url)
    client.cookies["messages"] = "anything"
    assert HIT_HEADER not in get(client, url)


# --- invalidation: change the thing, the next anonymous GET shows it -------------------------


@pytest.fixture
def partners():
    stockton = AreaFactory(name="Stockton-on-Tees", slug="stockton-on-tees")
    hartlepool = AreaFactory(name="Hartlepool", slug="hartlepool")
    return {
        "stockton": stockton,
        "jcp": PartnerFactory(name="Stockton Jobcentre Plus", areas=[stockton]),
        "housing": PartnerFactory(name="Thirteen Housing", areas=[hartlepool]),
    }


def test_publishing_a_page_shows_on_the_next_get(client, tree, django_capture_on_commit_callbacks):
    offer = tree["offer"]
    assert "Take on an apprentice." in body(client, offer.url)
    offer.summary = "Take on an apprentice this spring."
    with django_capture_on_commit_callbacks(execute=True):
        offer.save_revision().publish()
    assert "Take on an apprentice this spring." in body(client, offer.url)


def test_a_new_page_appears_on_the_index(client, tree, django_capture_on_commit_callbacks):
    index_url = tree["offer_index"].url
    assert "Mentoring" not in body(client, index_url)
    page = add_page(
        tree["offer_index"],
        OfferPage,
        publish=False,
        title="Mentoring",
        summary="Mentor.",
        who_it_is_for="<p>x</p>",
        what_you_get="<p>x</p>",
        what_you_commit_to="<p>x</p>",
        how_to_take_part="<p>x</p>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert "Mentoring" in body(client, index_url)


def test_unpublishing_a_page_removes_it(client, tree, django_capture_on_commit_callbacks):
    url = tree["standard"].url
    assert body(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        tree["standard"].unpublish()
    assert client.get(url).status_code == 404


def test_moving_a_page_changes_its_address(client, tree, django_capture_on_commit_callbacks):
    guidance = tree["standard"]
    child = add_page(guidance, StandardPage, title="Costs", body="[]")
    old_url = child.url
    assert body(client, old_url)
    with django_capture_on_commit_callbacks(execute=True):
        child.move(tree["home"], pos="last-child")
    assert client.get(old_url).status_code in (301, 404)  # Wagtail may leave a redirect behind
    child.refresh_from_db()
    assert body(client, child.url)


def test_deleting_a_page_removes_it(client, tree, django_capture_on_commit_callbacks):
    url = tree["standard"].url
    assert body(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        tree["standard"].delete()
    assert client.get(url).status_code == 404


def test_site_settings_show_on_every_cached_page(
    client, tree, site, django_capture_on_commit_callbacks
):
    pages = [tree["home"].url, tree["offer"].url, reverse("opportunities:public_list")]
    for url in pages:
        assert "Tees Valley Works" not in body(client, url)
    settings_row = SiteSettings.for_site(site)
    settings_row.partnership_name = "Tees Valley Works"
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.save()
    for url in pages:
        assert "Tees Valley Works" in body(client, url)


def test_a_partner_edit_shows_in_the_directory(
    client, tree, partners, django_capture_on_commit_callbacks
):
    url = tree["directory"].url
    assert "Stockton Jobcentre Plus" in body(client, url)
    partner = partners["jcp"]
    partner.name = "Stockton and Thornaby Jobcentre"
    with django_capture_on_commit_callbacks(execute=True):
        partner.save()
    assert "Stockton and Thornaby Jobcentre" in body(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        partner.areas.clear()
    assert "Stockton and Thornaby Jobcentre" not in body(
        client, f"{url}?area={partners['stockton'].slug}"
    )


# --- opportunities ------------------------------------------------------------------------------


@pytest.fixture
def member():
    return EmployerMembershipFactory()


@pytest.fixture
def coordinator():
    return UserFactory(role=Role.COORDINATOR)


def _live(member, *, title="Forklift driver", **kwargs):
    return OpportunityFactory(
        employer=member.employer, title=title, status=S.LIVE, public=True, **kwargs
    )


def test_an_opportunity_going_live_appears(
    client, member, coordinator, django_capture_on_commit_callbacks
):
    listing = reverse("opportunities:public_list")
    opp = OpportunityFactory(employer=member.employer, title="Forklift driver", public=True)
    assert "Forklift driver" not in body(client, listing)
    with django_capture_on_commit_callbacks(execute=True):
        opp = services.opportunity_submit(actor=member.user, opportunity=opp)
        services.opportunity_start_review(actor=coordinator, opportunity=opp)
        services.opportunity_approve(actor=coordinator, opportunity=opp)
    assert "Forklift driver" in body(client, listing)
    assert "Forklift driver" in body(client, reverse("opportunities:public_detail", args=[opp.pk]))


@pytest.mark.parametrize("change", ["close", "fill", "withdraw"])
def test_an_opportunity_closing_filling_or_withdrawn_disappears(
    client, member, coordinator, change, django_capture_on_commit_callbacks
):
    opp = _live(member)
    listing = reverse("opportunities:public_list")
    detail = reverse("opportunities:public_detail", args=[opp.pk])
    assert "Forklift driver" in body(client, listing) and body(client, detail)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "close":
            services.opportunity_close(actor=coordinator, opportunity=opp)
        elif change == "fill":
            services.opportunity_places_fill(
                actor=member.user, opportunity=opp, places_filled=opp.places
            )
        else:
            services.opportunity_withdraw(actor=member.user, opportunity=opp, reason="Role cut")
    assert "Forklift driver" not in body(client, listing)
    assert client.get(detail).status_code == 404


def test_places_filled_and_edits_show(client, member, django_capture_on_commit_callbacks):
    opp = _live(member, places=3)
    detail = reverse("opportunities:public_detail", args=[opp.pk])
    assert "3 of 3 available" in body(client, detail)
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_places_fill(actor=member.user, opportunity=opp, places_filled=1)
    assert "2 of 3 available" in body(client, detail)
    opp.refresh_from_db()
    opp.title = "Forklift driver (nights)"
    with django_capture_on_commit_callbacks(execute=True):
        opp.save()
    assert "Forklift driver (nights)" in body(client, detail)
    assert "Forklift driver (nights)" in body(client, reverse("opportunities:public_list"))


def test_an_employer_rename_shows_on_its_opportunities(
    client, member, django_capture_on_commit_callbacks
):
    opp = _live(member, show_employer_name=True)
    detail = reverse("opportunities:public_detail", args=[opp.pk])
    assert member.employer.name in body(client, detail)
    member.employer.name = "Teesside Logistics Ltd"
    with django_capture_on_commit_callbacks(execute=True):
        member.employer.save()
    assert "Teesside Logistics Ltd" in body(client, detail)


def test_listing_filters_are_part_of_the_key(client, member):
    _live(member, title="Forklift driver", sector="logistics")
    listing = reverse("opportunities:public_list")
    assert "Forklift driver" in body(client, listing)
    other = client.get(listing, {"sector": "health"})
    assert other[HIT_HEADER] == "miss" and "Forklift driver" not in other.content.decode()
