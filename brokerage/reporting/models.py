"""Rules as data for the reports: which opportunity types count toward each outcome measure."""

from django.core.exceptions import ValidationError
from django.db import models

from brokerage.opportunities.models import OpportunityType
from brokerage.reference.models import Measure

#: The outcome measures whose counted opportunity types a programme sets.
RULED_MEASURES = [
    Measure.STARTS,
    Measure.PLACEMENTS,
    Measure.JOB_STARTS_4W,
    Measure.SUSTAINED_13W,
    Measure.SUSTAINED_26W,
    Measure.PROGRESSIONS,
]
PAID_WORK: list[str] = [OpportunityType.VACANCY, OpportunityType.APPRENTICESHIP]
UNPAID_PLACEMENTS: list[str] = [
    OpportunityType.WORK_EXPERIENCE,
    OpportunityType.WORK_TRIAL,
    OpportunityType.SWAP,
    OpportunityType.WORK_BASED_QUALIFICATION,
]
#: The seeds' definitions (seed 003): starts, sustained jobs and progressions are paid
#: employment (a job or an apprenticeship); work experience, trials, sector-based work academy
#: places and volunteering are placements and never count as job starts or sustained jobs.
DEFAULT_MEASURE_TYPES: dict[str, list[str]] = {
    Measure.STARTS: PAID_WORK,
    Measure.PLACEMENTS: UNPAID_PLACEMENTS,
    Measure.JOB_STARTS_4W: PAID_WORK,
    Measure.SUSTAINED_13W: PAID_WORK,
    Measure.SUSTAINED_26W: PAID_WORK,
    Measure.PROGRESSIONS: PAID_WORK,
}


class MeasureRule(models.Model):
    """Which opportunity types count toward one outcome measure of a programme.

    A programme without a rule for a measure uses ``DEFAULT_MEASURE_TYPES``.
    """

    programme = models.ForeignKey(
        "reference.Programme", on_delete=models.CASCADE, related_name="measure_rules"
    )
    measure = models.CharField(
        max_length=40, choices=[(m.value, m.label) for m in RULED_MEASURES]
    )
    opportunity_types = models.JSONField(
        default=list,
        help_text="The opportunity types whose starts and checks count toward this measure.",
    )

    class Meta:
        ordering = ["programme", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "measure"], name="unique_measure_rule")
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_measure_display()}"

    def clean(self):
        known = set(OpportunityType.values)
        if not self.opportunity_types:
            raise ValidationError({"opportunity_types": "Choose at least one opportunity type"})
        if not set(self.opportunity_types) <= known:
            raise ValidationError({"opportunity_types": "Choose types from the list"})

    @property
    def type_labels(self) -> list[str]:
        labels = dict(OpportunityType.choices)
        return [str(labels.get(t, t)) for t in self.opportunity_types]


class OutcomeSummary(models.Model):
    """The outcome report's counts for a programme's default view (whole period, every area,
    as at ``as_at``), kept so the report need not recount every record on each view.

    Outcome records are never changed or deleted, so the counts stay equal to a recount while no
    record newer than ``last_record_id`` exists; ``fingerprint`` is everything else the counts
    depend on (period, as-at date, areas, measures and their opportunity types). The report
    recounts whenever either differs; a task refreshes the row after each new record commits
    (``brokerage.reporting.summaries``).
    """

    programme = models.OneToOneField(
        "reference.Programme", on_delete=models.CASCADE, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    last_record_id = models.BigIntegerField()
    counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Outcome summary for programme {self.programme_id}"
