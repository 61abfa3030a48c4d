"""Request types for type checking."""

from django.http import HttpRequest

from portal.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind ``login_required`` or ``role_required`` receives: its user is
    signed in. Annotating such a view's ``request`` with it lets the type checker know."""

    user: User
