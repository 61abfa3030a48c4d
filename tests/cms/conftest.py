import datetime
import json

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from cms.demo import home_page_ensure
from cms.models import (
    CaseStudyIndexPage,
    CaseStudyPage,
    EventIndexPage,
    EventPage,
    NewsIndexPage,
    NewsPage,
    OfferIndexPage,
    OfferPage,
    PartnerDirectoryPage,
    StandardPage,
)
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory


def add_page(parent, model, *, publish: bool = True, **fields):
    """Create a page under parent (published unless publish=False) and return it."""
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    page = model(live=publish, **fields)
    parent.add_child(instance=page)  # no revision: quicker, and enough for rendering
    return page


def text_body(html: str) -> str:
    return json.dumps([{"type": "text", "value": html}])


@pytest.fixture
def home(db):
    return home_page_ensure()


@pytest.fixture
def site(home):
    return Site.objects.get(root_page=home)


@pytest.fixture
def editor(db):
    return UserFactory(role=Role.EDITOR)


@pytest.fixture
def moderator(db):
    user = UserFactory(role=Role.EDITOR)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def tree(home):
    """One page of each type under the home page."""
    offer_index = add_page(home, OfferIndexPage, title="The employer offer", slug="employer-offer")
    case_index = add_page(home, CaseStudyIndexPage, title="Case studies")
    news_index = add_page(home, NewsIndexPage, title="News")
    event_index = add_page(home, EventIndexPage, title="Events")
    return {
        "home": home,
        "offer_index": offer_index,
        "offer": add_page(
            offer_index,
            OfferPage,
            title="Apprenticeships",
            summary="Take on an apprentice.",
            who_it_is_for="<p>Employers who can offer a real job with training.</p>",
            what_you_get="<ul><li>help choosing a training provider</li></ul>",
            what_you_commit_to="<p>Employing the apprentice for the whole apprenticeship.</p>",
            how_to_take_part="<p>Tell us about the role.</p>",
        ),
        "case_index": case_index,
        "case_study": add_page(
            case_index,
            CaseStudyPage,
            title="Four gardening apprenticeships",
            employer_name="Oasis Gardening Services",
            sector="housing",
            location="Knowsley",
            summary="A small social enterprise created four apprenticeships.",
            quote="What I am learning is really useful.",
            quote_attribution="Liam, apprentice",
            body=text_body("<p>Each apprentice studies for an NVQ level 2.</p>"),
        ),
        "news_index": news_index,
        "news": add_page(
            news_index,
            NewsPage,
            title="Online enquiries now open",
            date=datetime.date(2026, 1, 15),
            summary="You can now tell us what you need online.",
            body=text_body("<p>We record it once.</p>"),
        ),
        "event_index": event_index,
        "event": add_page(
            event_index,
            EventPage,
            title="Employer breakfast",
            date=datetime.date.today() + datetime.timedelta(days=10),
            start_time=datetime.time(8, 0),
            end_time=datetime.time(9, 30),
            location="Middlesbrough Town Hall",
            booking_url="https://example.org/book",
            summary="Meet local employers.",
        ),
        "directory": add_page(home, PartnerDirectoryPage, title="Partner directory", slug="partners"),
        "standard": add_page(
            home,
            StandardPage,
            title="Questions from employers",
            slug="guidance",
            intro="Answers to common questions.",
            body=json.dumps(
                [
                    {
                        "type": "accordion",
                        "value": {
                            "heading": "Frequently asked questions",
                            "items": [
                                {"heading": "Does it cost anything?", "body": "<p>No, it is free.</p>"}
                            ],
                        },
                    },
                    {"type": "inset_text", "value": {"text": "<p>One contact for everything.</p>"}},
                    {
                        "type": "call_to_action",
                        "value": {
                            "heading": "Still have a question?",
                            "text": "",
                            "link_text": "Ask a question",
                            "link_url": "/employers/enquire/?from=guidance",
                            "start_button": True,
                        },
                    },
                    {"type": "warning_text", "value": {"text": "Do not send personal details."}},
                ]
            ),
        ),
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached listings and settings (cms.signals) must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
