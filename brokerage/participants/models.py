"""Participants: referral, eligibility, consent, assessment, action plan and caseload.

One person has one record across every provider (see ``services.referral_create`` and the
duplicate check). What matching needs is kept on ``Participant`` itself (copied from the
latest assessment), so "current" is one row and cheap to query.

Multi-valued fields (barriers, licences, skills, sector interests, adjustments) are JSON lists
of the shared vocabularies in ``brokerage.reference.choices`` (skills as lowercase strings).
Filter them portably with ``selectors.json_list_has(field, value)`` (SQLite and PostgreSQL).
"""

import secrets

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel

from brokerage.reference import ages
from brokerage.reference.choices import Adjustment, Barrier, Licence, Sector

# No 0/O, 1/I/L: references are read aloud on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _labels(values, choices) -> list[str]:
    lookup = dict(choices.choices)
    return [str(lookup.get(v, v)) for v in values or []]


def new_reference() -> str:
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class ReferralSource(models.TextChoices):
    JOBCENTRE_PLUS = "jcp", "Jobcentre Plus"
    SELF = "self", "Self-referral"
    HOUSING = "housing", "Housing provider"
    HEALTH = "health", "Health service"
    COUNCIL = "council", "Council team"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    OTHER = "other", "Other"


class BenefitType(models.TextChoices):
    UNIVERSAL_CREDIT = "uc", "Universal Credit"
    JSA = "jsa", "Jobseeker's Allowance"
    ESA = "esa", "Employment and Support Allowance"
    INCOME_SUPPORT = "income_support", "Income Support"
    PIP = "pip", "Personal Independence Payment only"
    NONE = "none", "No benefits"


class TargetGroup(models.TextChoices):
    YOUNG_PERSON = "young_person", "Young person (16 to 24)"
    NEET = "neet", "Not in education, employment or training"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", "Long-term unemployed"
    DISABLED = "disabled", "Disabled or with a health condition"
    LONE_PARENT = "lone_parent", "Lone parent"
    CARE_LEAVER = "care_leaver", "Care leaver"
    EX_OFFENDER = "ex_offender", "Ex-offender"
    SOCIAL_HOUSING = "social_housing", "Social housing tenant"
    OVER_50 = "over_50", "Aged 50 or over"
    VETERAN = "veteran", "Armed forces veteran"


class Readiness(models.TextChoices):
    NOT_READY = "not_ready", "Not ready"
    GETTING_READY = "getting_ready", "Getting ready"
    JOB_READY = "job_ready", "Job ready"


class EligibilityStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", "Not checked"
    ELIGIBLE = "eligible", "Eligible"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    OVERRIDDEN = "overridden", "Eligible by coordinator override"


class ParticipantStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    ERASED = "erased", "Erased"


class TravelMode(models.TextChoices):
    WALK = "walk", "Walking"
    CYCLE = "cycle", "Cycling"
    BUS = "bus", "Bus"
    TRAIN = "train", "Train"
    CAR = "car", "Own car"
    LIFT = "lift", "Lift from family or friends"


class Team(models.Model):
    """Key workers who may be granted sight of each other's caseloads by a coordinator."""

    name = models.CharField(max_length=120, unique=True)
    programme = models.ForeignKey(
        "reference.Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="teams"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMembership", related_name="participant_teams"
    )

    panels = [FieldPanel("name"), FieldPanel("programme")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    sees_team_caseload = models.BooleanField(
        default=False, help_text="Granted by a coordinator: this key worker sees the whole team's caseload."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class RuleKind(models.TextChoices):
    AGE = "age", "Age range"
    RESIDENCE = "residence", "Lives in the programme's areas"
    BENEFIT = "benefit", "Benefit type"
    TIME_OUT_OF_WORK = "time_out_of_work", "Time out of work"
    TARGET_GROUP = "target_group", "Target group"


class EligibilityRule(models.Model):
    """One eligibility rule of a programme, edited as data by coordinators.

    - age: ``minimum``/``maximum`` years (either may be blank)
    - residence: lives in one of the programme's areas (no parameters)
    - benefit: ``values`` = benefit types (BenefitType) that qualify
    - time_out_of_work: ``minimum`` months out of work
    - target_group: ``values`` = target groups (TargetGroup), at least one must apply
    """

    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    minimum = models.PositiveIntegerField(null=True, blank=True)
    maximum = models.PositiveIntegerField(null=True, blank=True)
    values = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    panels = [
        FieldPanel("programme"),
        FieldPanel("kind"),
        FieldPanel("minimum"),
        FieldPanel("maximum"),
        FieldPanel("values"),
        FieldPanel("active"),
        FieldPanel("order"),
    ]

    class Meta:
        ordering = ["programme", "order", "id"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_kind_display()}"


class Participant(models.Model):
    reference = models.CharField(max_length=10, unique=True, default=new_reference, editable=False)
    status = models.CharField(
        max_length=12, choices=ParticipantStatus.choices, default=ParticipantStatus.REFERRED, db_index=True
    )

    # The person (personal data: blanked on erasure).
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    address = models.TextField(blank=True)
    ni_number = models.CharField("National Insurance number", max_length=9, blank=True, db_index=True)

    # Where (kept on erasure at outward-code level for anonymous counts).
    outward_code = models.CharField(max_length=4, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="participants"
    )

    # Referral and programme enrolment.
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.PROTECT, related_name="participants"
    )
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices)
    referral_source_detail = models.CharField(max_length=200, blank=True)
    referred_on = models.DateField(db_index=True)
    referral_area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The area the person lived in when referred (the funnel counts them there).",
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referring_partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    benefit_type = models.CharField(max_length=20, choices=BenefitType.choices, blank=True)
    months_out_of_work = models.PositiveIntegerField(null=True, blank=True)
    target_groups = models.JSONField(default=list, blank=True)

    # Eligibility (result of the rules, or a coordinator's override).
    eligibility_status = models.CharField(
        max_length=20, choices=EligibilityStatus.choices, default=EligibilityStatus.NOT_CHECKED
    )
    eligibility_results = models.JSONField(default=list, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    eligibility_override_reason = models.TextField(blank=True)
    eligibility_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligibility_overridden_at = models.DateTimeField(null=True, blank=True)

    # Who holds the record.
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="caseload"
    )
    supporting_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_caseload",
        help_text="Key workers from other providers sharing care of this person.",
    )

    # Consent, kept in step with the Consent rows by services (cheap to filter on).
    consent_employer_profile = models.BooleanField(
        default=False, db_index=True, help_text="May share an anonymised profile with employers."
    )
    consent_partner_details = models.BooleanField(default=False)
    consent_dwp = models.BooleanField(default=False)

    # Assessment: due within two weeks of referral; what matching needs, from the latest one.
    assessment_due_on = models.DateField(db_index=True)
    assessed_on = models.DateField(null=True, blank=True)
    readiness = models.CharField(
        max_length=20, choices=Readiness.choices, default=Readiness.NOT_READY, db_index=True
    )
    readiness_changed_on = models.DateField(null=True, blank=True)
    barriers = models.JSONField(default=list, blank=True)
    skills = models.JSONField(default=list, blank=True)
    licences = models.JSONField(default=list, blank=True)
    sector_interests = models.JSONField(default=list, blank=True)
    adjustments_needed = models.JSONField(default=list, blank=True)
    hours_min = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField(null=True, blank=True)
    available_from = models.DateField(null=True, blank=True)
    max_travel_miles = models.PositiveSmallIntegerField(null=True, blank=True)
    travel_modes = models.JSONField(default=list, blank=True)

    # Contact.
    last_contact_at = models.DateTimeField(null=True, blank=True, db_index=True)
    contact_reminder_sent_on = models.DateField(null=True, blank=True)

    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ni_number"],
                condition=~models.Q(ni_number=""),
                name="unique_participant_ni_number",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth", "postcode"]),
            models.Index(fields=["programme", "readiness"]),
            # The funnel report reads only these columns for the people referred in a period.
            models.Index(
                fields=["programme", "referred_on", "referral_area", "area", "readiness",
                        "readiness_changed_on", "assessed_on"],
                name="participant_funnel_covering",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        if self.erased_at:
            return "Erased record"
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_eligible(self) -> bool:
        return self.eligibility_status in (EligibilityStatus.ELIGIBLE, EligibilityStatus.OVERRIDDEN)

    def age_on(self, day) -> int | None:
        return ages.age_on(self.date_of_birth, day)

    # Labels for display (the lists hold the shared vocabularies' values).
    @property
    def barrier_labels(self) -> list[str]:
        return _labels(self.barriers, Barrier)

    @property
    def licence_labels(self) -> list[str]:
        return _labels(self.licences, Licence)

    @property
    def sector_labels(self) -> list[str]:
        return _labels(self.sector_interests, Sector)

    @property
    def adjustment_labels(self) -> list[str]:
        return _labels(self.adjustments_needed, Adjustment)

    @property
    def target_group_labels(self) -> list[str]:
        return _labels(self.target_groups, TargetGroup)

    @property
    def travel_mode_labels(self) -> list[str]:
        return _labels(self.travel_modes, TravelMode)

    @property
    def coordinates(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


class ConsentScope(models.TextChoices):
    EMPLOYER_PROFILE = "employer_profile", "Share an anonymised profile with employers"
    PARTNER_DETAILS = "partner_details", "Share my details with named partners"
    DWP = "dwp", "Share data with the Department for Work and Pensions"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person, signed form"
    VERBAL_IN_PERSON = "verbal", "In person, verbally"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    ONLINE = "online", "Online form"


class Consent(models.Model):
    """What may be shared with whom, when and how it was given, and who recorded it."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(max_length=30, choices=ConsentScope.choices)
    partners = models.ManyToManyField(
        "reference.Partner", blank=True, related_name="+", help_text="For sharing details with named partners."
    )
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_scope_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Assessment(models.Model):
    """One assessment (initial or a review). The latest is copied onto the participant."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    barriers = models.JSONField(default=list, blank=True)
    barrier_notes = models.TextField(blank=True)
    skills = models.JSONField(default=list, blank=True)
    qualifications = models.TextField(blank=True)
    licences = models.JSONField(default=list, blank=True)
    work_history = models.TextField(blank=True)
    sector_interests = models.JSONField(default=list, blank=True)
    adjustments_needed = models.JSONField(default=list, blank=True)
    hours_min = models.PositiveSmallIntegerField(null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField(null=True, blank=True)
    available_from = models.DateField(null=True, blank=True)
    max_travel_miles = models.PositiveSmallIntegerField(null=True, blank=True)
    travel_modes = models.JSONField(default=list, blank=True)
    readiness = models.CharField(max_length=20, choices=Readiness.choices)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"Assessment of {self.participant} on {self.assessed_on}"


class ReadinessChange(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="readiness_changes")
    from_readiness = models.CharField(max_length=20, choices=Readiness.choices, blank=True)
    to_readiness = models.CharField(max_length=20, choices=Readiness.choices)
    changed_on = models.DateField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.participant}: {self.to_readiness} on {self.changed_on}"


class ActionKind(models.TextChoices):
    GOAL = "goal", "SMART goal"
    BARRIER = "barrier", "Barrier action"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ActionItem(models.Model):
    """A SMART goal or an action against a barrier, in the participant's action plan."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=ActionKind.choices)
    barrier = models.CharField(max_length=20, blank=True, choices=Barrier.choices, help_text="For barrier actions.")
    description = models.TextField(help_text="Specific and achievable: what will be done, and by whom.")
    measure = models.CharField(max_length=300, blank=True, help_text="How we will know it is done.")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["participant", "status", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]


class PlanReview(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="plan_reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.participant} on {self.reviewed_on}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"


class ContactLog(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    happened_at = models.DateTimeField()
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"Contact with {self.participant} on {self.happened_at:%d %b %Y}"


class AccessLogEntry(models.Model):
    """One staff view of a participant's record. Coordinators read these."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="access_log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    page = models.CharField(max_length=80)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"{self.user} viewed {self.participant} ({self.page})"


class CareRequestKind(models.TextChoices):
    TRANSFER = "transfer", "Transfer to me"
    SHARED_CARE = "shared_care", "Shared care"


class CareRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a coordinator"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class CareRequest(models.Model):
    """A key worker asks for a transfer or shared care instead of creating a second record."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="care_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant_care_requests"
    )
    kind = models.CharField(max_length=12, choices=CareRequestKind.choices)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=CareRequestStatus.choices, default=CareRequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "requested_by"],
                condition=models.Q(status="pending"),
                name="one_pending_care_request_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.participant} for {self.requested_by}"


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", "Checking the file"
    VALIDATED = "validated", "Checked"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Could not be read"
    EXPIRED = "expired", "Not imported in time"


class ReferralImport(models.Model):
    """A CSV of referrals uploaded by a coordinator, validated then imported by a task."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    programme = models.ForeignKey("reference.Programme", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.TextField(
        help_text="The uploaded CSV: kept until it is imported, or for IMPORT_KEPT_DAYS if it is not."
    )
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    row_errors = models.JSONField(default=list, blank=True, help_text="[{row, errors: [...]}]")
    only_valid = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def invalid_rows(self) -> int:
        return len(self.row_errors)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
