"""Who may use the payments pages and actions: the role checks every payments module shares.

Kept below every other payments module (it imports none of them), so services, selectors and
views of each sub-package can use it without importing one another.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from portal.accounts.decorators import role_required
from portal.accounts.roles import Role

FINANCE_ROLES = (Role.FINANCE_OFFICER, Role.COORDINATOR)


def can_see_finance(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*FINANCE_ROLES))


def is_finance_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.FINANCE_OFFICER))


def finance_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_see_finance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


employer_required = role_required(Role.EMPLOYER)
