from django import template

from portal.accounts.two_factor import has_second_factor, two_factor_required

register = template.Library()


@register.filter
def must_set_up_two_factor(user) -> bool:
    """{% if user|must_set_up_two_factor %}: staff who have no authenticator app or passkey yet."""
    return (
        user.is_authenticated
        and two_factor_required(user, path="")
        and not has_second_factor(user)
    )
