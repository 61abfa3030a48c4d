"""Time each report over 100,000 placements, in a transaction that is rolled back at the end.

``--database-url`` (repeatable) runs the same benchmark against each database in turn, so one
run prints the figures for SQLite and PostgreSQL: ``--database-url sqlite:////tmp/bench.sqlite3
--database-url postgres://postgres:postgres@127.0.0.1:5432/bench`` (scratch databases,
migrated; with ``--keep`` once, then ``--existing``). ``--both`` is the current database plus
``BENCH_POSTGRES_URL``.
"""

import datetime
import os
import re
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from brokerage.employers.models import Employer
from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryType
from brokerage.opportunities.models import (
    Opportunity,
    OpportunityStatus,
    OpportunityType,
    StrandRegistration,
)
from brokerage.participants.models import Participant
from brokerage.payments.models import (
    FundBudget,
    FundCategory,
    FundPaymentMethod,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerKind,
)
from brokerage.reference.choices import Barrier, Sector, SizeBand
from brokerage.reference.models import (
    Area,
    Measure,
    Partner,
    PartnerType,
    Programme,
    Strand,
    Target,
)
from brokerage.reporting import reports, selectors
from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from brokerage.reporting.reports import outcomes
from portal.accounts.models import User

LIMIT = 0.5  # seconds: every report at 100,000 placements


class Rollback(Exception):
    pass


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class Command(BaseCommand):
    help = (
        "Create 100,000 placements with their outcome records (rolled back) and time each report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--placements", type=int, default=100_000)
        parser.add_argument("--enquiries", type=int, default=20_000)
        parser.add_argument("--fund-requests", type=int, default=10_000)
        parser.add_argument(
            "--repeat", type=int, default=3, help="Runs per report; the best is printed."
        )
        parser.add_argument(
            "--keep", action="store_true",
            help="Commit the data instead of rolling it back (use a scratch database only).",
        )
        parser.add_argument(
            "--existing", action="store_true",
            help="Create nothing: time the reports on the benchmark programme a --keep run left.",
        )
        parser.add_argument(
            "--profile", action="store_true",
            help="Also print each report's slowest queries (time and the start of the SQL).",
        )
        parser.add_argument(
            "--database-url", action="append", default=[], dest="database_urls",
            help="Run against this database instead (repeatable: each in turn, in a process of "
            "its own). Use scratch databases only.",
        )
        parser.add_argument(
            "--both", action="store_true",
            help="Run against the configured database and then BENCH_POSTGRES_URL.",
        )

    def handle(
        self, *args, placements, enquiries, fund_requests, repeat, profile, keep, existing,
        database_urls, both, **options,
    ):
        self.profile = profile
        if both:
            postgres = os.environ.get("BENCH_POSTGRES_URL")
            if not postgres:
                raise CommandError("--both needs BENCH_POSTGRES_URL (a scratch PostgreSQL database).")
            database_urls = [os.environ.get("DATABASE_URL", ""), postgres]
        if database_urls:
            self._each_database(database_urls)
            return
        if existing:
            programme = Programme.objects.filter(slug="benchmark-programme").first()
            if programme is None:
                raise CommandError("No benchmark programme here: run with --keep first.")
            self._time_reports(programme, repeat)
            return
        try:
            with transaction.atomic():
                programme = self._create(placements, enquiries, fund_requests)
                self._time_reports(programme, repeat)
                if not keep:
                    raise Rollback
            self.stdout.write("Kept: the benchmark data stays in this database.")
        except Rollback:
            self.stdout.write("Rolled back: nothing was kept.")

    def _each_database(self, urls: list[str]) -> None:
        """This command again, once per database, with the same options less the URLs."""
        argv, skip = [], False
        for arg in sys.argv[2:]:
            if skip:
                skip = False
                continue
            if arg in ("--database-url", "--both"):
                skip = arg == "--database-url"
                continue
            if arg.startswith("--database-url="):
                continue
            argv.append(arg)
        for url in urls:
            env = {**os.environ}
            if url:
                env["DATABASE_URL"] = url
            else:
                env.pop("DATABASE_URL", None)
            shown = re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url) if url else "default"
            self.stdout.write(f"== {shown}")
            self.stdout.flush()
            done = subprocess.run(
                [sys.executable, sys.argv[0], "bench_reports", *argv], env=env, check=False
            )
            if done.returncode:
                raise CommandError(f"The benchmark failed on {shown}.")

    def _create(self, placements, enquiries, fund_requests) -> Programme:
        started = time.perf_counter()
        programme = Programme.objects.create(
            name="Benchmark programme", slug="benchmark-programme",
            start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2026, 3, 31),
        )
        areas = [
            Area.objects.create(name=f"Benchmark area {i}", slug=f"benchmark-area-{i}")
            for i in range(5)
        ]
        programme.areas.set(areas)
        per_area = placements // len(areas)
        for index, area in enumerate(areas):
            Target.objects.bulk_create([
                Target(programme=programme, area=area, measure=m, period_start=programme.start_date,
                       period_end=programme.end_date, value=per_area // 2)
                for m in outcomes.OUTCOME_MEASURES
            ])
            starts = per_area * 4 // 5
            outcomes_bulk_create(
                programme=programme,
                area=area,
                prefix=f"B{index}",
                counts=OutcomeCounts(
                    starts=starts,
                    placements=per_area - starts,
                    four_weeks=starts * 3 // 4,
                    sustained_26w=starts // 2,
                    leavers=starts // 5,
                    progressions=starts // 5,
                ),
                first_start=datetime.date(2020, 6, 1),
                spread_days=1800,
                extra_referrals=per_area // 10,
            )
        self._strands(programme, areas)
        self._enquiries(programme, areas, enquiries)
        self._fund(programme, areas, fund_requests)
        self.stdout.write(f"Created {placements:,} placements and their records in "
                          f"{time.perf_counter() - started:.1f} s.")
        return programme

    def _time_reports(self, programme, repeat) -> None:
        user = User.objects.filter(email="bench@example.org").first()
        if user is None:
            user = User(email="bench@example.org", is_superuser=True, is_active=True)
            user.save()
        scope = selectors.report_scope(user, programme)
        self.stdout.write(f"Database: {connection.vendor}; load average: {_load()}")
        for report in reports.REPORTS:
            best = min(self._time(report.slug, scope) for _ in range(repeat))
            verdict = "ok" if best <= LIMIT else f"SLOWER THAN {LIMIT * 1000:.0f} ms"
            self.stdout.write(f"{report.title:<24} {best * 1000:8.0f} ms  {verdict}")
            if self.profile:
                self._profile(report.slug, scope)
        # The outcome report reads the counts kept after commit (``OutcomeSummary``); the
        # recount it falls back on when they are stale, for comparison:
        measures = outcomes.outcome_measures(programme)
        recount = min(self._seconds(lambda: outcomes.outcome_counts(scope, measures))
                      for _ in range(repeat))
        self.stdout.write(f"{'  (outcomes recount)':<24} {recount * 1000:8.0f} ms  "
                          "when no kept summary is current")
        self.stdout.write(f"Load average after: {_load()}")

    def _strands(self, programme, areas):
        """Five strands, with registered employers and opportunities that went live."""
        employers = list(Employer.objects.filter(name__startswith=programme.name)[:1])
        employer = employers[0] if employers else Employer.objects.create(name="Bench employer")
        now = timezone.now()
        for i in range(5):
            strand = Strand.objects.create(programme=programme, name=f"Strand {i}",
                                           slug=f"strand-{i}", order=i)
            Target.objects.create(programme=programme, strand=strand,
                                  measure=Measure.OPPORTUNITIES_CREATED, value=500,
                                  period_start=programme.start_date,
                                  period_end=programme.end_date)
            StrandRegistration.objects.create(employer=employer, strand=strand,
                                              registered_at=now)
            Opportunity.objects.bulk_create([
                Opportunity(employer=employer, programme=programme, strand=strand,
                            title=f"Bench {i}-{n}", opportunity_type=OpportunityType.VACANCY,
                            status=OpportunityStatus.CLOSED, places=1 + n % 3,
                            approved_at=now - datetime.timedelta(days=n % 700))
                for n in range(400)
            ])

    def _profile(self, kind, scope) -> None:
        timings: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append((time.perf_counter() - start, sql))

        with connection.execute_wrapper(timed):
            reports.report_tables(kind, scope)
        self.stdout.write(f"    {len(timings)} queries, "
                          f"{sum(t for t, _ in timings) * 1000:.0f} ms in the database")
        for seconds, sql in sorted(timings, reverse=True)[:5]:
            self.stdout.write(f"    {seconds * 1000:7.1f} ms  {sql[:300]}")

    @staticmethod
    def _seconds(run) -> float:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    def _time(self, kind, scope) -> float:
        start = time.perf_counter()
        tables = reports.report_tables(kind, scope)
        assert tables
        return time.perf_counter() - start

    def _enquiries(self, programme, areas, count):
        partner = Partner.objects.create(name="Benchmark partner", partner_type=PartnerType.COUNCIL)
        types = [t for t, _ in EnquiryType.choices]
        Enquiry.objects.bulk_create(
            [
                Enquiry(
                    reference=f"BE{i:09d}",
                    types=[types[i % len(types)], types[(i * 7) % len(types)]],
                    organisation_name=f"Employer {i}",
                    postcode="TS18 1AA",
                    area=areas[i % len(areas)],
                    size_band=SizeBand.choices[0][0],
                    sector=Sector.choices[0][0],
                    contact_name="A Person",
                    email=f"e{i}@example.org",
                    preferred_contact="email",
                    entry_page="employers" if i % 3 else "",
                    campaign="spring" if i % 5 == 0 else "",
                )
                for i in range(count)
            ],
            batch_size=5000,
        )
        now = timezone.now()
        EnquiryItem.objects.bulk_create(
            [
                EnquiryItem(
                    enquiry=enquiry,
                    partner=partner,
                    programme=programme,
                    types=enquiry.types,
                    routing_reason="Benchmark",
                    routed_at=now - datetime.timedelta(days=i % 900),
                    deadline=now - datetime.timedelta(days=i % 900) + datetime.timedelta(days=2),
                    first_response_at=(
                        now - datetime.timedelta(days=i % 900) + datetime.timedelta(hours=i % 96)
                    )
                    if i % 4
                    else None,
                )
                for i, enquiry in enumerate(Enquiry.objects.filter(reference__startswith="BE"))
            ],
            batch_size=5000,
        )

    def _fund(self, programme, areas, count):
        requester = User.objects.create(email="bench-kw@example.org")
        budgets = [
            FundBudget.objects.create(
                programme=programme,
                area=area,
                starts_on=programme.start_date,
                ends_on=programme.end_date,
                amount_pence=50_000_000,
            )
            for area in areas
        ]
        people = list(
            Participant.objects.filter(programme=programme).values_list("pk", "area_id")[:count]
        )
        by_area = {b.area_id: b for b in budgets}
        categories = [c for c, _ in FundCategory.choices]
        requests = FundRequest.objects.bulk_create(
            [
                FundRequest(
                    participant_id=pk,
                    area_id=area_id,
                    budget=by_area[area_id],
                    barrier=Barrier.choices[0][0],
                    category=categories[i % len(categories)],
                    description="Benchmark",
                    amount_pence=1000 + i % 5000,
                    not_available_elsewhere="Benchmark",
                    payment_method=FundPaymentMethod.choices[0][0],
                    status=FundRequestStatus.PAID,
                    requested_by=requester,
                    spent_pence=1000 + i % 5000,
                )
                for i, (pk, area_id) in enumerate(people)
            ],
            batch_size=5000,
        )
        LedgerEntry.objects.bulk_create([
            LedgerEntry(amount_pence=r.amount_pence, kind=LedgerKind.FUND_TRANSFER,
                        source_type="payments.fundrequest", source_id=str(r.pk))
            for r in requests
        ], batch_size=5000)
