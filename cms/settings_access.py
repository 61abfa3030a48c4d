"""Read the editable site settings (contact details, footer links) for every page.

The values are cached per site and forgotten when the settings are saved (cms.signals), so
most pages need no query for them.
"""

from django.core.cache import cache
from wagtail.models import Site

CACHE_TIMEOUT = 300


def site_contact(request) -> dict:
    """The site's contact details and footer links, or {} before any Site exists."""
    from cms.models import SiteSettings
    from cms.signals import settings_version

    site = Site.find_for_request(request)
    if site is None:
        return {}  # a fresh database with no Site: the templates fall back to defaults
    key = f"cms:site-contact:{site.pk}:{settings_version()}"
    contact = cache.get(key)
    if contact is None:
        contact = SiteSettings.for_site(site).as_context()
        cache.set(key, contact, CACHE_TIMEOUT)
    return contact
