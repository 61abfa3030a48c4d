"""Read the editable site settings (contact details, footer links) for every page."""


def site_contact(request) -> dict:
    try:
        from cms.models import SiteSettings
    except ImportError:
        return {}
    try:
        site_settings = SiteSettings.for_request(request)
    except Exception:  # no Site configured yet (fresh database)
        return {}
    return site_settings.as_context()
