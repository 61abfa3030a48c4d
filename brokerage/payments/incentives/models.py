"""Employer incentives: schemes as data, claims, staged payments, validation, runs, clawbacks.

Imported by ``brokerage.payments.models`` so that Django sees these models in the ``payments``
app. Money is integer pence. Paid records are never edited: money coming back is a
``IncentiveClawback`` linked to the payment, and every movement is a ``LedgerEntry``.

Status of a payment::

    pending ─(due date passed)→ due ─(passes every check, put in a run)→ in_run
      ─(a second finance officer approves the run)→ approved ─(Stripe confirms)→ paid
                                                             └→ failed
    failed ─(finance sends it again, every check passing)→ due
    paused / withdrawn: set by the claim commands (pause, resume, withdraw, reinstate).

Every check runs again at approval and just before the transfer: a payment that fails one then
(or whose run's approval has expired) is held: back to due, out of the run, with the failed
checks kept as an ``IncentiveValidation`` of that run, and needs a new run and approval.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from brokerage.reference.models import Measure

CHECKPOINT_MEASURES = [
    (m.value, m.label) for m in (Measure.JOB_STARTS_4W, Measure.SUSTAINED_13W, Measure.SUSTAINED_26W)
]


class IncentiveScheme(ClusterableModel):
    """An employer incentive a coordinator sets up in the admin: no code per scheme."""

    name = models.CharField(max_length=160)
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="incentive_schemes"
    )
    description = models.TextField(blank=True, help_text="Shown to employers.")
    starts_from = models.DateField(help_text="Job starts on or after this date are eligible.")
    starts_until = models.DateField(
        null=True, blank=True, help_text="Job starts on or before this date are eligible. Leave "
        "empty if the scheme is open-ended.",
    )
    min_hours = models.DecimalField(
        "minimum hours a week", max_digits=4, decimal_places=1, default=16,
        help_text="The job must be at least this many hours a week (Routes to Work: 16).",
    )
    active = models.BooleanField(default=True, help_text="New starts get claims only while active.")
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("programme"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("starts_from"), FieldPanel("starts_until"), FieldPanel("min_hours")],
            heading="Who is eligible",
        ),
        FieldPanel("active"),
        InlinePanel("age_bands", heading="Amounts by age at the start date", min_num=1),
        InlinePanel("stages", heading="Payment stages", min_num=1),
    ]

    class Meta:
        ordering = ["programme__name", "-starts_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_until__isnull=True) | Q(starts_until__gte=models.F("starts_from")),
                name="incentive_scheme_window_valid",
                violation_error_message="The last eligible start date must be on or after the first.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class IncentiveAgeBand(Orderable):
    """The total incentive for a participant whose age at the start date is in the band."""

    scheme = ParentalKey(IncentiveScheme, on_delete=models.CASCADE, related_name="age_bands")
    min_age = models.PositiveSmallIntegerField(help_text="Youngest age in the band, e.g. 18")
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Oldest age in the band, e.g. 24. Empty for no upper limit."
    )
    amount_pence = models.PositiveIntegerField(
        "total incentive (pence)", help_text="In pence: 150000 is £1,500. Split across the stages."
    )

    panels = [FieldPanel("min_age"), FieldPanel("max_age"), FieldPanel("amount_pence")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="incentive_age_band_valid",
                violation_error_message="The oldest age must be at least the youngest age.",
            )
        ]

    def __str__(self) -> str:
        upper = f"{self.max_age}" if self.max_age is not None else "+"
        return f"{self.min_age}–{upper}" if self.max_age is not None else f"{self.min_age}{upper}"

    def covers(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)


class IncentiveStage(Orderable):
    """One payment of a scheme, due a number of days after the start, after its checks pass."""

    scheme = ParentalKey(IncentiveScheme, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=120, help_text="e.g. After 4 weeks in work")
    day_offset = models.PositiveIntegerField(
        "days after the start", help_text="e.g. 28 for 4 weeks, 182 for 26 weeks"
    )
    share_percent = models.PositiveSmallIntegerField(
        "share of the total (%)", help_text="e.g. 50. The stages' shares should add up to 100."
    )
    checkpoint_measure = models.CharField(
        "checkpoint needed", max_length=40, choices=CHECKPOINT_MEASURES,
        help_text="The sustainment checkpoint that must be confirmed before this stage is paid.",
        error_messages={
            "blank": "Choose the checkpoint that must be confirmed before this stage is paid",
        },
    )
    check_employer_verified = models.BooleanField(
        "employer must be verified", default=True,
    )
    check_participant_eligible = models.BooleanField(
        "participant must still be eligible", default=True,
        help_text="Still in the job on the due date, working at least the minimum hours.",
    )
    accepted_evidence = models.JSONField(
        "evidence accepted for the checkpoint", default=list, blank=True,
        help_text=(
            "How the checkpoint may have been confirmed for this stage to be paid, a list of: "
            "email_link, employer_dashboard, key_worker_evidence, participant_text, "
            "key_worker_call, payslip. Empty: any of them."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("day_offset"),
        FieldPanel("share_percent"),
        FieldPanel("checkpoint_measure"),
        FieldPanel("check_employer_verified"),
        FieldPanel("check_participant_eligible"),
        FieldPanel("accepted_evidence"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100),
                name="incentive_stage_share_valid",
                violation_error_message="A stage's share must be between 1 and 100 per cent.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_percent}%)"

    def clean(self) -> None:
        if not self.checkpoint_measure:
            name = self.name or "this stage"
            raise ValidationError({"checkpoint_measure": (
                f"Choose the checkpoint that must be confirmed before \"{name}\" is paid"
            )})


class IncentiveEmployerBlock(models.Model):
    """Finance stops paying an employer (e.g. a fraud referral). Lifted, never deleted."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="incentive_blocks"
    )
    reason = models.TextField()
    reference = models.CharField(max_length=100)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    blocked_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-blocked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer"], condition=Q(lifted_at__isnull=True),
                name="incentive_one_open_block_per_employer",
            )
        ]

    def __str__(self) -> str:
        return f"Incentive block on {self.employer} ({self.reference})"


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class IncentiveClaim(models.Model):
    """A placement's claim under a scheme, made when the start is recorded."""

    scheme = models.ForeignKey(IncentiveScheme, on_delete=models.PROTECT, related_name="claims")
    placement = models.ForeignKey(
        "pipeline.Placement", on_delete=models.PROTECT, related_name="incentive_claims"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="incentive_claims"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="incentive_claims"
    )
    start_date = models.DateField()
    age_at_start = models.PositiveSmallIntegerField()
    total_pence = models.PositiveIntegerField()
    # The scheme's rules as they were when the claim was made: changing the scheme later never
    # changes a claim already made (the payments keep their stage's copy the same way).
    min_hours = models.DecimalField(
        "minimum hours a week", max_digits=4, decimal_places=1, default=16
    )
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "scheme"], name="incentive_one_claim_per_placement_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.scheme} for {self.employer}"

    @property
    def reference(self) -> str:
        return f"IC-{self.pk:05d}"


class ClaimAction(models.TextChoices):
    PAUSE = "pause", "Paused"
    RESUME = "resume", "Resumed"
    WITHDRAW = "withdraw", "Withdrawn"
    REINSTATE = "reinstate", "Reinstated"


class IncentiveClaimCommand(models.Model):
    """A pause, resume, withdraw or reinstate: who, when, why, and the case reference."""

    claim = models.ForeignKey(IncentiveClaim, on_delete=models.PROTECT, related_name="commands")
    action = models.CharField(max_length=10, choices=ClaimAction.choices)
    reason = models.TextField()
    reference = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.claim} ({self.reference})"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Not due yet"
    DUE = "due", "Due"
    IN_RUN = "in_run", "In a payment run"
    APPROVED = "approved", "Approved"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    PAUSED = "paused", "Paused"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Statuses a pause or withdrawal may stop (money has not left yet).
UNPAID_STATUSES = (PaymentStatus.PENDING, PaymentStatus.DUE, PaymentStatus.IN_RUN)


class IncentivePayment(models.Model):
    """One stage's payment for a claim. Paid payments are never edited; see clawbacks."""

    claim = models.ForeignKey(IncentiveClaim, on_delete=models.PROTECT, related_name="payments")
    stage = models.ForeignKey(IncentiveStage, on_delete=models.PROTECT, related_name="payments")
    stage_name = models.CharField(max_length=120)
    checkpoint_measure = models.CharField(max_length=40, blank=True)
    due_on = models.DateField(db_index=True)
    amount_pence = models.PositiveIntegerField()
    # The stage's checks as they were when the claim was made.
    check_employer_verified = models.BooleanField(default=True)
    check_participant_eligible = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    # 1, then one more each time finance sends a failed payment again (a new Stripe key each time).
    attempt = models.PositiveSmallIntegerField(default=1)
    run = models.ForeignKey(
        "payments.PaymentRun", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    # The first check that failed last time the payment was validated ("" when all passed).
    blocking_check = models.CharField(max_length=30, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    transfer_id = models.CharField(max_length=255, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "stage"], name="incentive_one_payment_per_claim_stage"),
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="incentive_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.stage_name}"

    @property
    def reference(self) -> str:
        return f"IP-{self.pk:05d}"

    @property
    def idempotency_key(self) -> str:
        """Derived from the payment (and the attempt, once finance has sent a failed one again)."""
        base = f"incentive-payment-{self.pk}"
        return base if self.attempt <= 1 else f"{base}-attempt-{self.attempt}"

    @property
    def money_sent(self) -> bool:
        """The Stripe transfer has been made (so only a clawback can take the money back)."""
        return bool(self.transfer_id) and self.status in (PaymentStatus.APPROVED, PaymentStatus.PAID)


class IncentiveTransfer(models.Model):
    """The one Stripe transfer for a payment: unique on the payment, so never two."""

    payment = models.OneToOneField(IncentivePayment, on_delete=models.PROTECT, related_name="transfer")
    idempotency_key = models.CharField(max_length=100, unique=True)
    destination = models.CharField(max_length=255)
    amount_pence = models.PositiveIntegerField()
    transfer_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.transfer_id or self.idempotency_key


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for approval"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Approval expired"


DEFAULT_RUN_EXPIRY_DAYS = 7


class PaymentRun(models.Model):
    """A batch of validated payments a finance officer approves; then Stripe pays them."""

    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.PROPOSED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Empty when the weekly task proposed the run.",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    total_pence = models.PositiveBigIntegerField(default=0)
    # An approval is good for this many days: a payment not sent by then is held and goes back
    # to due, for a new run and a new approval.
    expiry_days = models.PositiveSmallIntegerField(default=DEFAULT_RUN_EXPIRY_DAYS)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="proposed"), name="incentive_one_proposed_run",
            )
        ]

    def __str__(self) -> str:
        return f"Payment run {self.reference}"

    @property
    def reference(self) -> str:
        return f"PR-{self.pk:05d}"

    def expired_at(self, now) -> bool:
        """The approval's time is up (whatever has not been sent by now will not be)."""
        return self.expires_at is not None and now >= self.expires_at


class PaymentRunCheck(models.Model):
    """Each time a run's payments are checked: when proposed, and every check again. Kept, never
    overwritten, so separation of duties sees everyone who checked the run."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="checks")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Empty when the weekly task checked the run.",
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    proposal = models.BooleanField(
        default=False, help_text="The check made when the run was proposed."
    )
    total_pence = models.PositiveBigIntegerField(default=0)
    payment_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"Check of {self.run} at {self.checked_at:%Y-%m-%d %H:%M}"


class ValidationMoment(models.TextChoices):
    CHECK = "check", "Checked"
    APPROVAL = "approval", "Held at approval"
    SENDING = "sending", "Held before sending"
    RETRY = "retry", "Checked before sending again"


class IncentiveValidation(models.Model):
    """The checks on one payment at one moment (in a run, or a daily re-check), each named."""

    payment = models.ForeignKey(IncentivePayment, on_delete=models.CASCADE, related_name="validations")
    run = models.ForeignKey(
        PaymentRun, null=True, blank=True, on_delete=models.CASCADE, related_name="validations"
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed = models.BooleanField()
    moment = models.CharField(
        max_length=10, choices=ValidationMoment.choices, default=ValidationMoment.CHECK
    )
    # [{"check": "payout_account", "label": "...", "passed": false, "detail": "..."}, ...]
    results = models.JSONField()

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"Checks on {self.payment}: {'passed' if self.passed else 'failed'}"

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.results if not r["passed"]]


class ClawbackReason(models.TextChoices):
    EARLY_LEAVER = "early_leaver", "Left before the stage's condition was met"
    CHECKPOINT_REVERSED = "checkpoint_reversed", "The checkpoint was reversed"
    STRIPE_REVERSAL = "stripe_reversal", "Reversed in Stripe"


class ClawbackStatus(models.TextChoices):
    PENDING = "pending", "To recover"
    RECOVERED = "recovered", "Recovered"
    WRITTEN_OFF = "written_off", "Written off"


class IncentiveClawback(models.Model):
    """Money to take back for a paid payment. The payment itself is never edited."""

    payment = models.OneToOneField(IncentivePayment, on_delete=models.PROTECT, related_name="clawback")
    reason = models.CharField(max_length=30, choices=ClawbackReason.choices)
    detail = models.TextField(blank=True)
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=ClawbackStatus.choices, default=ClawbackStatus.PENDING, db_index=True
    )
    reversal_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_pence__gt=0), name="incentive_clawback_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Clawback of {self.payment}"

    @property
    def idempotency_key(self) -> str:
        return f"incentive-clawback-{self.pk}"


class IncentivePaymentRetry(models.Model):
    """Finance sent a failed payment again, after fixing the cause: who, when, why, and what the
    failed attempt was (its Stripe key and transfer), since the payment itself moves on."""

    payment = models.ForeignKey(IncentivePayment, on_delete=models.PROTECT, related_name="retries")
    attempt = models.PositiveSmallIntegerField(help_text="The new attempt's number.")
    reason = models.TextField()
    reference = models.CharField(max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    previous_failure_reason = models.CharField(max_length=500, blank=True)
    previous_idempotency_key = models.CharField(max_length=100, blank=True)
    previous_transfer_id = models.CharField(max_length=255, blank=True)
    previous_run = models.ForeignKey(
        PaymentRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "attempt"], name="incentive_one_retry_per_attempt"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} sent again (attempt {self.attempt})"
