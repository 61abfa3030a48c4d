"""The ledger: every money movement, once, in integer pence.

Ledger entries are immutable: a mistake is corrected by a further entry, never by editing or
deleting one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class LedgerKind(models.TextChoices):
    INCENTIVE_PAYMENT = "incentive_payment", "Employer incentive payment"
    CLAWBACK = "clawback", "Clawback"
    FUND_CARD = "fund_card", "Flexible fund card purchase"
    FUND_TRANSFER = "fund_transfer", "Flexible fund payment to a supplier"
    TRANSFER_REVERSAL = "transfer_reversal", "Transfer reversed"
    FUND_CARD_REFUND = "fund_card_refund", "Flexible fund card refund"
    TRANSFER_FAILED = "transfer_failed", "Transfer failed (money returned)"


# Kinds where money leaves the programme (positive) and where it comes back (negative).
OUTGOING_KINDS = frozenset({LedgerKind.INCENTIVE_PAYMENT, LedgerKind.FUND_CARD, LedgerKind.FUND_TRANSFER})
RETURNING_KINDS = frozenset(
    {LedgerKind.CLAWBACK, LedgerKind.TRANSFER_REVERSAL, LedgerKind.FUND_CARD_REFUND,
     LedgerKind.TRANSFER_FAILED}
)


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Ledger entries cannot be changed; record a correcting entry instead")

    def delete(self):
        raise ValueError("Ledger entries cannot be deleted; record a correcting entry instead")


class LedgerEntry(models.Model):
    """One money movement. Positive pence leave the programme; negative pence come back."""

    amount_pence = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="gbp")
    kind = models.CharField(max_length=30, choices=LedgerKind.choices, db_index=True)
    description = models.CharField(max_length=300, blank=True)
    # The portal record this movement belongs to, e.g. ("payments.incentivepayment", "42").
    source_type = models.CharField(max_length=100, blank=True, db_index=True)
    source_id = models.CharField(max_length=64, blank=True)
    stripe_object_id = models.CharField(max_length=255, blank=True)
    stripe_parent_id = models.CharField(
        max_length=255, blank=True, help_text="e.g. the transfer a reversal belongs to."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["source_type", "source_id"])]
        constraints = [
            # One entry per Stripe object: a webhook, the sweep, recovery and the portal can never
            # both record it, whatever order they come in.
            models.UniqueConstraint(
                fields=["stripe_object_id"],
                condition=~Q(stripe_object_id="") & ~Q(kind="transfer_failed"),
                name="ledger_one_entry_per_stripe_object",
            ),
            # ...and a transfer that failed gives its money back once.
            models.UniqueConstraint(
                fields=["stripe_object_id"], condition=Q(kind="transfer_failed"),
                name="ledger_one_failure_per_transfer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_pence}p"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Ledger entries cannot be changed; record a correcting entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries cannot be deleted; record a correcting entry instead")
