"""The brokerage pipeline: from a proposal to a sustained job.

- ``Proposal``: a key worker puts a consenting participant forward for an opportunity. Its
  status moves only through ``services.transitions.TRANSITIONS``; each move is a
  ``ProposalEvent`` (who, when, why).
- ``Interview``: booked by the employer; the participant's name and contact details are shown
  to the employer only once one is booked and the participant agreed to it.
- ``Placement``: the job (or placement) once the person starts. ``Checkpoint`` rows are
  scheduled from the start date by the programme's ``CheckpointRule`` rows (rules as data).
- ``Progression``, ``SupportContact``: what happens in work.
- ``OutcomeRecord``: immutable facts (start, checkpoint met or missed, leaver, progression)
  with dates. Reporting and payments read only these, never the mutable statuses above.
- Mentoring (Plan 500): ``MentorProfile``, ``MentoringAgreement``, ``MentoringContact``.
- ``RouteWay``: a pre-employment course linked to an employer's guaranteed interview.
"""

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel

from brokerage.reference.choices import Sector
from brokerage.reference.models import Measure
from portal.core.files import PrivateFileField

# --- proposals and interviews ----------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    WITH_EMPLOYER = "with_employer", "With employer"
    INTERVIEW_BOOKED = "interview_booked", "Interview booked"
    INTERVIEWED = "interviewed", "Interviewed"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Offer accepted"
    STARTED = "started", "Started"
    DECLINED = "declined", "Declined by employer"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NO_SHOW = "no_show", "Did not attend interview"
    OFFER_REFUSED = "offer_refused", "Offer refused"


OPEN_STATUSES = frozenset(
    {
        ProposalStatus.PROPOSED,
        ProposalStatus.WITH_EMPLOYER,
        ProposalStatus.INTERVIEW_BOOKED,
        ProposalStatus.INTERVIEWED,
        ProposalStatus.OFFERED,
        ProposalStatus.ACCEPTED,
    }
)


class Proposal(models.Model):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="proposals"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="proposals"
    )
    status = models.CharField(
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
        db_index=True,
    )
    status_reason = models.TextField(blank=True)
    note = models.TextField(
        help_text="Why this person suits the opportunity (the employer reads this)."
    )
    share_details_at_interview = models.BooleanField(
        default=False,
        help_text="The participant agreed that their name and contact details go to the employer "
        "when an interview is booked.",
    )
    guaranteed_interview = models.BooleanField(
        default=False, help_text="Earned by completing a linked route-way: the employer interviews."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "opportunity"],
                condition=models.Q(
                    status__in=[
                        "proposed", "with_employer", "interview_booked", "interviewed", "offered",
                        "accepted", "started",
                    ]
                ),
                name="one_open_proposal_per_participant_opportunity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} for {self.opportunity}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProposalEvent(models.Model):
    """One status change: who, when and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    #: The reasons picked from the list coordinators keep (``DecisionReason``), kept as data;
    #: ``reason`` holds them as text followed by the person's own words.
    reasons = models.ManyToManyField(
        "pipeline.DecisionReason", blank=True, related_name="proposal_events"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.from_status} → {self.to_status}"


class ProposalQuestion(models.Model):
    """An employer's question about a candidate, answered by the key worker."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return self.question[:60]


class InterviewFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"


class Interview(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="interviews")
    date = models.DateField()
    time = models.TimeField()
    format = models.CharField(max_length=12, choices=InterviewFormat.choices)
    location = models.CharField(
        max_length=300,
        blank=True,
        help_text="Address for an in-person interview, or the video link.",
    )
    adjustments = models.TextField(blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-time", "-id"]

    def __str__(self) -> str:
        return f"Interview for {self.proposal} on {self.date}"


# --- placements and checkpoints ----------------------------------------------------------------


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    TEMPORARY = "temporary", "Temporary or agency"
    ZERO_HOURS = "zero_hours", "Zero hours"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    PLACEMENT = "placement", "Unpaid placement (work experience, trial or volunteering)"


class PayBasis(models.TextChoices):
    HOUR = "hour", "an hour"
    WEEK = "week", "a week"
    YEAR = "year", "a year"


class PlacementStatus(models.TextChoices):
    IN_WORK = "in_work", "In work"
    LEFT = "left", "Left"


class Placement(models.Model):
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="placement")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="placements"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="placements"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, related_name="placements"
    )
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="placements"
    )
    job_title = models.CharField(max_length=160)
    start_date = models.DateField(db_index=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices)
    pay_pence = models.PositiveIntegerField(null=True, blank=True)
    pay_basis = models.CharField(max_length=10, choices=PayBasis.choices, blank=True)
    status = models.CharField(
        max_length=10,
        choices=PlacementStatus.choices,
        default=PlacementStatus.IN_WORK,
        db_index=True,
    )
    left_on = models.DateField(null=True, blank=True)
    leaving_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return f"{self.job_title} at {self.employer} from {self.start_date}"


class CheckpointKind(models.TextChoices):
    SUSTAINMENT = "sustainment", "Sustainment check"
    REVIEW = "review", "In-work review"


class CheckpointRule(models.Model):
    """When a programme checks that someone is still in work, counted from the start date.

    The due date is the start date plus ``offset_months`` calendar months (a month end stays a
    month end: 31 January + 1 month is 28 or 29 February) plus ``offset_days`` days. A due date
    on a weekend or bank holiday stays as it is: it is a fact about how long the person has
    been in work. Reminders are sent on the working day on or before the reminder date.
    """

    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.CASCADE, related_name="checkpoint_rules"
    )
    name = models.CharField(max_length=120, help_text="e.g. Job start sustained 4 weeks")
    kind = models.CharField(max_length=12, choices=CheckpointKind.choices)
    offset_days = models.PositiveIntegerField(default=0, help_text="e.g. 28 for 4 weeks")
    offset_months = models.PositiveSmallIntegerField(
        default=0, help_text="e.g. 3 for a 3-month review"
    )
    min_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        help_text="Hours a week the person must be working for this to count (e.g. 16).",
    )
    counts_as = models.CharField(
        max_length=40,
        blank=True,
        choices=[
            (m.value, m.label)
            for m in (Measure.JOB_STARTS_4W, Measure.SUSTAINED_13W, Measure.SUSTAINED_26W)
        ],
        help_text="The reported measure this checkpoint counts toward, if any.",
    )
    reminder_days_before = models.PositiveSmallIntegerField(default=7)
    grace_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days after the due date before an unconfirmed checkpoint is missed."
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("programme"),
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("offset_days"),
        FieldPanel("offset_months"),
        FieldPanel("min_hours"),
        FieldPanel("counts_as"),
        FieldPanel("reminder_days_before"),
        FieldPanel("grace_days"),
        FieldPanel("active"),
        FieldPanel("order"),
    ]

    class Meta:
        ordering = ["programme", "order", "offset_months", "offset_days", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset_days__gt=0) | models.Q(offset_months__gt=0),
                name="checkpoint_rule_has_offset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class CheckpointStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    MET = "met", "Confirmed"
    NOT_MET = "not_met", "Not met"
    MISSED = "missed", "Missed: not confirmed in time"
    CANCELLED = "cancelled", "Cancelled: the person left"


class ConfirmedVia(models.TextChoices):
    EMAIL_LINK = "email_link", "Employer, from the emailed link"
    EMPLOYER_DASHBOARD = "employer_dashboard", "Employer, signed in"
    KEY_WORKER_EVIDENCE = "key_worker_evidence", "Key worker, with evidence"
    # The sustainment evidence ladder (brokerage/pipeline/services/evidence.py).
    PARTICIPANT_TEXT = "participant_text", "Participant, replying to a text"
    KEY_WORKER_CALL = "key_worker_call", "Key worker, by phoning the participant"
    PAYSLIP = "payslip", "Key worker, with a payslip uploaded"


class EvidenceRung(models.TextChoices):
    """The ladder a due checkpoint climbs until someone confirms it, in this order."""

    EMPLOYER_LINK = "employer_link", "Employer asked by emailed link"
    PARTICIPANT_TEXT = "participant_text", "Participant asked by text"
    KEY_WORKER_CALL = "key_worker_call", "Key worker asked to call"
    PAYSLIP = "payslip", "Payslip asked for"


class Checkpoint(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="checkpoints")
    rule = models.ForeignKey(CheckpointRule, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=CheckpointKind.choices)
    counts_as = models.CharField(max_length=40, blank=True)
    min_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    due_on = models.DateField(db_index=True)
    remind_on = models.DateField(db_index=True)
    missed_after = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10,
        choices=CheckpointStatus.choices,
        default=CheckpointStatus.SCHEDULED,
        db_index=True,
    )
    still_employed = models.BooleanField(null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    evidence = models.TextField(blank=True)
    confirmed_via = models.CharField(max_length=20, choices=ConfirmedVia.choices, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The evidence ladder: which rung the check is on and since when (services/evidence.py).
    evidence_rung = models.CharField(max_length=20, choices=EvidenceRung.choices, blank=True)
    evidence_rung_since = models.DateField(null=True, blank=True)
    payslip = PrivateFileField(folder="payslips", blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "rule"], condition=models.Q(rule__isnull=False),
                name="one_checkpoint_per_rule_per_placement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} for {self.placement}"


class CheckpointLink(models.Model):
    """One emailed confirmation link. The token is signed; this row makes it single-use."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="links")
    nonce = models.CharField(max_length=32, unique=True)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Link for {self.checkpoint} to {self.email}"


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", "Checkpoint coming up"
    CONFIRM_REQUEST = "confirm_request", "Please confirm employment"
    MISSED = "missed", "Checkpoint missed"


class CheckpointNotice(models.Model):
    """An email sent about a checkpoint: unique, so a task run twice sends nothing twice."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "kind", "email"], name="unique_checkpoint_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email}"


# --- in work ------------------------------------------------------------------------------------


class ProgressionKind(models.TextChoices):
    TRAINING = "training", "Training or qualification"
    MORE_HOURS = "more_hours", "More hours"
    HIGHER_PAY = "higher_pay", "Higher pay"
    SECOND_JOB = "second_job", "Second job (to increase hours)"
    PROMOTION = "promotion", "Promotion"
    NEXT_STEP = "next_step", "Next step on the career ladder"


class Progression(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="progressions")
    kind = models.CharField(max_length=20, choices=ProgressionKind.choices)
    occurred_on = models.DateField()
    details = models.TextField()
    evidence = models.TextField(
        help_text="What shows it happened, e.g. a certificate or a new contract."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class SupportWith(models.TextChoices):
    PARTICIPANT = "participant", "The participant"
    EMPLOYER = "employer", "The employer"
    BOTH = "both", "Both"


class SupportMethod(models.TextChoices):
    SITE_VISIT = "site_visit", "Site visit"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    VIDEO = "video", "Video call"


class SupportContact(models.Model):
    """In-work support: a contact with the participant or employer, the issues and actions."""

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="support_contacts"
    )
    happened_on = models.DateField()
    with_whom = models.CharField(max_length=12, choices=SupportWith.choices)
    method = models.CharField(max_length=12, choices=SupportMethod.choices)
    issues = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"Support on {self.happened_on}"


# --- outcome records --------------------------------------------------------------------------


class OutcomeKind(models.TextChoices):
    START = "start", "Job start"
    PLACEMENT = "placement", "Placement start"
    CHECKPOINT_MET = "checkpoint_met", "Checkpoint met"
    CHECKPOINT_MISSED = "checkpoint_missed", "Checkpoint missed"
    LEAVER = "leaver", "Left work"
    PROGRESSION = "progression", "Progression"


class ImmutableRecord(Exception):
    """Outcome records are facts: they are never changed or deleted."""


class OutcomeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord("Outcome records cannot be changed")

    def delete(self):
        raise ImmutableRecord("Outcome records cannot be deleted")


class OutcomeContext(models.TextChoices):
    """Where an outcome record's context (area, enrolment, key worker's partner) came from."""

    RECORDED = "recorded", "Recorded with the fact"
    EARLIER_FACT = "earlier_fact", "Taken from the person's earlier fact (they changed since)"
    FILLED = "filled", "Filled in later from the person's record"
    NOT_KNOWN = "not_known", "Not known"


class OutcomeRecord(models.Model):
    """An immutable, dated fact that reporting and payments read.

    ``key`` is unique: one record per (kind, placement, checkpoint or progression), so a fact is
    never counted twice however often a service or task runs. The fact keeps its context at the
    time it happened (``area``, ``enrolment``, ``key_worker_partner``, ``strand``,
    ``opportunity_type``): reports read those, never the person's current values.
    """

    key = models.CharField(max_length=80, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices, db_index=True)
    measure = models.CharField(max_length=40, blank=True, db_index=True)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="outcomes"
    )
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="outcomes"
    )
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, related_name="outcomes"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.PROTECT, related_name="outcomes"
    )
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="outcomes")
    checkpoint = models.ForeignKey(
        Checkpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    progression = models.ForeignKey(
        Progression, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    occurred_on = models.DateField(db_index=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    # Context at the time of the fact (see ``brokerage.pipeline.services.outcomes``).
    enrolment = models.ForeignKey(
        "reference.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The programme the person was enrolled on when the fact happened.",
    )
    key_worker_partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The partner the person's key worker worked for when the fact happened.",
    )
    strand = models.ForeignKey(
        "reference.Strand", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The strand of the opportunity, when it belongs to one.",
    )
    opportunity_type = models.CharField(max_length=40, blank=True)
    context = models.CharField(
        max_length=20, choices=OutcomeContext.choices, default=OutcomeContext.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_on", "id"]
        indexes = [
            # Covers the outcome report's counts (reporting reads only these columns); its leading
            # columns serve every lookup by programme, kind and date.
            models.Index(
                fields=["programme", "kind", "occurred_on", "measure", "area", "participant"],
                name="outcome_report_covering",
            ),
            # The reports read by enrolment (attribution) and as at a date (created_at).
            models.Index(
                fields=[
                    "enrolment", "kind", "occurred_on", "measure", "opportunity_type", "area",
                    "participant", "created_at",
                ],
                name="outcome_enrolment_covering",
            ),
            models.Index(
                fields=["strand", "kind", "occurred_on", "measure", "opportunity_type",
                        "participant", "created_at"],
                name="outcome_strand_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.participant} on {self.occurred_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecord("Outcome records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Outcome records cannot be deleted")


# --- mentoring (Plan 500) -------------------------------------------------------------------


class MentorProfile(models.Model):
    """An employer volunteer trained to mentor (Plan 500 mentors take at least two mentees)."""

    EXPECTED_MENTEES = 2

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="mentors"
    )
    sectors = models.JSONField(default=list, help_text="Sectors (Sector values) the mentor knows.")
    about = models.TextField(
        help_text="What the mentor does and can help with (mentees read this)."
    )
    trained_on = models.DateField(null=True, blank=True, help_text="Date of the mentor training.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "id"]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def sector_labels(self) -> list[str]:
        lookup = dict(Sector.choices)
        return [str(lookup.get(s, s)) for s in self.sectors]


class MentoringStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class MentoringOutcome(models.TextChoices):
    FOUND_JOB = "found_job", "Found a job"
    STAYED_IN_JOB = "stayed_in_job", "Stayed in their job"
    TRAINING = "training", "Started training or education"
    MORE_CONFIDENT = "more_confident", "More confident and ready to apply"
    ENDED_EARLY = "ended_early", "Ended early"


class MentoringAgreement(models.Model):
    MAX_MONTHS = 6

    mentor = models.ForeignKey(MentorProfile, on_delete=models.PROTECT, related_name="agreements")
    mentee = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="mentoring_agreements"
    )
    sector = models.CharField(max_length=40, choices=Sector.choices)
    contact_method = models.CharField(max_length=200)
    place = models.CharField(max_length=200)
    frequency = models.CharField(max_length=120)
    covers = models.TextField()
    does_not_cover = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=10,
        choices=MentoringStatus.choices,
        default=MentoringStatus.ACTIVE,
        db_index=True,
    )
    closed_on = models.DateField(null=True, blank=True)
    outcomes = models.JSONField(default=list, blank=True)
    outcome_notes = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"], condition=models.Q(status="active"),
                name="one_active_agreement_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentoring {self.mentee}"

    @property
    def outcome_labels(self) -> list[str]:
        lookup = dict(MentoringOutcome.choices)
        return [str(lookup.get(o, o)) for o in self.outcomes]


class MentoringContact(models.Model):
    agreement = models.ForeignKey(
        MentoringAgreement, on_delete=models.CASCADE, related_name="contacts"
    )
    happened_on = models.DateField()
    method = models.CharField(max_length=12, choices=SupportMethod.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]

    def __str__(self) -> str:
        return f"Mentoring contact on {self.happened_on}"


# --- route-ways ------------------------------------------------------------------------------


class RouteWay(models.Model):
    """A pre-employment course; completing it earns the employer's guaranteed interview."""

    name = models.CharField(max_length=160)
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="route_ways",
        help_text="The opportunity whose interview the course guarantees.",
    )
    hours = models.PositiveSmallIntegerField(default=15)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"), FieldPanel("opportunity"), FieldPanel("hours"),
        FieldPanel("description"), FieldPanel("active"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RouteWayCompletion(models.Model):
    route_way = models.ForeignKey(RouteWay, on_delete=models.PROTECT, related_name="completions")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="route_way_completions"
    )
    completed_on = models.DateField()
    proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="route_way_completion",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["route_way", "participant"], name="unique_route_way_completion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} completed {self.route_way}"


# --- reasons for decisions (rules as data) ------------------------------------------------------


class DecisionContext(models.TextChoices):
    CANDIDATE_DECLINED = "candidate_declined", "Declining a candidate"
    INTERVIEW_OUTCOME = "interview_outcome", "Interview outcome (not successful, did not attend)"
    OPPORTUNITY_REFERRED_BACK = "opportunity_referred_back", "Referring an opportunity back"
    OPPORTUNITY_REJECTED = "opportunity_rejected", "Rejecting an opportunity"


class DecisionReason(models.Model):
    """A reason people pick when they make a decision, shown with their own words to the key
    worker (candidates) or the employer (opportunities). Coordinators edit the list."""

    context = models.CharField(max_length=40, choices=DecisionContext.choices)
    label = models.CharField(max_length=160, help_text="As the person deciding reads it, "
                             "e.g. 'Not enough experience for the role'.")
    needs_explanation = models.BooleanField(
        default=False, help_text="Ask for words of their own when this reason is picked "
        "(for 'Another reason').",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Only active reasons are offered.")

    class Meta:
        ordering = ["context", "sort_order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["context", "label"], name="unique_decision_reason")
        ]

    def __str__(self) -> str:
        return self.label
