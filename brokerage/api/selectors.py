"""Reads for API tokens: partner admins see and manage their own partner's tokens only."""

from django.db.models import QuerySet
from django.http import Http404

from brokerage.api.models import ApiToken
from portal.accounts.permissions import can_manage_api_tokens


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
