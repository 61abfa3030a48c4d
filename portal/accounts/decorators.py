from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(*roles: str, message: str = "You do not have access to this page"):
    """Signed-in users holding any of ``roles`` may use the view; others get 403.

    Which objects they may see is still decided by each app's selectors (404 for the rest).
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
