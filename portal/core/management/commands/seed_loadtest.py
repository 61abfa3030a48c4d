"""Data at a real programme's scale for the load test: ``manage.py seed_loadtest``.

Run after ``seed_demo`` (it reuses the demo programmes, areas and partner). Adds, with
``bulk_create`` in a few large statements: 50 key workers (``loadtest-kw<N>@example.org``),
5,000 participants shared among them, 2,000 employers (the first 200 with an admin login,
``loadtest-emp<N>@example.org``), 3,000 live public opportunities and two proposals to each of
the first 200 employers. Every login has the demo password and a verified address, and skips
the second factor (development and test only: ``portal.accounts.two_factor``). Refused in
production. ``--clear`` removes an earlier load first.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from brokerage.employers.matching import normalise_employer_name
from brokerage.employers.models import Employer, EmployerMembership, MembershipRole
from brokerage.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from brokerage.participants.models import (
    EligibilityStatus,
    Participant,
    ParticipantStatus,
    Readiness,
    ReferralSource,
)
from brokerage.pipeline.models import Proposal, ProposalStatus
from brokerage.reference.choices import Sector, SizeBand
from brokerage.reference.models import Partner, Programme
from portal.accounts.demo import DEMO_PARTNER, DEMO_PROGRAMMES, demo_password_hash
from portal.accounts.models import User
from portal.accounts.roles import Role

KEY_WORKERS, PARTICIPANTS, EMPLOYERS, EMPLOYER_LOGINS, OPPORTUNITIES = 50, 5_000, 2_000, 200, 3_000
PREFIX = "loadtest-"
# Places in the Tees Valley (postcode, latitude, longitude).
PLACES = [
    ("TS18 1AA", 54.5653, -1.3186),
    ("TS1 2AA", 54.5742, -1.2350),
    ("TS24 7AA", 54.6896, -1.2120),
    ("DL1 1AA", 54.5247, -1.5530),
    ("TS10 1AA", 54.6090, -1.0650),
    ("TS17 6AA", 54.5450, -1.2960),
]
FIRST = [
    "Amy",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hassan",
    "Isla",
    "Jack",
    "Kira",
    "Liam",
]
LAST = ["Adams", "Brown", "Clarke", "Davies", "Evans", "Fox", "Green", "Hughes", "Iqbal", "Jones"]
SECTORS = [Sector.LOGISTICS, Sector.MANUFACTURING, Sector.HOSPITALITY]


class Command(BaseCommand):
    help = "Load 5,000 participants, 2,000 employers, 3,000 opportunities and 50 key workers."

    def add_arguments(self, parser):
        parser.add_argument("--clear", action="store_true", help="remove an earlier load first")

    def handle(self, *args, clear: bool, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_loadtest is refused in production.")
        programmes = list(
            Programme.objects.filter(name__in=DEMO_PROGRAMMES).prefetch_related("areas")
        )
        if not programmes:
            raise CommandError("Run manage.py seed_demo first (the load reuses its programmes).")
        started = time.perf_counter()
        with transaction.atomic():
            if clear or User.objects.filter(email__startswith=PREFIX).exists():
                self._clear()
            self._load(programmes)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {KEY_WORKERS} key workers, {PARTICIPANTS} participants, "
                f"{EMPLOYERS} employers "
                f"({EMPLOYER_LOGINS} with logins), {OPPORTUNITIES} opportunities in "
                f"{time.perf_counter() - started:.1f} s"
            )
        )

    def _clear(self) -> None:
        Proposal.objects.filter(opportunity__employer__name__startswith="Loadtest ").delete()
        Opportunity.objects.filter(employer__name__startswith="Loadtest ").delete()
        Participant.objects.filter(key_worker__email__startswith=PREFIX).delete()
        EmployerMembership.objects.filter(employer__name__startswith="Loadtest ").delete()
        Employer.objects.filter(name__startswith="Loadtest ").delete()
        User.objects.filter(email__startswith=PREFIX).delete()

    def _users(self, emails: list[str], role: Role, **fields) -> list[User]:
        password = demo_password_hash()
        User.objects.bulk_create(
            [
                User(
                    email=email,
                    first_name=random.choice(FIRST),
                    last_name=random.choice(LAST),
                    password=password,
                    skip_two_factor=True,
                    is_active=True,
                    **fields,
                )
                for email in emails
            ],
            batch_size=500,
        )
        users = list(User.objects.filter(email__in=emails).order_by("pk"))
        group, _ = Group.objects.get_or_create(name=role.label)
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=1000
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=1000,
        )
        return users

    def _load(self, programmes: list[Programme]) -> None:
        rng = random.Random(2026)
        today = timezone.localdate()
        partner = Partner.objects.filter(name=DEMO_PARTNER).first()
        workers = self._users(
            [f"{PREFIX}kw{n}@example.org" for n in range(1, KEY_WORKERS + 1)],
            Role.KEY_WORKER,
            partner=partner,
        )
        User.programmes.through.objects.bulk_create(
            [
                User.programmes.through(user_id=w.pk, programme_id=p.pk)
                for w in workers
                for p in programmes
            ]
        )
        areas = {p.pk: list(p.areas.all()) for p in programmes}
        people = []
        for n in range(PARTICIPANTS):
            programme = programmes[n % len(programmes)]
            postcode, lat, lon = PLACES[n % len(PLACES)]
            area_list = areas[programme.pk]
            people.append(
                Participant(
                    programme=programme,
                    area=area_list[n % len(area_list)] if area_list else None,
                    key_worker=workers[n % KEY_WORKERS],
                    first_name=rng.choice(FIRST),
                    last_name=f"{rng.choice(LAST)}-{n}",
                    date_of_birth=datetime.date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                    postcode=postcode,
                    outward_code=postcode.split()[0],
                    latitude=lat,
                    longitude=lon,
                    referral_source=ReferralSource.JOBCENTRE_PLUS,
                    referred_on=today - datetime.timedelta(days=n % 300),
                    assessment_due_on=today + datetime.timedelta(days=14),
                    assessed_on=today,
                    eligibility_status=EligibilityStatus.ELIGIBLE,
                    status=ParticipantStatus.ACTIVE,
                    readiness=Readiness.JOB_READY if n % 3 else Readiness.GETTING_READY,
                    consent_employer_profile=True,
                    max_travel_miles=15 + n % 20,
                    hours_min=16,
                    hours_max=37,
                    sector_interests=[SECTORS[n % len(SECTORS)].value],
                    skills=[],
                    licences=[],
                    adjustments_needed=[],
                )
            )
        Participant.objects.bulk_create(people, batch_size=1000)

        employers = []
        for n in range(EMPLOYERS):
            name = f"Loadtest Employer {n:04d} Ltd"
            postcode = PLACES[n % len(PLACES)][0]
            employers.append(
                Employer(
                    name=name,
                    normalised_name=normalise_employer_name(name),
                    sector=SECTORS[n % len(SECTORS)],
                    size_band=SizeBand.SMALL,
                    postcode=postcode,
                    email_domain=f"loadtest{n}.example.org",
                )
            )
        Employer.objects.bulk_create(employers, batch_size=1000)
        employers = list(Employer.objects.filter(name__startswith="Loadtest ").order_by("name"))
        logins = self._users(
            [f"{PREFIX}emp{n}@example.org" for n in range(1, EMPLOYER_LOGINS + 1)], Role.EMPLOYER
        )
        EmployerMembership.objects.bulk_create(
            [
                EmployerMembership(employer=employers[i], user=user, role=MembershipRole.ADMIN)
                for i, user in enumerate(logins)
            ]
        )

        opportunities = []
        for n in range(OPPORTUNITIES):
            postcode, lat, lon = PLACES[n % len(PLACES)]
            opportunities.append(
                Opportunity(
                    employer=employers[n % EMPLOYERS],
                    programme=programmes[n % len(programmes)],
                    opportunity_type=OpportunityType.VACANCY,
                    title=f"Warehouse operative {n}",
                    description="Picking and packing orders in a busy warehouse.",
                    sector=SECTORS[n % len(SECTORS)],
                    postcode=postcode,
                    latitude=lat,
                    longitude=lon,
                    places=3,
                    hours_per_week=Decimal("30"),
                    paid=True,
                    pay_pence=1300,
                    start_date=today + datetime.timedelta(days=30),
                    closing_date=today + datetime.timedelta(days=20 + n % 60),
                    status=OpportunityStatus.LIVE,
                    public=True,
                    approved_at=timezone.now(),
                    required_licences=[],
                    essential_skills=[],
                    desirable_skills=[],
                    adjustments=[],
                )
            )
        Opportunity.objects.bulk_create(opportunities, batch_size=1000)

        # Two candidates proposed to each employer with a login.
        first_opportunity = {
            o.employer.pk: o
            for o in Opportunity.objects.filter(
                employer__in=employers[:EMPLOYER_LOGINS]
            ).select_related("employer")
        }
        candidates = list(
            Participant.objects.filter(key_worker__in=workers).order_by("pk")[: 2 * EMPLOYER_LOGINS]
        )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    participant=candidates[2 * i + k],
                    opportunity=first_opportunity[e.pk],
                    note="Reliable and keen.",
                    share_details_at_interview=True,
                    status=ProposalStatus.PROPOSED,
                    proposed_by=candidates[2 * i + k].key_worker,
                )
                for i, e in enumerate(employers[:EMPLOYER_LOGINS])
                for k in range(2)
            ]
        )
