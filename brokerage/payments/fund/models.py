"""The flexible fund: settings, budgets, catalogue, suppliers, requests, cardholders, and changes to
budgets and limits that wait for a second person (``FundChange``). Money is integer pence.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from brokerage.reference.choices import Barrier
from portal.core.files import PrivateFileField
from portal.core.formats import govuk_date


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
                violation_error_message=(
                    "The budget cannot be less than the amount already committed to approved requests."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="fund_budget_period_valid",
                violation_error_message="The budget must end on or after the day it starts.",
            ),
            models.UniqueConstraint(
                fields=["programme", "area", "starts_on"],
                name="fund_budget_one_per_start",
                violation_error_message="There is already a budget for this programme and area starting that day.",
            ),
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else "all areas"
        return f"{self.programme} ({where}) {govuk_date(self.starts_on)} to {govuk_date(self.ends_on)}"

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
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The area the participant lived in when the request was made (reports "
        "count the spend there).",
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
    # Private: stored under an unguessable name, handed out only by fund/views.fund_quote.
    quote = PrivateFileField(folder="fund-quotes", blank=True)
    quote_uploaded_at = models.DateTimeField(null=True, blank=True)
    # receipt
    # Private: stored under an unguessable name, handed out only by fund/views.fund_receipt.
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

class FundChangeKind(models.TextChoices):
    BUDGET_AMOUNT = "budget_amount", "Budget amount"
    AUTO_APPROVE_LIMIT = "auto_approve_limit", "Limit for approval at once"


class FundChangeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for finance"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Replaced by a later change"


class FundChange(models.Model):
    """A proposed new budget amount or approval limit, waiting for a finance officer."""

    kind = models.CharField(max_length=20, choices=FundChangeKind.choices)
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="fund_changes"
    )
    budget = models.ForeignKey(
        "payments.FundBudget", null=True, blank=True, on_delete=models.PROTECT,
        related_name="changes",
    )
    old_pence = models.PositiveBigIntegerField()
    new_pence = models.PositiveBigIntegerField()
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=FundChangeStatus.choices, default=FundChangeStatus.PENDING,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="budget_amount", budget__isnull=False)
                | Q(kind="auto_approve_limit", budget__isnull=True),
                name="fund_change_budget_matches_kind",
            ),
            # One waiting change per budget and one per programme's limit: a newer proposal
            # replaces the older one, so finance never confirms a stale number.
            models.UniqueConstraint(
                fields=["budget"], condition=Q(status="pending", kind="budget_amount"),
                name="fund_change_one_pending_per_budget",
            ),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="pending", kind="auto_approve_limit"),
                name="fund_change_one_pending_limit_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.budget or self.programme}"

    @property
    def reference(self) -> str:
        return f"FC-{self.pk:05d}"
