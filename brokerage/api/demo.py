"""The demo partner staff member (partner@example.org) is their partnership's admin for the
partner API, so the API tokens page can be tried. No token is made: a token is shown only once,
to whoever creates it. Idempotent."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission


def load(stdout) -> None:
    user = get_user_model().objects.filter(email="partner@example.org").first()
    if user is None:
        stdout.write("  api: no partner@example.org to make a partner API admin")
        return
    user.user_permissions.add(Permission.objects.get(
        content_type__app_label="api", codename="manage_api_tokens"
    ))
    stdout.write("  api: partner@example.org manages their partner's API tokens")
