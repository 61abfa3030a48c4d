from django.conf import settings
from django.db import models

from brokerage.reference.choices import DisabilityConfident, Sector, SizeBand


class Employer(models.Model):
    """One record per employer organisation, shared by every partner."""

    name = models.CharField(max_length=200)
    companies_house_number = models.CharField(max_length=8, blank=True, db_index=True)
    sector = models.CharField(max_length=40, choices=Sector.choices, blank=True)
    size_band = models.CharField(max_length=20, choices=SizeBand.choices, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="employers"
    )
    email_domain = models.CharField(max_length=120, blank=True, db_index=True)
    website = models.URLField(blank=True)
    disability_confident = models.CharField(
        max_length=20, choices=DisabilityConfident.choices, blank=True
    )
    verified = models.BooleanField(
        default=False, help_text="Checked by a coordinator (needed before incentives are paid)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployerSite(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=120)
    postcode = models.CharField(max_length=8)
    area = models.ForeignKey(
        "reference.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.postcode})"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class EmployerMembership(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_memberships"
    )
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer", "user"], name="unique_employer_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.employer} ({self.role})"


class InteractionKind(models.TextChoices):
    ENQUIRY = "enquiry", "Enquiry received"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    VISIT = "visit", "Site visit"
    REGISTRATION = "registration", "Registered on the portal"
    OPPORTUNITY = "opportunity", "Opportunity"
    NOTE = "note", "Note"


class Interaction(models.Model):
    """One contact with an employer, by any partner: the employer's shared timeline."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="interactions")
    partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=InteractionKind.choices)
    happened_at = models.DateTimeField(db_index=True)
    summary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.employer} on {self.happened_at:%d %b %Y}"
