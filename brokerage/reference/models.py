from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from brokerage.reference.postcodes import PostcodeError, outward_code


class Area(models.Model):
    """A local authority area, with the postcode outward codes it covers."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    code = models.CharField("ONS code", max_length=12, blank=True)
    region = models.CharField(max_length=120, blank=True, help_text="e.g. Tees Valley")

    class Meta:
        ordering = ["region", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_postcode(cls, postcode: str) -> "Area | None":
        try:
            code = outward_code(postcode)
        except PostcodeError:
            return None
        return cls.objects.filter(outcodes__code=code).first()


class AreaOutcode(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="outcodes")
    code = models.CharField("outward code", max_length=4, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Programme(models.Model):
    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    description = models.TextField(blank=True)
    eligibility_summary = models.TextField(blank=True)
    areas = models.ManyToManyField(Area, related_name="programmes", blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    fallback_partner = models.ForeignKey(
        "reference.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fallback_for",
        help_text="Owns an enquiry when no routing rule finds an eligible partner.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("eligibility_summary"),
        FieldPanel("areas"),
        FieldPanel("start_date"),
        FieldPanel("end_date"),
        FieldPanel("fallback_partner"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be after the start date"})


class Strand(models.Model):
    """A strand of a programme's employer offer (e.g. Plan 500's 'Apprenticeships')."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strands")
    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=160)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_strand_slug")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class Measure(models.TextChoices):
    PARTICIPANTS = "participants", "Participants"
    STARTS = "starts", "Starts"
    PLACEMENTS = "placements", "Placements"
    JOB_STARTS_4W = "job_starts_4w", "Job starts sustained 4 weeks"
    SUSTAINED_13W = "sustained_13w", "Sustained 13 weeks"
    SUSTAINED_26W = "sustained_26w", "Sustained 26 weeks"
    PROGRESSIONS = "progressions", "Progressions"
    EMPLOYERS_REGISTERED = "employers_registered", "Employers registered"
    OPPORTUNITIES_CREATED = "opportunities_created", "Opportunities created"


class Target(models.Model):
    """A target for one measure of a programme, optionally per strand and per area."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    measure = models.CharField(max_length=40, choices=Measure.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.PositiveIntegerField()

    class Meta:
        ordering = ["programme", "strand", "area", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "strand", "area", "measure", "period_start"],
                name="unique_target",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = " / ".join(str(s) for s in (self.strand, self.area) if s)
        return f"{self.programme} {scope} {self.get_measure_display()}: {self.value}"


class PartnerType(models.TextChoices):
    JOBCENTRE_PLUS = "jcp", "Jobcentre Plus"
    COUNCIL = "council", "Council team"
    TRAINING_PROVIDER = "training", "Training provider or college"
    HOUSING_PROVIDER = "housing", "Housing provider"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    EMPLOYMENT_SUPPORT = "employment_support", "Employment support provider"
    BUSINESS_SUPPORT = "business_support", "Business support organisation"
    HEALTH = "health", "Health service"


class PartnerStanding(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    AT_CAPACITY = "at_capacity", "At capacity"


class Partner(index.Indexed, models.Model):
    """An organisation in the partnership. Also the partner directory on the front door."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    partner_type = models.CharField(max_length=40, choices=PartnerType.choices)
    areas = models.ManyToManyField(Area, related_name="partners", blank=True)
    programmes = models.ManyToManyField(Programme, related_name="partners", blank=True)
    services = models.TextField(
        blank=True, help_text="What this partner offers employers and participants."
    )
    description = models.TextField(blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(
        default=20, help_text="How many open enquiries this partner can hold at once."
    )
    standing = models.CharField(
        max_length=20, choices=PartnerStanding.choices, default=PartnerStanding.ACTIVE
    )
    show_in_directory = models.BooleanField(default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("partner_type"),
        FieldPanel("areas"),
        FieldPanel("programmes"),
        FieldPanel("services"),
        FieldPanel("description"),
        FieldPanel("contact_name"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
        FieldPanel("website"),
        FieldPanel("capacity"),
        FieldPanel("standing"),
        FieldPanel("show_in_directory"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("services"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("partner_type"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:200]
        super().save(*args, **kwargs)
