"""Money: Stripe connected accounts, suppliers, webhook events, transfers and the ledger.

Money is always integer pence. Ledger entries are immutable: a mistake is corrected by a
further entry, never by editing or deleting one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from brokerage.reference.choices import Barrier
from portal.core.files import PrivateFileField


class FundCategory(models.TextChoices):
    """What the flexible fund pays for (the Routes to Work delivery proposals' examples)."""

    TRAINING = "training", "Training and qualifications"
    CLOTHING = "clothing", "Interview or work clothing"
    TOOLS = "tools", "Tools and equipment"
    TRAVEL = "travel", "Travel"
    CHILDCARE = "childcare", "Childcare"
    LICENCES = "licences", "Licences and cards (for example CSCS, SIA)"
    OTHER = "other", "Another barrier to work"


class Supplier(models.Model):
    """A registered supplier the flexible fund may pay by transfer to its connected account."""

    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=FundCategory.choices)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StripeAccount(models.Model):
    """A Stripe Connect (Express) account: one per employer, or one per registered supplier."""

    employer = models.OneToOneField(
        "employers.Employer", null=True, blank=True, on_delete=models.PROTECT,
        related_name="stripe_account",
    )
    supplier = models.OneToOneField(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="stripe_account"
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


# --- flexible fund ----------------------------------------------------------------------------
#
# Seed 000 (Routes to Work): the flexible fund removes barriers "not funded elsewhere"; it must be
# "immediately responsive and not bureaucratic", and each item "justified not otherwise
# available". Training, clothing, tools, travel, childcare, cards and licences (CSCS, door
# security / SIA) are its examples.
#
# Budget accounting: ``FundBudget.committed_pence`` is stored, not computed. It is the sum of the
# amounts of the budget's approved (or paid, or receipted) requests, and changes only inside the
# transaction that approves, cancels or closes a request, with the budget row locked
# (``select_for_update``). A database check keeps it within ``amount_pence``, so the budget can
# never be overspent, even by two requests approved at the same moment. What has actually been
# spent (card purchases, supplier transfers) is summed from the requests' ``spent_pence``.

DEFAULT_AUTO_APPROVE_LIMIT_PENCE = 10_000  # £100, unless the programme's fund settings say otherwise


class FundSettings(models.Model):
    """A programme's flexible fund rules (edited by coordinators in the admin)."""

    programme = models.OneToOneField(
        "reference.Programme", on_delete=models.CASCADE, related_name="fund_settings"
    )
    auto_approve_limit_pence = models.PositiveIntegerField(
        "approved at once up to (pence)", default=DEFAULT_AUTO_APPROVE_LIMIT_PENCE,
        help_text="Requests up to this amount, within budget, are approved at once. Larger "
        "requests go to a coordinator. In pence: 10000 is £100.",
    )

    class Meta:
        verbose_name = "flexible fund settings"
        verbose_name_plural = "flexible fund settings"

    def __str__(self) -> str:
        return f"Flexible fund settings for {self.programme}"


class FundBudget(models.Model):
    """Money set aside for the flexible fund: a programme, optionally one area, for a period."""

    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="fund_budgets"
    )
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_budgets",
        help_text="Leave empty for a budget covering every area of the programme.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    amount_pence = models.PositiveBigIntegerField("budget (pence)")
    committed_pence = models.PositiveBigIntegerField(
        default=0, editable=False,
        help_text="Approved requests' amounts. Changed only by the fund services, row locked.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme__name", "area__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_pence__lte=models.F("amount_pence")),
                name="fund_budget_never_overcommitted",
                violation_error_message="The budget cannot be less than the amount already committed to approved requests.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="fund_budget_period_valid",
                violation_error_message="The budget must end on or after the day it starts.",
            ),
            models.UniqueConstraint(
                fields=["programme", "area", "starts_on"], name="fund_budget_one_per_start",
                violation_error_message="There is already a budget for this programme and area starting that day.",
            ),
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else "all areas"
        return f"{self.programme} ({where}) {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"

    @property
    def remaining_pence(self) -> int:
        return self.amount_pence - self.committed_pence


class FundCatalogueItem(models.Model):
    """Something the fund typically pays for, linked to the barrier it removes."""

    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=FundCategory.choices)
    barrier = models.CharField(
        max_length=20, blank=True, help_text="The barrier this usually removes.",
        choices=Barrier.choices,
    )
    description = models.TextField(blank=True)
    typical_amount_pence = models.PositiveIntegerField(null=True, blank=True)
    max_amount_pence = models.PositiveIntegerField(
        null=True, blank=True, help_text="A request for this item may not be more than this."
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["name"], name="fund_catalogue_item_unique_name")]

    def __str__(self) -> str:
        return self.name


class FundPaymentMethod(models.TextChoices):
    CARD = "card", "Single-use virtual card for the key worker"
    SUPPLIER = "supplier", "Payment to a registered supplier"


class FundRequestStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a coordinator"
    APPROVED = "approved", "Approved, not yet paid"
    PAID = "paid", "Paid"
    RECEIPTED = "receipted", "Receipt recorded"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"


# Statuses whose amount is held in the budget's committed_pence.
FUND_COMMITTED_STATUSES = (
    FundRequestStatus.APPROVED, FundRequestStatus.PAID, FundRequestStatus.RECEIPTED
)


class FundRequest(models.Model):
    """A key worker's request for money from the flexible fund to remove a participant's barrier."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="fund_requests"
    )
    budget = models.ForeignKey(FundBudget, on_delete=models.PROTECT, related_name="requests")
    action = models.ForeignKey(
        "participants.ActionItem", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="fund_requests", help_text="The barrier action in the action plan.",
    )
    barrier = models.CharField(max_length=20, choices=Barrier.choices)
    category = models.CharField(max_length=20, choices=FundCategory.choices)
    item = models.ForeignKey(
        FundCatalogueItem, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    description = models.CharField("what it is for", max_length=300)
    amount_pence = models.PositiveIntegerField()
    justification = models.TextField(blank=True)
    not_available_elsewhere = models.TextField()
    payment_method = models.CharField(max_length=10, choices=FundPaymentMethod.choices)
    supplier = models.ForeignKey(
        Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_requests"
    )
    status = models.CharField(
        max_length=12, choices=FundRequestStatus.choices, default=FundRequestStatus.REQUESTED,
        db_index=True,
    )
    auto_approved = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_requests_made"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # One per check-your-answers page: sending the same page twice records one request.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # payment
    card_id = models.CharField(max_length=255, blank=True, db_index=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    transfer_id = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_error = models.CharField(max_length=500, blank=True)
    # Card authorisations as Stripe last reported them: {authorisation id: {amount, approved, status}}.
    card_authorisations = models.JSONField(default=dict, blank=True)
    spent_pence = models.BigIntegerField(default=0)
    # quote: what the key worker was quoted before buying (coordinators ask for one)
    # Private: stored under an unguessable name, handed out only by fund_views.fund_quote.
    quote = PrivateFileField(folder="fund-quotes", blank=True)
    quote_uploaded_at = models.DateTimeField(null=True, blank=True)
    # receipt
    # Private: stored under an unguessable name, handed out only by fund_views.fund_receipt.
    receipt = PrivateFileField(folder="fund-receipts", blank=True)
    receipt_uploaded_at = models.DateTimeField(null=True, blank=True)
    receipt_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="fund_request_amount_positive"),
            models.CheckConstraint(
                condition=~Q(payment_method="supplier") | Q(supplier__isnull=False),
                name="fund_request_supplier_payment_has_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"Fund request {self.pk}: {self.description}"

    @property
    def reference(self) -> str:
        return f"FF-{self.pk:05d}"

    @property
    def authorised_pence(self) -> int:
        """Card authorisations approved and not yet captured or reversed."""
        return sum(
            int(a.get("amount", 0)) for a in self.card_authorisations.values()
            if a.get("approved") and a.get("status") == "pending"
        )


class FundCardholder(models.Model):
    """The Stripe Issuing cardholder for a key worker (created the first time a card is issued)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fund_cardholder"
    )
    cardholder_id = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.cardholder_id})"


# --- pending changes to fund budgets and limits (confirmed by a second person), and
# --- employer incentives (schemes, claims, payments, runs, clawbacks) -------------------------
from brokerage.payments.fund_models import *  # noqa: E402,F401,F403
from brokerage.payments.incentive_models import *  # noqa: E402,F401,F403

# --- the money outbox and what needs finance's attention (brokerage/payments/outbox.py) ---------
from brokerage.payments.outbox_models import *  # noqa: E402,F401,F403
