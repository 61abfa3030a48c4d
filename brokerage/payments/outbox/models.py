"""The money outbox and the "needs attention" list (models; services in ``outbox.py``).

Imported by ``brokerage.payments.models`` so that Django sees these models in the ``payments``
app. A ``MoneyIntent`` is written and committed before Stripe is asked to move money or issue a
card, so that whatever happens to the process after that, the portal knows what it may have
asked for and can find out. States (and why) are described in ``brokerage.payments.outbox``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class IntentKind(models.TextChoices):
    INCENTIVE_TRANSFER = "incentive_transfer", "Employer incentive transfer"
    FUND_TRANSFER = "fund_transfer", "Flexible fund payment to a supplier"
    FUND_CARD = "fund_card", "Flexible fund virtual card"
    FUND_CARD_CANCEL = "fund_card_cancel", "Cancel a flexible fund card"


# Kinds that make a transfer (found again by transfer group) and kinds that move no money.
TRANSFER_KINDS = (IntentKind.INCENTIVE_TRANSFER, IntentKind.FUND_TRANSFER)


class IntentState(models.TextChoices):
    PENDING = "pending", "Not sent to Stripe yet"
    SENDING = "sending", "Sent to Stripe; outcome not recorded yet"
    CONFIRMED = "confirmed", "Made in Stripe and recorded"
    FAILED = "failed", "Refused by Stripe: nothing was made"
    CANCELLED = "cancelled", "Not needed any more (never sent)"


IN_FLIGHT_STATES = (IntentState.PENDING, IntentState.SENDING)


class MoneyIntent(models.Model):
    """One thing the portal asks Stripe to do with money, recorded before it asks."""

    kind = models.CharField(max_length=20, choices=IntentKind.choices)
    state = models.CharField(
        max_length=10, choices=IntentState.choices, default=IntentState.PENDING, db_index=True
    )
    payment = models.ForeignKey(
        "payments.IncentivePayment", null=True, blank=True, on_delete=models.PROTECT,
        related_name="money_intents",
    )
    fund_request = models.ForeignKey(
        "payments.FundRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="money_intents",
    )
    # A connected account (transfers), a cardholder (cards) or the card to cancel.
    destination = models.CharField(max_length=255)
    amount_pence = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3, default="gbp")
    idempotency_key = models.CharField(max_length=255, unique=True)
    transfer_group = models.CharField(max_length=255, blank=True)
    # Sent exactly as stored, so a retry with the same key is the same request.
    metadata = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    stripe_object_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(payment__isnull=False, fund_request__isnull=True)
                    | Q(payment__isnull=True, fund_request__isnull=False)
                ),
                name="money_intent_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(kind="fund_card_cancel") | Q(amount_pence__gt=0),
                name="money_intent_moves_money",
            ),
            # At most one attempt in flight per record and kind: never two transfers at once.
            models.UniqueConstraint(
                fields=["payment", "kind"], condition=Q(state__in=["pending", "sending"]),
                name="money_intent_one_in_flight_per_payment",
            ),
            models.UniqueConstraint(
                fields=["fund_request", "kind"], condition=Q(state__in=["pending", "sending"]),
                name="money_intent_one_in_flight_per_fund_request",
            ),
            # A Stripe object belongs to one intent.
            models.UniqueConstraint(
                fields=["kind", "stripe_object_id"], condition=~Q(stripe_object_id=""),
                name="money_intent_one_per_stripe_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.idempotency_key} ({self.state})"

    @property
    def subject_label(self) -> str:
        if self.payment_id:
            return f"IP-{self.payment_id:05d}"
        return f"FF-{self.fund_request_id:05d}"


class AttentionCode(models.TextChoices):
    EVENT_MISMATCH = "event_mismatch", "A Stripe event does not match the portal's own record"
    CARD_SPEND_AFTER_CANCEL = (
        "card_spend_after_cancel", "Card spent after its request was cancelled"
    )
    MONEY_AFTER_CANCEL = "money_after_cancel", "Money moved after its request was cancelled"
    STUCK = "stuck", "Not settled with Stripe after many attempts"


class MoneyAttention(models.Model):
    """Something about money finance must look at: recorded once, changed nothing by itself."""

    code = models.CharField(max_length=30, choices=AttentionCode.choices)
    # What it is about, unique per code: a Stripe event id, an Issuing transaction id, ...
    reference = models.CharField(max_length=255)
    reason = models.TextField()
    event = models.ForeignKey(
        "payments.StripeEvent", null=True, blank=True, on_delete=models.PROTECT,
        related_name="attention",
    )
    payment = models.ForeignKey(
        "payments.IncentivePayment", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    fund_request = models.ForeignKey(
        "payments.FundRequest", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    amount_pence = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "money attention items"
        constraints = [
            models.UniqueConstraint(
                fields=["code", "reference"], name="money_attention_once_per_thing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.reference}"
