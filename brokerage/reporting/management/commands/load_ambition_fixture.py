from django.core.management.base import BaseCommand

from brokerage.reporting.fixtures import ambition_actuals_load


class Command(BaseCommand):
    help = (
        "Load Ambition SCR's per-authority actuals (seed 003) as outcome records, so the outcome "
        "report reproduces each authority's figures. Needs the reference demo data. Idempotent."
    )

    def handle(self, *args, **options):
        ambition_actuals_load(stdout=self.stdout)
