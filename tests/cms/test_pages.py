"""Each page type renders its content in GOV.UK markup; index pages paginate and show empty states."""

import datetime

import pytest

from cms.models import NewsPage
from tests.cms.conftest import add_page, text_body

pytestmark = pytest.mark.django_db


def test_home_page_links_to_enquiry_form_and_lists_offers(client, tree):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert tree["home"].title in html
    assert 'href="/employers/enquire/?from=home"' in html
    assert "govuk-button--start" in html
    assert "Apprenticeships" in html  # the offer, listed on the home page
    assert "Online enquiries now open" in html  # latest news
    assert "Employer breakfast" in html  # next event


def test_offer_page_shows_every_section_and_the_enquiry_link(client, tree):
    response = client.get(tree["offer"].url)

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Who it is for", "What you get", "What you commit to", "How to take part"):
        assert f'<h2 class="govuk-heading-l">{heading}</h2>' in html
    assert '<p class="govuk-body">Employers who can offer a real job with training.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>help choosing' in html
    assert 'href="/employers/enquire/?from=apprenticeships"' in html
    assert "govuk-breadcrumbs" in html
    assert ">The employer offer</a>" in html  # breadcrumb to its index


def test_offer_index_lists_offers(client, tree):
    response = client.get(tree["offer_index"].url)

    assert response.status_code == 200
    assert "Take on an apprentice." in response.content.decode()


def test_standard_page_renders_accordion_inset_call_to_action_and_warning(client, tree):
    html = client.get(tree["standard"].url).content.decode()

    assert 'class="govuk-accordion" data-module="govuk-accordion"' in html
    assert "Does it cost anything?" in html and "No, it is free." in html
    assert '<div class="govuk-inset-text"><p class="govuk-body">One contact for everything.</p></div>' in html
    assert "govuk-button govuk-button--start" in html
    assert 'href="/employers/enquire/?from=guidance"' in html
    assert "govuk-warning-text" in html


def test_case_study_page_shows_employer_and_quote(client, tree):
    html = client.get(tree["case_study"].url).content.decode()

    assert "Four gardening apprenticeships" in html
    assert "Oasis Gardening Services" in html
    assert "Housing and facilities" in html
    assert "What I am learning is really useful." in html
    assert "Each apprentice studies for an NVQ level 2." in html


def test_case_study_index_lists_case_studies(client, tree):
    html = client.get(tree["case_index"].url).content.decode()

    assert "Four gardening apprenticeships" in html


def test_news_page_and_index(client, tree):
    html = client.get(tree["news"].url).content.decode()
    assert "Published 15 January 2026" in html
    assert "We record it once." in html

    index_html = client.get(tree["news_index"].url).content.decode()
    assert "Online enquiries now open" in index_html


def test_event_page_shows_when_where_and_booking_link(client, tree):
    html = client.get(tree["event"].url).content.decode()

    assert "Employer breakfast" in html
    assert "8am to 9:30am" in html
    assert "Middlesbrough Town Hall" in html
    assert 'href="https://example.org/book"' in html


def test_event_index_separates_upcoming_and_past_events(client, tree):
    from cms.models import EventPage

    add_page(
        tree["event_index"],
        EventPage,
        title="Last year's launch",
        slug="launch",
        date=datetime.date.today() - datetime.timedelta(days=30),
        location="Online",
        summary="The launch.",
    )

    html = client.get(tree["event_index"].url).content.decode()

    coming_up, past = html.split("Past events")
    assert "Employer breakfast" in coming_up
    assert "Last year&#x27;s launch" in past


def test_index_pages_show_empty_states(client, home):
    from cms.models import CaseStudyIndexPage, EventIndexPage, NewsIndexPage

    news = add_page(home, NewsIndexPage, title="News")
    events = add_page(home, EventIndexPage, title="Events")
    cases = add_page(home, CaseStudyIndexPage, title="Case studies")

    assert "There is no news yet." in client.get(news.url).content.decode()
    assert "There are no events coming up." in client.get(events.url).content.decode()
    assert "There are no case studies yet." in client.get(cases.url).content.decode()


def test_news_index_paginates(client, tree):
    for day in range(1, 12):
        add_page(
            tree["news_index"],
            NewsPage,
            title=f"Update {day}",
            date=datetime.date(2025, 12, day),
            summary="An update.",
            body=text_body("<p>Text.</p>"),
        )

    first = client.get(tree["news_index"].url).content.decode()
    second = client.get(tree["news_index"].url + "?page=2").content.decode()

    assert "Online enquiries now open" in first  # the newest comes first
    assert "Update 1<" not in first and "Update 1<" in second
    assert "govuk-pagination" in first
    assert client.get(tree["news_index"].url + "?page=not-a-number").status_code == 200


def test_draft_page_is_not_public(client, tree):
    draft = add_page(
        tree["news_index"],
        NewsPage,
        publish=False,
        title="Draft news",
        date=datetime.date(2026, 2, 1),
        summary="Not yet.",
        body=text_body("<p>Draft.</p>"),
    )

    assert client.get(f"/news/{draft.slug}/").status_code == 404
    assert "Draft news" not in client.get(tree["news_index"].url).content.decode()


def test_rich_text_links_get_govuk_classes():
    from cms.templatetags.cms_tags import govuk_richtext

    html = govuk_richtext('<h2>Title</h2><p>See <a href="https://example.org">this</a></p>')

    assert html == (
        '<h2 class="govuk-heading-l">Title</h2><p class="govuk-body">See '
        '<a class="govuk-link" href="https://example.org">this</a></p>'
    )
