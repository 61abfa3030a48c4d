from django import template
from django.utils.http import urlencode

from portal.core.money import pence_display

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return urlencode(sorted((k, v) for k in query for v in query.getlist(k)))


@register.filter
def pence(value) -> str:
    """Integer pence as pounds: 12345 -> '£123.45' (nothing for no value)."""
    if value is None or value == "":
        return ""
    return pence_display(int(value))


