"""The opportunity gateway: opportunities, strand registrations, moderation and pledges.

Rules that change (minimum wage rates, per-programme rules for each type of opportunity,
banned phrases) are data, edited by coordinators in the Wagtail admin.
"""

import datetime

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel

from brokerage.reference.choices import DisabilityConfident, Sector
from portal.core.files import PrivateFileField
from portal.core.money import pence_display


class OpportunityType(models.TextChoices):
    VACANCY = "vacancy", "Vacancy"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    WORK_EXPERIENCE = "work_experience", "Work experience"
    WORK_TRIAL = "work_trial", "Work trial"
    SWAP = "swap", "Sector-based work academy place"
    MENTORING = "mentoring", "Mentoring offer"
    GUARANTEED_INTERVIEW = "guaranteed_interview", "Guaranteed-interview pledge"
    SCHOOL_ENGAGEMENT = (
        "school_engagement",
        "School engagement (talks, careers and diploma support)",
    )
    WORK_BASED_QUALIFICATION = "work_based_qualification", "Work-based qualification"
    VOLUNTEERING = "volunteering", "Volunteering"


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    REFERRED_BACK = "referred_back", "Referred back"
    LIVE = "live", "Live"
    REJECTED = "rejected", "Rejected"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PayBasis(models.TextChoices):
    HOUR = "hour", "an hour"
    WEEK = "week", "a week"
    YEAR = "year", "a year"


class TargetGroup(models.TextChoices):
    YOUNG_NEET = "young_neet", "Young people not in education, employment or training"
    JSA_18_24 = "jsa_18_24", "18 to 24 year olds claiming Jobseeker's Allowance or Universal Credit"
    SCHOOL_YEAR_10_11 = "school_year_10_11", "Year 10 or Year 11 school students"
    TALENT_POOL = "talent_pool", "Talent pool candidates"
    MENTEES = "mentees", "Programme mentees"
    CARE_LEAVERS = "care_leavers", "Care leavers"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", "People unemployed for 12 months or more"
    DISABLED = "disabled", "Disabled people and people with health conditions"
    LONE_PARENTS = "lone_parents", "Lone parents"
    EX_OFFENDERS = "ex_offenders", "People with convictions"
    VETERANS = "veterans", "Armed forces veterans"
    OVER_50 = "over_50", "People aged 50 and over"


class CandidateRoute(models.TextChoices):
    KEY_WORKER = "key_worker", "A key worker puts candidates forward through the portal"
    CV_BY_EMAIL = "cv_by_email", "Send a CV to our recruitment contact"
    APPLICATION_FORM = "application_form", "Candidates complete our application form"
    OPEN_DAY = "open_day", "Candidates come to an interview or open day"


class SchoolActivity(models.TextChoices):
    TALK = "talk", "Careers talk or Q and A session"
    WORKSHOP = "workshop", "Workshop or vocational presentation"
    CAREERS_EVENT = "careers_event", "Careers fair or event"
    DIPLOMA_SUPPORT = "diploma_support", "Diploma support"
    ENTERPRISE = "enterprise", "Enterprise activity"
    MOCK_INTERVIEWS = "mock_interviews", "Mock interviews"


def past_closing_date(today: datetime.date) -> models.Q:
    """Opportunities whose closing date has gone by: closed to applicants from the next day,
    whether or not the nightly close (``opportunities_close_expired``) has run yet. A rolling
    opportunity has no closing date to pass."""
    return models.Q(rolling=False, closing_date__lt=today)


class Opportunity(models.Model):
    """One opportunity an employer offers, counted in one programme strand."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="opportunities"
    )
    opportunity_type = models.CharField(
        "type of opportunity", max_length=40, choices=OpportunityType.choices
    )
    programme = models.ForeignKey(
        "reference.Programme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    strand = models.ForeignKey(
        "reference.Strand",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    status = models.CharField(
        max_length=20,
        choices=OpportunityStatus.choices,
        default=OpportunityStatus.DRAFT,
        db_index=True,
    )

    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    sector = models.CharField(max_length=40, choices=Sector.choices, blank=True)
    qualification = models.CharField(
        max_length=200, blank=True, help_text="Apprenticeships and work-based qualifications"
    )
    school_activity = models.CharField(max_length=30, choices=SchoolActivity.choices, blank=True)

    # Apprenticeships: the standard (reference code from brokerage/reference/apprenticeships.py)
    # and its level when chosen, who trains, and the off-the-job training (rules.py).
    apprenticeship_standard = models.CharField(max_length=10, blank=True)
    apprenticeship_level = models.PositiveSmallIntegerField(null=True, blank=True)
    training_provider = models.CharField(max_length=200, blank=True)
    off_the_job_hours_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )

    # Work experience: safeguarding and insurance (rules.py says when each is needed). The
    # files are private evidence, handed out only by views.opportunity_file.
    supervisor_name = models.CharField(max_length=120, blank=True)
    risk_assessment = PrivateFileField(folder="risk-assessments", blank=True)
    insurance_confirmed = models.BooleanField(
        default=False,
        help_text="The employer holds employer's liability insurance covering work experience",
    )
    insurance_certificate = PrivateFileField(folder="insurance-certificates", blank=True)

    # Where
    site = models.ForeignKey(
        "employers.EmployerSite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    postcode = models.CharField(max_length=8, blank=True)
    remote = models.BooleanField(default=False)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True)

    # How many, when, how long
    places = models.PositiveIntegerField(default=1)
    places_filled = models.PositiveIntegerField(default=0)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    paid = models.BooleanField(default=True)
    pay_pence = models.PositiveIntegerField(null=True, blank=True)
    pay_basis = models.CharField(max_length=10, choices=PayBasis.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True, db_index=True)
    rolling = models.BooleanField(
        default=False, help_text="No closing date: open until the places are filled"
    )
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)

    # Who
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    ring_fenced = models.BooleanField(
        default=False, help_text="Only for participants enrolled on the programme"
    )
    target_groups = models.JSONField(default=list, blank=True)
    required_licences = models.JSONField(default=list, blank=True)
    essential_skills = models.JSONField(default=list, blank=True)
    desirable_skills = models.JSONField(default=list, blank=True)
    adjustments = models.JSONField(default=list, blank=True)
    disability_confident = models.CharField(
        max_length=20, choices=DisabilityConfident.choices, blank=True
    )

    # How candidates are put forward, and what is shown
    candidate_route = models.CharField(
        max_length=20, choices=CandidateRoute.choices, default=CandidateRoute.KEY_WORKER
    )
    candidate_instructions = models.TextField(blank=True)
    show_employer_name = models.BooleanField(default=True)
    public = models.BooleanField(
        default=False, help_text="Show on the public listing while it is live"
    )

    # Who and when
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acting_partner = models.ForeignKey(
        "reference.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities_created",
        help_text="The partner that created this for the employer, if any",
    )
    duplicated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="First went live: counted as created from then on"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_reminder_sent_for = models.DateField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "opportunities"
        indexes = [
            models.Index(fields=["status", "closing_date"]),
            # Matching: live opportunities inside a travel box (search/backends/database.py).
            models.Index(fields=["status", "latitude", "longitude"]),
            models.Index(fields=["programme", "strand", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(places_filled__lte=models.F("places")),
                name="opportunity_places_filled_lte_places",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_past_closing_date(self, today: datetime.date) -> bool:
        """This opportunity's answer to ``past_closing_date``."""
        return not self.rolling and self.closing_date is not None and self.closing_date < today

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_filled, 0)

    @property
    def display_employer_name(self) -> str:
        return self.employer.name if self.show_employer_name else "An employer in the partnership"


class OpportunityEvent(models.Model):
    """History: every status change and decision, in order."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=OpportunityStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OpportunityStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    #: The reasons a coordinator picked when referring back or rejecting (kept as data; ``note``
    #: holds them as text followed by their own words).
    reasons = models.ManyToManyField(
        "pipeline.DecisionReason", blank=True, related_name="opportunity_events"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.from_status} → {self.to_status}"


class FieldComment(models.Model):
    """A moderator's (or an automatic check's) comment on one named field."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="field_comments"
    )
    field_name = models.CharField(max_length=40)
    comment = models.TextField()
    automatic = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field_name}: {self.comment[:40]}"


class StrandRegistration(models.Model):
    """An employer registered in a programme strand (one row per employer and strand)."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="strand_registrations"
    )
    strand = models.ForeignKey(
        "reference.Strand", on_delete=models.CASCADE, related_name="registrations"
    )
    registered_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["strand", "employer"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "strand"], name="unique_strand_registration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} in {self.strand}"


class AgeBand(models.TextChoices):
    AGED_21_PLUS = "21_plus", "21 and over"
    AGED_18_20 = "18_20", "18 to 20"
    UNDER_18 = "under_18", "Under 18"
    APPRENTICE = "apprentice", "Apprentice"


class MinimumWageRate(models.Model):
    """A National Minimum Wage or National Living Wage rate, from the date it takes effect."""

    age_band = models.CharField(max_length=20, choices=AgeBand.choices)
    hourly_pence = models.PositiveIntegerField()
    effective_from = models.DateField()

    panels = [FieldPanel("age_band"), FieldPanel("hourly_pence"), FieldPanel("effective_from")]

    class Meta:
        ordering = ["-effective_from", "age_band"]
        constraints = [
            models.UniqueConstraint(fields=["age_band", "effective_from"], name="unique_wage_rate")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_age_band_display()}: {pence_display(self.hourly_pence)} "
            f"an hour from {self.effective_from:%-d %B %Y}"
        )


class OpportunityRule(models.Model):
    """A programme's rule for one type of opportunity, optionally for one target group.

    E.g. Plan 500: work experience for 18 to 24 year olds claiming JSA lasts 2 to 8 weeks.
    """

    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.CASCADE, related_name="opportunity_rules"
    )
    opportunity_type = models.CharField(max_length=40, choices=OpportunityType.choices)
    target_group = models.CharField(
        max_length=40,
        choices=TargetGroup.choices,
        blank=True,
        help_text="Leave blank for a rule that applies to every opportunity of this type",
    )
    strand = models.ForeignKey(
        "reference.Strand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The strand this type counts in by default",
    )
    min_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    max_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)

    panels = [
        FieldPanel("programme"),
        FieldPanel("opportunity_type"),
        FieldPanel("target_group"),
        FieldPanel("strand"),
        FieldPanel("min_weeks"),
        FieldPanel("max_weeks"),
        FieldPanel("min_age"),
        FieldPanel("max_age"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["programme", "opportunity_type", "target_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "opportunity_type", "target_group"],
                name="unique_opportunity_rule",
            )
        ]

    def __str__(self) -> str:
        return self.description or f"{self.programme}: {self.get_opportunity_type_display()}"


class BannedPhrase(models.Model):
    """A phrase the automatic check refers back (e.g. wording that discriminates by age)."""

    phrase = models.CharField(max_length=120, unique=True)
    reason = models.CharField(max_length=200)

    panels = [FieldPanel("phrase"), FieldPanel("reason")]

    class Meta:
        ordering = ["phrase"]

    def __str__(self) -> str:
        return self.phrase


class InterviewPledge(models.Model):
    """An employer's pledge of N guaranteed interviews for a programme over a period."""

    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.CASCADE, related_name="interview_pledges"
    )
    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.CASCADE, related_name="interview_pledges"
    )
    opportunity = models.OneToOneField(
        Opportunity, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledge"
    )
    interviews_pledged = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "employer"]

    def __str__(self) -> str:
        return f"{self.employer}: {self.interviews_pledged} interviews for {self.programme}"


class PledgeInterview(models.Model):
    """One interview counted against a pledge (recorded by the pipeline; idempotent by
    reference)."""

    pledge = models.ForeignKey(InterviewPledge, on_delete=models.CASCADE, related_name="interviews")
    reference = models.CharField(max_length=60)
    interviewed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["interviewed_on"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "reference"], name="unique_pledge_interview")
        ]

    def __str__(self) -> str:
        return f"{self.pledge} — {self.reference}"
