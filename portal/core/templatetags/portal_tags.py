from django import template
from django.utils.http import urlencode

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
    """Integer pence as pounds: 12345 -> '£123.45'."""
    if value is None or value == "":
        return ""
    value = int(value)
    sign = "-" if value < 0 else ""
    pounds, pennies = divmod(abs(value), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


