"""Load the demo data: reference data, CMS pages and one user per role.

Each app that has demo data provides ``<app>.demo.load(stdout)``; they run in the order
below, and each is idempotent (safe to run again). Refused in production.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.models import User

DEMO_MODULES = [
    "brokerage.reference.demo",
    "portal.accounts.demo",
    "cms.demo",
    "brokerage.employers.demo",
    "brokerage.enquiries.demo",
    "brokerage.opportunities.demo",
    "brokerage.participants.demo",
    "brokerage.pipeline.demo",
    "brokerage.payments.demo",
    "brokerage.reporting.demo",
    "brokerage.retention.demo",
    "brokerage.api.demo",
]


class Command(BaseCommand):
    help = "Load realistic demo data from the source documents (idempotent; not in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo is refused in production: it creates demo logins.")
        for dotted in DEMO_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Demo logins (password for all: {settings.DEMO_PASSWORD}):\n"
            + "\n".join(f"  {email:<28} {role}" for email, role in DEMO_LOGINS)
        )
        partner_logins = User.objects.filter(
            email__endswith="@partners.example.org"
        ).select_related("partner")
        if partner_logins:
            self.stdout.write(
                "Partner staff of every other partner that enquiries are routed to:\n"
                + "\n".join(
                    f"  {user.email:<60} {user.partner}"
                    for user in partner_logins.order_by("email")
                )
            )


DEMO_LOGINS = [
    ("employer@example.org", "Employer (admin of Tees Components Ltd)"),
    ("partner@example.org", "Partner staff (Stockton Jobcentre Plus; API tokens admin)"),
    ("keyworker@example.org", "Key worker"),
    ("keyworker2@example.org", "Key worker (a second caseload)"),
    ("coordinator@example.org", "Coordinator"),
    ("finance@example.org", "Finance officer"),
    ("finance2@example.org", "Finance officer (a second: runs need two people)"),
    ("editor@example.org", "CMS editor (submits pages for moderation)"),
    ("moderator@example.org", "CMS editor and moderator (approves pages)"),
    ("admin@example.org", "Superuser (Django and Wagtail admin)"),
]
