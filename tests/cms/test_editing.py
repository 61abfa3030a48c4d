"""Editors create each page type only where it belongs; pages are approved before going live."""

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
    PartnerDirectoryPage,
    StandardPage,
)
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

BODY = streamfield([("text", rich_text("<p>Some words.</p>"))])
EMPTY_BODY = streamfield([])

FORM_DATA = {
    StandardPage: {"intro": "", "body": BODY},
    OfferIndexPage: {"intro": "", "body": EMPTY_BODY},
    OfferPage: {
        "summary": "Take on an apprentice.",
        "strand": "",
        "who_it_is_for": rich_text("<p>Any employer.</p>"),
        "what_you_get": rich_text("<p>Candidates.</p>"),
        "what_you_commit_to": rich_text("<p>A real job.</p>"),
        "how_to_take_part": rich_text("<p>Tell us.</p>"),
        "body": EMPTY_BODY,
        "call_to_action_text": "Tell us you are interested",
    },
    CaseStudyIndexPage: {"intro": ""},
    CaseStudyPage: {
        "employer_name": "Oasis Gardening Services",
        "sector": "housing",
        "location": "Knowsley",
        "summary": "Four apprenticeships.",
        "quote": "",
        "quote_attribution": "",
        "body": BODY,
    },
    NewsIndexPage: {"intro": ""},
    NewsPage: {"date": "2026-01-15", "summary": "News.", "body": BODY},
    EventIndexPage: {"intro": ""},
    EventPage: {
        "date": "2030-01-15",
        "start_time": "09:00",
        "end_time": "10:00",
        "location": "Online",
        "booking_url": "",
        "summary": "An event.",
        "body": EMPTY_BODY,
    },
    PartnerDirectoryPage: {"intro": ""},
}

# (page type, the parent it belongs under, a parent where it does not belong)
PLACES = [
    (StandardPage, "home", "news_index"),
    (OfferPage, "offer_index", "home"),
    (CaseStudyPage, "case_index", "news_index"),
    (NewsPage, "news_index", "home"),
    (EventPage, "event_index", "offer_index"),
]
# Index pages and the directory: one of each, under the home page only.
SINGLETONS = [OfferIndexPage, CaseStudyIndexPage, NewsIndexPage, EventIndexPage, PartnerDirectoryPage]


def assert_denied(response) -> None:
    """Wagtail's admin answers a permission failure by sending the user back to the dashboard."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url in (reverse("wagtailadmin_home"),) or "login" in response.url


def add_url(model, parent) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk]
    )


def form_data(model, title: str, **extra) -> dict:
    data = {"title": title, "slug": title.lower().replace(" ", "-"), **FORM_DATA[model], **extra}
    return nested_form_data(data)


@pytest.mark.parametrize(("model", "allowed", "not_allowed"), PLACES)
def test_editor_creates_page_only_where_it_belongs(client, tree, editor, model, allowed, not_allowed):
    client.force_login(editor)

    assert_denied(client.get(add_url(model, tree[not_allowed])))
    assert client.get(add_url(model, tree[allowed])).status_code == 200

    response = client.post(
        add_url(model, tree[allowed]), form_data(model, f"New {model.__name__}")
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = model.objects.get(slug=f"new-{model.__name__.lower()}")
    assert page.get_parent().pk == tree[allowed].pk
    assert not page.live  # saved as a draft; editors cannot publish


@pytest.mark.parametrize("model", SINGLETONS)
def test_index_pages_belong_under_home_once(home, model):
    assert model.can_create_at(home)
    assert not model.can_create_at(Page.get_first_root_node())
    assert model.allowed_parent_page_models() == [HomePage]


def test_singletons_cannot_be_created_twice(client, tree, editor):
    client.force_login(editor)

    for model in SINGLETONS:
        assert_denied(client.get(add_url(model, tree["home"])))
    assert_denied(client.get(add_url(HomePage, Page.get_first_root_node())))


def test_editor_creates_index_page_under_home(client, home, editor):
    client.force_login(editor)

    response = client.post(add_url(NewsIndexPage, home), form_data(NewsIndexPage, "News"))

    assert response.status_code == 302
    assert NewsIndexPage.objects.child_of(home).exists()


def test_editor_cannot_publish_directly(client, tree, editor):
    client.force_login(editor)

    client.post(
        add_url(NewsPage, tree["news_index"]),
        form_data(NewsPage, "Sneaky news", **{"action-publish": "action-publish"}),
    )

    page = NewsPage.objects.get(slug="sneaky-news")
    assert not page.live
    assert client.get(tree["news_index"].url + "sneaky-news/").status_code == 404


def test_page_goes_through_moderation(client, tree, editor, moderator):
    # An editor writes a page and submits it for moderation.
    client.force_login(editor)
    response = client.post(
        add_url(NewsPage, tree["news_index"]),
        form_data(NewsPage, "Housing providers join", **{"action-submit": "action-submit"}),
    )
    assert response.status_code == 302
    page = NewsPage.objects.get(slug="housing-providers-join")
    assert not page.live
    task_state = page.current_workflow_task_state
    assert task_state is not None and task_state.task.name == "Moderators approval"

    # Before approval the public URL is a 404.
    client.logout()
    public_url = tree["news_index"].url + "housing-providers-join/"
    assert client.get(public_url).status_code == 404

    # The editor cannot approve their own page.
    approve_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    client.force_login(editor)
    assert_denied(client.post(approve_url, {}))
    page.refresh_from_db()
    assert not page.live

    # A moderator approves it, and it goes live.
    client.force_login(moderator)
    response = client.post(approve_url, {"comment": "Looks good"})
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    assert page.current_workflow_task_state is None

    client.logout()
    response = client.get(public_url)
    assert response.status_code == 200
    assert "Housing providers join" in response.content.decode()


def test_moderator_can_reject_a_page(client, tree, editor, moderator):
    client.force_login(editor)
    client.post(
        add_url(NewsPage, tree["news_index"]),
        form_data(NewsPage, "Not ready", **{"action-submit": "action-submit"}),
    )
    page = NewsPage.objects.get(slug="not-ready")
    task_state = page.current_workflow_task_state

    client.force_login(moderator)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]),
        {"comment": "Please add a date for the event."},
    )

    page.refresh_from_db()
    assert not page.live
    assert page.workflow_states.get().status == "needs_changes"


def test_people_without_the_editor_role_cannot_open_the_page_editor(client, tree):
    for role in (Role.EMPLOYER, Role.KEY_WORKER, Role.FINANCE_OFFICER):
        client.force_login(UserFactory(role=role))
        response = client.get(add_url(NewsPage, tree["news_index"]))
        assert_denied(response)
        assert b"Apprenticeships" not in response.content


def test_coordinator_manages_partners_in_admin(client, db):
    from tests.factories.reference import PartnerFactory

    PartnerFactory(name="Stockton Jobcentre Plus")
    client.force_login(UserFactory(role=Role.COORDINATOR))

    response = client.get(reverse("wagtailsnippets_reference_partner:list"))

    assert response.status_code == 200
    assert "Stockton Jobcentre Plus" in response.content.decode()
    assert client.get(reverse("wagtailsnippets_reference_partner:add")).status_code == 200


def test_employer_cannot_see_partner_admin(client, db):
    client.force_login(UserFactory(role=Role.EMPLOYER))

    assert_denied(client.get(reverse("wagtailsnippets_reference_partner:list")))
