"""Changes to the flexible fund's money settings that wait for a second person.

Imported by ``brokerage.payments.models`` so that Django sees the model in the ``payments`` app.
A budget's amount and a programme's "approved at once" limit decide how much money can go out
without anyone else looking, so a change to either is proposed (by a coordinator in the admin,
or a finance officer) and takes effect only when a finance officer other than the proposer
confirms it (``brokerage.payments.fund.fund_change_confirm``). The record is kept either way.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


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
