"""Reads for API tokens: partner admins see and manage their own partner's tokens only."""

from django.db.models import QuerySet
from django.http import Http404

from brokerage.api.models import ApiToken

MANAGE_PERMISSION = "api.manage_api_tokens"


def can_manage_api_tokens(user) -> bool:
    """A partner admin: works for a partner and holds the permission (given in the admin)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.partner_id
        and user.has_perm(MANAGE_PERMISSION)
    )


def api_tokens_for_user(user) -> QuerySet[ApiToken]:
    if not can_manage_api_tokens(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(partner_id=user.partner_id).select_related(
        "created_by", "revoked_by"
    )


def api_token_for_user_or_404(user, pk: int) -> ApiToken:
    try:
        return api_tokens_for_user(user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404("No API token found") from None
