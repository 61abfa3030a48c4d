"""Per-partner API tokens. Only a hash of each token is kept; the token is shown once."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiToken(models.Model):
    """A partner's key to the API. Calls made with it act as the partner admin who created it,
    limited to that partner: it sees what that person sees on the pages, no more."""

    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.CASCADE, related_name="partner_api_tokens"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_api_tokens",
        help_text="The partner admin who created the token; calls act as this person.",
    )
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. 'Case system'.")
    scope = models.CharField(max_length=12, choices=TokenScope.choices, default=TokenScope.READ)
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_api_tokens", "Can create and revoke their partner's API tokens"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.partner}"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"
