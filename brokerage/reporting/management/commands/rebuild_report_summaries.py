"""Recount and keep every programme's outcome report summary (or the programmes named)."""

from django.core.management.base import BaseCommand

from brokerage.reporting.summaries import outcome_summaries_refresh


class Command(BaseCommand):
    help = "Recount the outcome report's kept counts (OutcomeSummary) from the outcome records."

    def add_arguments(self, parser):
        parser.add_argument("--programme", type=int, action="append", dest="programme_ids",
                            help="A programme id (repeatable); every programme when omitted.")

    def handle(self, *args, programme_ids, **options):
        count = outcome_summaries_refresh(programme_ids=programme_ids)
        self.stdout.write(f"Recounted {count} programme(s).")
