from django.conf import settings
from django.db import models

from brokerage.employers.matching import normalise_employer_name
from brokerage.reference.choices import DisabilityConfident, Sector, SizeBand


class EmployerSource(models.TextChoices):
    REGISTRATION = "registration", "Registered on the portal"
    ENQUIRY = "enquiry", "Enquiry"
    PARTNER = "partner", "Added by a partner"
    IMPORT = "import", "Imported"


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
    normalised_name = models.CharField(
        max_length=200, blank=True, db_index=True, editable=False,
        help_text="The name without case, punctuation or legal suffixes, for matching.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Set when a partner created this record on the employer's behalf.",
    )
    source = models.CharField(
        max_length=20, choices=EmployerSource.choices, default=EmployerSource.REGISTRATION
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from",
        help_text="Set when a coordinator merged this duplicate into another record.",
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # What Companies House said when last asked (brokerage/employers/companies_house.py).
    companies_house_status = models.CharField(
        max_length=30, blank=True,
        help_text="Companies House's company status, e.g. active, dissolved, liquidation.",
    )
    companies_house_name = models.CharField(max_length=200, blank=True)
    registered_address = models.CharField(
        max_length=300, blank=True, help_text="Registered office, from Companies House."
    )
    registered_postcode = models.CharField(max_length=10, blank=True)
    companies_house_checked_at = models.DateTimeField(null=True, blank=True)
    companies_house_warning = models.CharField(
        max_length=300, blank=True,
        help_text="Where the record differs from Companies House (name, postcode, status).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Derived matching key, kept in step with the name wherever the record is saved.
        self.normalised_name = normalise_employer_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalised_name"}
        super().save(*args, **kwargs)


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


class EmployerContact(models.Model):
    """A named contact at the employer (shown on the organisation profile)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=120)
    job_title = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.employer})"


class EmployerInvitation(models.Model):
    """An admin's invitation to a colleague. The emailed link is signed and expires."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.employer}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an admin"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class EmployerJoinRequest(models.Model):
    """Someone asking to join an organisation; its admins decide."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_join_requests"
    )
    status = models.CharField(
        max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "user"],
                condition=models.Q(status="pending"),
                name="unique_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.employer}"


class RelationshipStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the employer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    APPROVED = "approved", "Approved by a coordinator"


#: The states in which a partner may act for the employer (see ``brokerage.employers.services``).
RIGHTS_STATUSES = (RelationshipStatus.ACCEPTED, RelationshipStatus.APPROVED)


class PartnerRelationship(models.Model):
    """A partner's request to work with an employer and act for it (e.g. post opportunities).

    The partner has rights over the employer only while the request is accepted (by one of
    the employer's admins) or approved (by a coordinator, with a reason) and not ended.
    """

    partner = models.ForeignKey(
        "reference.Partner", on_delete=models.CASCADE, related_name="employer_relationships"
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="partner_relationships"
    )
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.REQUESTED,
        db_index=True,
    )
    requires_employer_signoff = models.BooleanField(
        default=True,
        help_text="Records the partner creates for this employer wait for the employer's sign-off.",
    )
    started_at = models.DateField()
    ended_at = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who asked most recently.",
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The employer's admin or the coordinator who decided; empty when the portal did.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(
        blank=True, help_text="Why a coordinator approved (required), or why it was declined.",
    )

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "employer"], name="unique_partner_employer_relationship"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | ~models.Q(decision_reason=""),
                name="approved_relationship_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} works with {self.employer} ({self.get_status_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def is_pending(self) -> bool:
        return self.ended_at is None and self.status == RelationshipStatus.REQUESTED

    @property
    def grants_rights(self) -> bool:
        return self.ended_at is None and self.status in RIGHTS_STATUSES


class DuplicateDismissal(models.Model):
    """A coordinator decided two records are different employers; stop suggesting the pair."""

    employer_low = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    employer_high = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employer_low", "employer_high"], name="unique_duplicate_dismissal"
            ),
            models.CheckConstraint(
                condition=models.Q(employer_low__lt=models.F("employer_high")),
                name="duplicate_dismissal_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_low} is not {self.employer_high}"
