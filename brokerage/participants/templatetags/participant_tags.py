from django import template

register = template.Library()


@register.filter
def join_if_list(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return value


@register.filter
def humanise_key(value: str) -> str:
    return str(value).replace("_", " ").capitalize()
