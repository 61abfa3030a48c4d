"""Template helpers for front-door pages: GOV.UK classes on rich text, breadcrumbs."""

import re

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Site
from wagtail.rich_text import RichText, expand_db_html

register = template.Library()

_TAG_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-l",
    "h3": "govuk-heading-m",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
}
_OPEN_TAG = re.compile(r"<(p|h2|h3|h4|ul|ol|a)(?=[\s>])([^>]*)>")


def _add_class(match: re.Match) -> str:
    tag, attrs = match.group(1), match.group(2)
    if "class=" in attrs:
        return match.group(0)
    return f'<{tag} class="{_TAG_CLASSES[tag]}"{attrs}>'


@register.filter
def govuk_richtext(value) -> str:
    """Expand Wagtail rich text and add GOV.UK typography classes to its elements."""
    if value is None:
        return ""
    source = value.source if isinstance(value, RichText) else str(value)
    return mark_safe(_OPEN_TAG.sub(_add_class, expand_db_html(source)))  # noqa: S308


@register.simple_tag(takes_context=True)
def page_breadcrumbs(context, page) -> list[tuple[str, str]]:
    """(label, url) for each ancestor of the page from the site's home page, then the page.

    Reads titles and paths only (one light query) rather than loading each ancestor page.
    """
    site = Site.find_for_request(context.get("request"))
    root_path = site.root_page.url_path if site else "/"
    crumbs = []
    ancestors = page.get_ancestors().filter(depth__gt=1).values_list("title", "url_path")
    for title, url_path in ancestors:
        if not url_path.startswith(root_path):
            continue  # above this site's home page
        is_home = url_path == root_path
        crumbs.append(("Home" if is_home else title, "/" + url_path[len(root_path) :]))
    crumbs.append((page.title, ""))
    return crumbs


@register.filter
def govuk_time(value) -> str:
    """GOV.UK style times: 9am, 5:30pm, midday, midnight."""
    if not value:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{value.minute and f':{value.minute:02d}' or ''}{suffix}"
