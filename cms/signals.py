"""Plumbing: forget cached listings and site settings when pages or settings change.

Cached values carry a version number in their key; bumping the version (after the change
commits) makes every cached copy unreachable. Entries also expire after a few minutes, which
bounds staleness where several processes each have their own local-memory cache.
"""

from django.core.cache import cache
from django.db import transaction

LISTINGS_VERSION_KEY = "cms:listings-version"
SETTINGS_VERSION_KEY = "cms:settings-version"


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        version = 1
        cache.add(key, version, timeout=None)
    return version


def _bump(key: str) -> None:
    def bump():
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (evicted, or a fresh process)
            cache.set(key, 2, timeout=None)

    transaction.on_commit(bump)


def listings_version() -> int:
    return _version(LISTINGS_VERSION_KEY)


def settings_version() -> int:
    return _version(SETTINGS_VERSION_KEY)


def listings_changed(**kwargs) -> None:
    _bump(LISTINGS_VERSION_KEY)


def settings_changed(**kwargs) -> None:
    _bump(SETTINGS_VERSION_KEY)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from cms.models import SiteSettings

    page_published.connect(listings_changed, dispatch_uid="cms_listings_published")
    page_unpublished.connect(listings_changed, dispatch_uid="cms_listings_unpublished")
    post_page_move.connect(listings_changed, dispatch_uid="cms_listings_moved")
    post_delete.connect(listings_changed, sender=Page, dispatch_uid="cms_listings_deleted")
    for sender in (SiteSettings, Site):
        post_save.connect(settings_changed, sender=sender, dispatch_uid=f"cms_settings_{sender.__name__}")
        post_delete.connect(
            settings_changed, sender=sender, dispatch_uid=f"cms_settings_del_{sender.__name__}"
        )
