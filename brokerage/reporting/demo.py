"""Demo data for the reports: which opportunity types count toward each measure (the seeds'
definitions: a sustained job is paid employment), and seed 003's Ambition SCR actuals as outcome
records.

Runs after the reference data (which loads the Ambition SCR targets), so the outcome report
for Ambition SCR shows each authority's targets against its actuals from the September 2017
council report. Idempotent.
"""

from brokerage.reference.models import Programme
from brokerage.reporting.fixtures import AMBITION, ambition_actuals_load
from brokerage.reporting.models import DEFAULT_MEASURE_TYPES, MeasureRule


def measure_rules_load(stdout) -> None:
    """Each programme's measure rules from the seeds' definitions (kept if already edited)."""
    made = 0
    for programme in Programme.objects.all():
        for measure, types in DEFAULT_MEASURE_TYPES.items():
            _, created = MeasureRule.objects.get_or_create(
                programme=programme, measure=measure,
                defaults={"opportunity_types": [str(t) for t in types]},
            )
            made += created
    stdout.write(f"Reports: {made} measure rules created from the seeds' definitions.")


def load(stdout) -> None:
    measure_rules_load(stdout)
    if not Programme.objects.filter(name=AMBITION).exists():
        stdout.write("Reports: no Ambition SCR programme, so no seed outcomes loaded.")
        return
    ambition_actuals_load(stdout=stdout)
