"""Anonymous public pages from the shared cache, with HTTP caching headers for a CDN.

``cache_public_page(*kinds, params=...)`` wraps a view (Wagtail's ``serve``, the public
opportunity listing and detail). A GET from someone with no session or messages cookie is
answered from the cache (Django's cache framework: Redis via ``CACHE_URL`` in production,
local memory in the embedded default) when a copy is there, and otherwise rendered and kept:

* **What may be kept.** Only a 200 response, rendered for an anonymous visitor, that sets no
  cookie and did not ask for a CSRF token (a page with a POST form is never kept, so no token
  is ever served to someone else), and is not marked ``private``/``no-store``. A request that
  carries the session cookie (signed in, or an anonymous session holding a passed page
  password or a half-finished form) or the messages cookie is always rendered, and marked
  ``Cache-Control: private``.
* **Key.** Scheme, host, path and the query string reduced to the parameters the view reads
  (``params``), sorted; tracking parameters (``utm_*``, ``gclid``, ``fbclid``) are dropped.
  A request with any other parameter is rendered and not kept (no cache flooding). The key
  also holds the current *generation* of every kind of data the page shows, and today's date.
* **Invalidation.** ``bump(kind)`` (after the change commits) moves a kind to its next
  generation, so every page that shows it is missed and rendered again on its next request.
  Signals call it: page published, unpublished, moved or deleted, site settings saved
  (``cms.signals``); an opportunity, employer or area saved or deleted, a partner or its areas
  changed (``connect()`` below). Entries also expire after ``PUBLIC_PAGE_CACHE_TIMEOUT``,
  which bounds staleness where each process has its own local-memory cache.
* **HTTP.** Every kept response carries an ``ETag`` and ``Cache-Control: public,
  max-age=PUBLIC_PAGE_CACHE_MAX_AGE`` with ``Vary: Cookie``, and a conditional GET
  (``If-None-Match``) is answered ``304 Not Modified`` (Django's ``get_conditional_response``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)

PAGES = "pages"  # Wagtail pages published, unpublished, moved, deleted
SETTINGS = "settings"  # site settings (header, footer, contact details)
PARTNERS = "partners"  # the partner directory
OPPORTUNITIES = "opportunities"  # public opportunity listing and detail

TRACKING_PARAMS = ("utm_", "gclid", "fbclid", "mc_cid", "mc_eid")
HIT_HEADER = "X-Portal-Cache"


def _generation_key(kind: str) -> str:
    return f"public-cache:generation:{kind}"


def generations(kinds: Iterable[str]) -> tuple[int, ...]:
    """The current generation of each kind (one cache round trip)."""
    kinds = tuple(kinds)
    found = cache.get_many([_generation_key(kind) for kind in kinds])
    values = []
    for kind in kinds:
        key = _generation_key(kind)
        value = found.get(key)
        if value is None:
            cache.add(key, _fresh_generation(), timeout=None)
            value = cache.get(key, 0)
        values.append(value)
    return tuple(values)


def _fresh_generation() -> int:
    """A starting generation no earlier copy can have (the key was evicted or never set)."""
    return time.time_ns() // 1000


def bump(kind: str) -> None:
    """Move ``kind`` to its next generation once the current transaction commits."""

    def bump_now() -> None:
        key = _generation_key(kind)
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (evicted, or a fresh local-memory cache)
            cache.set(key, _fresh_generation(), timeout=None)

    transaction.on_commit(bump_now)


def _timeout() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_TIMEOUT", 300)


def _max_age() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_MAX_AGE", 60)


def _has_personal_cookie(request: HttpRequest) -> bool:
    names = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGE_COOKIE_NAME", "messages"))
    return any(name in request.COOKIES for name in names)


def _query_string(request: HttpRequest, params: frozenset[str]) -> str | None:
    """The query string reduced to ``params``, sorted; None if it holds anything else."""
    kept: list[tuple[str, str]] = []
    for name in request.GET:
        if name.startswith(TRACKING_PARAMS):
            continue
        if name not in params:
            return None
        kept.extend((name, value) for value in request.GET.getlist(name))
    return urlencode(sorted(kept))


def _cache_key(request: HttpRequest, kinds: tuple[str, ...], query: str) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    state = ".".join(str(g) for g in generations(kinds))
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"public-page:{digest}:{state}:{timezone.localdate().isoformat()}"


def _public_headers(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=_max_age())
    patch_vary_headers(response, ("Cookie",))


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not getattr(request, "is_preview", False)
    )


def cache_public_page(
    *kinds: str, params: Iterable[str] | Callable[[], Iterable[str]] = ()
) -> Callable:
    """Serve the view's anonymous GETs from the shared cache (see the module's docstring)."""

    def decorator(view: Callable) -> Callable:
        allowed: frozenset[str] | None = None

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            nonlocal allowed
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if _has_personal_cookie(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True)
                return response
            if allowed is None:
                allowed = frozenset(params() if callable(params) else params)
            query = _query_string(request, allowed)
            if query is None:
                return view(request, *args, **kwargs)
            key = _cache_key(request, kinds, query)
            entry = cache.get(key)
            if entry is not None:
                content, content_type, etag = entry
                response = HttpResponse(content, content_type=content_type)
                response["ETag"] = etag
                response[HIT_HEADER] = "hit"
                _public_headers(response)
                return get_conditional_response(request, etag=etag, response=response)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if request.method != "GET" or not _cacheable(request, response):
                return response
            set_response_etag(response)
            _public_headers(response)
            response[HIT_HEADER] = "miss"
            cache.set(
                key, (response.content, response["Content-Type"], response["ETag"]), _timeout()
            )
            return get_conditional_response(request, etag=response["ETag"], response=response)

        return wrapper

    return decorator


# --- what changes which kind (plumbing only: each bump waits for the commit) ------------------


def _bumper(*kinds: str) -> Callable:
    def receiver(**kwargs) -> None:
        for kind in kinds:
            bump(kind)

    return receiver


_pages_changed = _bumper(PAGES)
_settings_changed = _bumper(SETTINGS)
_partners_changed = _bumper(PARTNERS)
_opportunities_changed = _bumper(OPPORTUNITIES)
_areas_changed = _bumper(PARTNERS, OPPORTUNITIES)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import Page, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from brokerage.employers.models import Employer
    from brokerage.opportunities.models import Opportunity
    from brokerage.reference.models import Area, Partner
    from cms.models import SiteSettings

    page_published.connect(_pages_changed, dispatch_uid="public_cache_page_published")
    page_unpublished.connect(_pages_changed, dispatch_uid="public_cache_page_unpublished")
    post_page_move.connect(_pages_changed, dispatch_uid="public_cache_page_moved")
    post_delete.connect(_pages_changed, sender=Page, dispatch_uid="public_cache_page_deleted")
    receivers = [
        (SiteSettings, _settings_changed),
        (Site, _settings_changed),
        (Partner, _partners_changed),
        (Opportunity, _opportunities_changed),
        (Employer, _opportunities_changed),
        (Area, _areas_changed),
    ]
    for sender, receiver in receivers:
        uid = f"public_cache_{sender._meta.label_lower}"
        post_save.connect(receiver, sender=sender, dispatch_uid=f"{uid}_saved")
        post_delete.connect(receiver, sender=sender, dispatch_uid=f"{uid}_deleted")
    m2m_changed.connect(
        _partners_changed, sender=Partner.areas.through, dispatch_uid="public_cache_partner_areas"
    )
