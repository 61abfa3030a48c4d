"""Demo data for the reports: seed 003's Ambition SCR actuals as outcome records.

Runs after the reference data (which loads the Ambition SCR targets), so the outcome report
for Ambition SCR shows each authority's targets against its actuals from the September 2017
council report. Idempotent.
"""

from brokerage.reference.models import Programme
from brokerage.reporting.fixtures import AMBITION, ambition_actuals_load


def load(stdout) -> None:
    if not Programme.objects.filter(name=AMBITION).exists():
        stdout.write("Reports: no Ambition SCR programme, so no seed outcomes loaded.")
        return
    ambition_actuals_load(stdout=stdout)
