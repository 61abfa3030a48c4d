"""Stripe as the portal mirrors it: connected accounts, webhook events (stored once), transfers and
Issuing transactions. Money is integer pence.
"""

from django.db import models
from django.db.models import Q


class StripeAccount(models.Model):
    """A Stripe Connect (Express) account: one per employer, or one per registered supplier."""

    employer = models.OneToOneField(
        "employers.Employer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="stripe_account",
    )
    supplier = models.OneToOneField(
        "payments.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="stripe_account"
    )
    account_id = models.CharField("Stripe account", max_length=255, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(
        default=list, blank=True, help_text="What Stripe still needs (Stripe's field names)."
    )
    disabled_reason = models.CharField(max_length=100, blank=True)
    status_as_of = models.DateTimeField(
        null=True, blank=True,
        help_text="When Stripe reported the status held here; older reports are ignored.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(employer__isnull=False, supplier__isnull=True)
                    | Q(employer__isnull=True, supplier__isnull=False)
                ),
                name="stripe_account_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} ({self.employer or self.supplier})"

    @property
    def owner(self):
        return self.employer or self.supplier

    @property
    def ready(self) -> bool:
        """Can receive transfers and pay them out to the bank account."""
        return self.payouts_enabled and self.details_submitted


class StripeEvent(models.Model):
    """A webhook event, stored once by its Stripe id before it is handled by a task."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    livemode = models.BooleanField(default=False)
    stripe_created = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    processing_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"

    @property
    def data_object(self) -> dict:
        return (self.payload.get("data") or {}).get("object") or {}


class StripeTransfer(models.Model):
    """What Stripe last told us about a transfer, merged by state (never by event order)."""

    transfer_id = models.CharField(max_length=255, unique=True)
    destination = models.CharField(max_length=255, blank=True)
    amount_pence = models.BigIntegerField(default=0)
    amount_reversed_pence = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="gbp")
    reversed = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.transfer_id


class IssuingTransaction(models.Model):
    """A capture or refund on a flexible-fund virtual card, as Stripe reported it."""

    transaction_id = models.CharField(max_length=255, unique=True)
    card_id = models.CharField(max_length=255, db_index=True)
    authorization_id = models.CharField(max_length=255, blank=True)
    # Stripe's sign: a purchase is negative (money leaves the Issuing balance).
    amount_pence = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="gbp")
    type = models.CharField(max_length=20)
    merchant_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.transaction_id
