"""Creating, revoking and checking per-partner API tokens.

A token is ``obp_<prefix>_<secret>``: the prefix finds the row, and only the SHA-256 of the
whole token is stored (the secret is 256 random bits, so a fast hash is enough; nothing can be
recovered from the table). The full token is returned once, by ``api_token_create``.
"""

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.api.models import ApiToken, TokenScope
from brokerage.audit.services import audit_event_record
from portal.accounts.models import User
from portal.accounts.permissions import can_manage_api_tokens

TOKEN_PREFIX = "obp"
MAX_LIFETIME_DAYS = 366
# Writing "last used" on every call would turn each read into a write; a minute is precise enough.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(
    *, actor: User, name: str, scope: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """Create a token for the actor's partner. Returns the row and the token (shown once)."""
    if not can_manage_api_tokens(actor):
        raise ValidationError("Only a partner admin can create API tokens")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
    if scope not in TokenScope.values:
        raise ValidationError({"scope": "Select what the token may do"})
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "The expiry date must be in the future"})
    if expires_on > today + datetime.timedelta(days=MAX_LIFETIME_DAYS):
        raise ValidationError(
            {"expires_on": "The expiry date must be within a year (366 days) from today"}
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.make_aware(
        datetime.datetime.combine(expires_on, datetime.time(23, 59, 59))
    )
    with transaction.atomic():
        token = ApiToken.objects.create(
            partner_id=actor.partner_id, created_by=actor, name=name[:80], scope=scope,
            prefix=prefix, token_hash=_hash(raw), expires_at=expires_at,
        )
        audit_event_record(
            actor=actor, action="api_token.created", obj=token,
            summary=f"Created API token ‘{token.name}’ ({token.get_scope_display().lower()}) "
            f"for {token.partner}",
            data={"prefix": prefix, "scope": scope, "expires_on": expires_on.isoformat()},
        )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not can_manage_api_tokens(actor) or token.partner_id != actor.partner_id:
        raise ValidationError("Only the partner's admins can revoke this token")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise ValidationError("This token has already been revoked")
        token.revoked_at, token.revoked_by = timezone.now(), actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_event_record(
            actor=actor, action="api_token.revoked", obj=token,
            summary=f"Revoked API token ‘{token.name}’ of {token.partner}",
            data={"prefix": token.prefix},
        )
    return token


def api_token_authenticate(raw: str, *, now: datetime.datetime | None = None) -> ApiToken | None:
    """The token ``raw`` names, if it is current (not revoked or expired) and the person it acts
    as is still active and still works for the token's partner; records when it was last used."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("partner", "created_by").filter(prefix=parts[1]).first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, _hash(raw)):
        return None
    now = now or timezone.now()
    user = token.created_by
    if not token.is_usable(now) or not user.is_active or user.partner_id != token.partner_id:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
