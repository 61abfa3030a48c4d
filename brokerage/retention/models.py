"""How long each programme keeps personal data (rules as data), and a log of every run that
applied it. The nightly task (``services.retention_apply``) reads the schedule; coordinators
see it at ``/retention/`` and edit it in the admin."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel


class RetentionSchedule(models.Model):
    """One programme's retention periods. A programme without a row uses the field defaults."""

    programme = models.OneToOneField(
        "reference.Programme", on_delete=models.CASCADE, related_name="retention_schedule"
    )
    participant_inactive_months = models.PositiveSmallIntegerField(
        "Participants: months with no activity",
        default=24, validators=[MinValueValidator(6), MaxValueValidator(120)],
        help_text="A person's details are anonymised once nothing has happened on their record for this long "
        "(no contact, change, proposal, job, check or fund request).",
    )
    enquiry_closed_months = models.PositiveSmallIntegerField(
        "Enquiries: months after closing",
        default=12, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="The employer contact's name, email, phone and message are removed this long after every "
        "part of the enquiry was closed.",
    )
    evidence_months = models.PositiveSmallIntegerField(
        "Uploaded evidence: months (the audit period)",
        default=72, validators=[MinValueValidator(12), MaxValueValidator(180)],
        help_text="Receipts and other uploaded evidence are deleted this long after the fund request was "
        "decided. Amounts and dates are kept.",
    )
    import_days = models.PositiveSmallIntegerField(
        "Referral files: days after import",
        default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="The uploaded spreadsheet of a finished referral import is deleted this long after it ran. "
        "The people imported are kept as records.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        HelpPanel(content="Outcome and payment records are never deleted: reports and audits need them. "
                  "Only personal details and files are removed."),
        FieldPanel("programme"),
        FieldPanel("participant_inactive_months"),
        FieldPanel("enquiry_closed_months"),
        FieldPanel("evidence_months"),
        FieldPanel("import_days"),
    ]

    class Meta:
        ordering = ["programme__name"]

    def __str__(self) -> str:
        return f"Retention for {self.programme}"

    @classmethod
    def for_programme(cls, programme) -> "RetentionSchedule":
        """The programme's schedule, or the defaults (unsaved) when it has none."""
        if programme is None:
            return cls()
        try:
            return programme.retention_schedule
        except cls.DoesNotExist:
            return cls(programme=programme)


class RetentionRun(models.Model):
    """One application of the schedules by the nightly task: when, what it removed, any error."""

    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    participants_anonymised = models.PositiveIntegerField(default=0)
    enquiries_anonymised = models.PositiveIntegerField(default=0)
    evidence_files_deleted = models.PositiveIntegerField(default=0)
    import_files_deleted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Retention run {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return (self.participants_anonymised + self.enquiries_anonymised
                + self.evidence_files_deleted + self.import_files_deleted)
