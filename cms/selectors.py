"""Reads for the front-door pages: live, public pages and directory-visible partners."""

from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils import timezone

from brokerage.reference.models import Area, Partner


def paginate(queryset, page_number, *, per_page: int | None = None) -> PaginatorPage:
    from cms.models import INDEX_PAGE_SIZE

    return Paginator(queryset, per_page or INDEX_PAGE_SIZE).get_page(page_number)


def offer_pages(*, parent) -> QuerySet:
    from cms.models import OfferPage

    return OfferPage.objects.child_of(parent).live().public().order_by("path")


def case_studies(*, parent) -> QuerySet:
    from cms.models import CaseStudyPage

    return (
        CaseStudyPage.objects.child_of(parent)
        .live()
        .public()
        .order_by("-first_published_at", "-pk")
    )


def news_items(*, parent) -> QuerySet:
    from cms.models import NewsPage

    return NewsPage.objects.child_of(parent).live().public().order_by("-date", "-pk")


def upcoming_events(*, parent) -> QuerySet:
    from cms.models import EventPage

    today = timezone.localdate()
    return (
        EventPage.objects.child_of(parent)
        .live()
        .public()
        .filter(date__gte=today)
        .order_by("date", "start_time", "pk")
    )


def past_events(*, parent) -> QuerySet:
    from cms.models import EventPage

    today = timezone.localdate()
    return (
        EventPage.objects.child_of(parent)
        .live()
        .public()
        .filter(date__lt=today)
        .order_by("-date", "-pk")
    )


def directory_partners(*, partner_type: str | None = None, area: Area | None = None) -> QuerySet:
    """Partners shown in the public directory, with their areas prefetched."""
    partners = Partner.objects.filter(show_in_directory=True)
    if partner_type:
        partners = partners.filter(partner_type=partner_type)
    if area is not None:
        partners = partners.filter(areas=area)
    return partners.prefetch_related("areas").order_by("name").distinct()


HOME_SECTIONS_TIMEOUT = 300  # seconds; publishing a page also clears it (cms.signals)


def home_page_sections(*, home) -> dict:
    """What the home page shows below its introduction (cached: it is on every visit)."""
    from cms.signals import listings_version

    key = f"cms:home-sections:{home.pk}:{listings_version()}:{timezone.localdate().isoformat()}"
    sections = cache.get(key)
    if sections is None:
        sections = _home_page_sections(home=home)
        cache.set(key, sections, HOME_SECTIONS_TIMEOUT)
    return sections


def _home_page_sections(*, home) -> dict:
    from cms.models import (
        CaseStudyIndexPage,
        EventIndexPage,
        NewsIndexPage,
        OfferIndexPage,
        PartnerDirectoryPage,
    )

    def child(model):
        return model.objects.child_of(home).live().public().first()

    offer_index = child(OfferIndexPage)
    news_index = child(NewsIndexPage)
    event_index = child(EventIndexPage)
    case_study_index = child(CaseStudyIndexPage)
    return {
        "offer_index": offer_index,
        "offers": list(offer_pages(parent=offer_index)) if offer_index else [],
        "news_index": news_index,
        "latest_news": list(news_items(parent=news_index)[:3]) if news_index else [],
        "event_index": event_index,
        "next_events": list(upcoming_events(parent=event_index)[:2]) if event_index else [],
        "case_study_index": case_study_index,
        "latest_case_studies": (
            list(case_studies(parent=case_study_index)[:2]) if case_study_index else []
        ),
        "partner_directory": child(PartnerDirectoryPage),
    }
