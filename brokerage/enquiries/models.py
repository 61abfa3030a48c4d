from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel

from brokerage.reference.choices import Sector, SizeBand


class EnquiryType(models.TextChoices):
    VACANCY = "vacancy", "Fill a vacancy"
    APPRENTICESHIP = "apprenticeship", "Offer an apprenticeship"
    WORK_EXPERIENCE = "work_experience", "Offer work experience"
    MENTORING = "mentoring", "Mentor young people"
    GUARANTEED_INTERVIEWS = "guaranteed_interviews", "Pledge guaranteed interviews"
    WORK_TRIAL = "work_trial", "Run a work trial or sector-based work academy"
    SKILLS = "skills", "Skills and training advice"
    NEW_SITE = "new_site", "Support for a new or expanding site"
    OTHER = "other", "Something else"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    EITHER = "either", "Either"


class Enquiry(models.Model):
    """What an employer sent through the front door, without an account. Recorded once."""

    reference = models.CharField(max_length=12, unique=True)
    types = models.JSONField(default=list, help_text="EnquiryType values, in the order asked.")
    organisation_name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=8)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    size_band = models.CharField(max_length=20, choices=SizeBand.choices)
    sector = models.CharField(max_length=40, choices=Sector.choices)
    contact_name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod.choices)
    message = models.TextField(blank=True)
    employer = models.ForeignKey(
        "employers.Employer", null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    # Where the employer came in: the page, a partner's or campaign code, utm_* parameters.
    entry_page = models.CharField(max_length=200, blank=True)
    entry_referrer = models.CharField(max_length=500, blank=True)
    source_partner_code = models.CharField(max_length=100, blank=True)
    source_partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.CharField(max_length=100, blank=True)
    utm = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set when the retention schedule removed the contact's personal details (brokerage.retention).
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.reference} {self.organisation_name}"

    def get_types_display(self) -> list[str]:
        labels = dict(EnquiryType.choices)
        return [labels.get(value, value) for value in self.types]

    @property
    def entry_description(self) -> str:
        parts = []
        if self.entry_page:
            parts.append(f"page '{self.entry_page}'")
        if self.source_partner_code:
            parts.append(f"partner {self.source_partner or self.source_partner_code}")
        if self.campaign:
            parts.append(f"campaign {self.campaign}")
        parts += [f"{key}={value}" for key, value in sorted(self.utm.items())]
        if self.entry_referrer:
            parts.append(f"referred by {self.entry_referrer}")
        return "; ".join(parts) or "Direct to the enquiry form"


class RoutingRule(models.Model):
    """Rules as data: enquiries of this type, from this area, for this programme go to this partner.

    Blank area, type or programme means "any". The most specific matching rules are tried first;
    among their partners that are active and under capacity, the most responsive one wins.
    """

    name = models.CharField(max_length=160, help_text="A short description, e.g. 'Stockton vacancies'.")
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules",
        help_text="Leave blank for every area (the area comes from the postcode's outward code).",
    )
    enquiry_type = models.CharField(
        max_length=30, choices=EnquiryType.choices, blank=True,
        help_text="Leave blank for every kind of enquiry.",
    )
    programme = models.ForeignKey(
        "reference.Programme", null=True, blank=True, on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text="The programme the partner handles this under. Leave blank for any.",
    )
    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.CASCADE, related_name="routing_rules"
    )
    response_working_days = models.PositiveSmallIntegerField(
        null=True, blank=True,
        help_text="Working days the partner has to respond. Leave blank for the default.",
    )
    active = models.BooleanField(default=True)

    panels = [
        HelpPanel(
            content="<p>An enquiry goes to the partner of the most specific matching rule that is "
            "active and under capacity. When several partners qualify, the one that responds "
            "fastest wins. When none does, the programme's fallback partner owns it.</p>"
        ),
        FieldPanel("name"),
        FieldPanel("area"),
        FieldPanel("enquiry_type"),
        FieldPanel("programme"),
        FieldPanel("partner"),
        FieldPanel("response_working_days"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["area__name", "enquiry_type", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "enquiry_type", "programme", "partner"],
                name="unique_routing_rule",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return (2 if self.area_id else 0) + (1 if self.enquiry_type else 0)

    def clean(self) -> None:
        if self.response_working_days == 0:
            raise ValidationError({"response_working_days": "Give at least 1 working day"})


class ItemStatus(models.TextChoices):
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    CONTACTED = "contacted", "Contacted"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (ItemStatus.NEW, ItemStatus.ACCEPTED, ItemStatus.CONTACTED)


class Outcome(models.TextChoices):
    OPPORTUNITY = "opportunity", "Opportunity registered"
    PLEDGE = "pledge", "Pledge or agreement made"
    ADVICE = "advice", "Advice or information given"
    REFERRED = "referred", "Referred to another service"
    NOT_PROCEEDING = "not_proceeding", "Employer decided not to go ahead"
    NO_REPLY = "no_reply", "Could not reach the employer"
    DUPLICATE = "duplicate", "Duplicate of another enquiry"


class EnquiryItem(models.Model):
    """One partner's part of an enquiry: routed, owned, chased and closed."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="items")
    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.PROTECT, related_name="enquiry_items"
    )
    programme = models.ForeignKey(
        "reference.Programme", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="enquiry_items",
    )
    types = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=ItemStatus.choices, default=ItemStatus.NEW)
    routing_reason = models.CharField(max_length=300)
    routed_at = models.DateTimeField(db_index=True)
    deadline = models.DateTimeField(db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_at = models.DateTimeField(
        null=True, blank=True, help_text="When the partner first recorded contact with the employer."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["partner", "status"])]

    def __str__(self) -> str:
        return f"{self.enquiry.reference} for {self.partner}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def deadline_display(self) -> str:
        from brokerage.reference.dates import format_uk_datetime

        return format_uk_datetime(self.deadline)

    def is_overdue(self, now=None) -> bool:
        from django.utils import timezone

        return self.is_open and self.first_response_at is None and self.deadline < (now or timezone.now())

    def get_types_display(self) -> list[str]:
        labels = dict(EnquiryType.choices)
        return [labels.get(value, value) for value in self.types]


class EventKind(models.TextChoices):
    ROUTED = "routed", "Routed"
    ACCEPTED = "accepted", "Accepted"
    CONTACT = "contact", "Contact recorded"
    REASSIGNED = "reassigned", "Reassigned"
    CLOSED = "closed", "Closed"
    REMINDED = "reminded", "Reminder sent"
    ESCALATED = "escalated", "Escalated to coordinators"


class ContactKind(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Site visit"


class EnquiryItemEvent(models.Model):
    """The history of an enquiry item: who did what, when, and why. Never edited."""

    item = models.ForeignKey(EnquiryItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The partner holding the item when this happened.",
    )
    to_partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_kind = models.CharField(max_length=20, choices=ContactKind.choices, blank=True)
    happened_at = models.DateTimeField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item}"
