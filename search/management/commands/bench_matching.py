"""Benchmark matching in a scratch database: 10,000 participants and 10,000 live opportunities
across the seed areas, then p50/p95/max of top-20 matches in each direction, SQL queries per
request, the time from one change (saved) to its top 20 read again, and the machine's load.
Never touches the real database: it creates (and afterwards destroys) a test database (a
temporary SQLite file, or ``test_<name>`` on PostgreSQL) exactly as the test runner does.

``--postgres URL`` runs the same benchmark again on PostgreSQL afterwards (in a child process
with ``DATABASE_URL=URL``; the scratch database is ``test_<name in URL>``), so one command
prints the figures for both databases.
"""

import datetime
import gc
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

SEED_PREFIXES = ("TS", "DL", "S", "L", "SN", "CH", "WA", "PR", "DE", "NG")
SKILLS = ["forklift", "customer service", "stock control", "cleaning", "cooking", "driving", "excel",
          "care", "bricklaying", "painting", "cash handling", "first aid", "welding", "security"]


class Command(BaseCommand):
    help = "Benchmark matching (10,000 × 10,000) in a scratch database and print p50/p95."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--opportunities", type=int, default=10_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--postgres", metavar="URL",
            help="also run on PostgreSQL: postgres://user:password@host:port/name "
                 "(the scratch database is test_<name>)",
        )
        parser.add_argument(
            "--keep-sqlite", metavar="PATH",
            help="SQLite only: build the scratch database in PATH and keep it; reuse it when PATH exists",
        )

    def handle(self, *args, **options):
        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        tmp = None
        keep = options.get("keep_sqlite")
        if keep and connection.vendor == "sqlite":
            exists = Path(keep).exists()
            settings_dict.setdefault("TEST", {})["NAME"] = keep
            connection.close()
            settings_dict["NAME"] = keep
            if not exists:
                self.stdout.write(f"Creating a scratch sqlite database in {keep}…")
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            self._run(populate=not exists, **options)
            self._postgres(options)
            return
        if connection.vendor == "sqlite":
            tmp = tempfile.TemporaryDirectory()
            settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
        self.stdout.write(f"Creating a scratch {connection.vendor} database…")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            self._run(**options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            if tmp is not None:
                tmp.cleanup()
        self._postgres(options)

    def _postgres(self, options):
        """The same run on PostgreSQL, in a child process whose settings point at ``URL``."""
        url = options.get("postgres")
        if not url:
            return
        self.stdout.write(f"--- PostgreSQL ({url.rsplit('@', 1)[-1]}) ---")
        self.stdout.flush()
        args = [sys.executable, sys.argv[0], "bench_matching", "--skip-checks",
                f"--people={options['people']}", f"--opportunities={options['opportunities']}",
                f"--queries={options['queries']}", f"--seed={options['seed']}"]
        subprocess.run(args, env={**os.environ, "DATABASE_URL": url}, check=True)

    def _run(self, *, people, opportunities, queries, seed, populate=True, **_):
        rng = random.Random(seed)
        today = timezone.localdate()
        if populate:
            self._populate(rng, today, people=people, opportunities=opportunities)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # planner statistics, as PostgreSQL's autovacuum would gather
        self._measure(rng, today, queries)

    def _populate(self, rng, today, *, people, opportunities):
        from brokerage.employers.models import Employer
        from brokerage.opportunities.models import Opportunity, OpportunityStatus
        from brokerage.participants.models import Participant, ParticipantStatus, Readiness
        from brokerage.reference.choices import Adjustment, Licence, Sector
        from brokerage.reference.models import Programme
        from brokerage.reference.postcodes import centroids

        codes = [
            (code, point) for code, point in centroids().items()
            if re.match(r"[A-Z]+", code).group(0) in SEED_PREFIXES
        ]
        programme = Programme.objects.create(name="Bench programme", slug="bench", start_date=today, end_date=today)
        other = Programme.objects.create(name="Bench other", slug="bench-other", start_date=today, end_date=today)
        employers = Employer.objects.bulk_create([Employer(name=f"Employer {i}") for i in range(200)])
        sectors, licences, adjustments = Sector.values, Licence.values, Adjustment.values

        def some(values, most):
            return rng.sample(values, rng.randint(0, most))

        started = time.perf_counter()
        opps = []
        for i in range(opportunities):
            code, (lat, lon) = rng.choice(codes)
            age = rng.random() < 0.2
            opps.append(Opportunity(
                employer=employers[i % len(employers)], opportunity_type="vacancy", title=f"Job {i}",
                status=OpportunityStatus.LIVE, sector=rng.choice(sectors), postcode=code, latitude=lat,
                longitude=lon, remote=rng.random() < 0.03, places=rng.randint(1, 5),
                hours_per_week=Decimal(rng.choice([16, 20, 25, 30, 37.5, 40])),
                start_date=today + datetime.timedelta(days=rng.randint(0, 60)),
                programme=rng.choice([programme, other]), ring_fenced=rng.random() < 0.2,
                min_age=16 if age else None, max_age=24 if age else None,
                required_licences=some(licences, 1), essential_skills=some(SKILLS, 3),
                desirable_skills=some(SKILLS, 2), adjustments=some(adjustments, 3),
                approved_at=timezone.now(),
            ))
        Opportunity.objects.bulk_create(opps, batch_size=1000)
        persons = []
        for _ in range(people):
            code, (lat, lon) = rng.choice(codes)
            low = rng.choice([0, 8, 16, 20])
            persons.append(
                Participant(
                    programme=rng.choice([programme, other]),
                    status=ParticipantStatus.ACTIVE,
                    first_name="Bench",
                    last_name="Person",
                    referral_source="jcp",
                    referred_on=today,
                    assessment_due_on=today,
                    date_of_birth=today - datetime.timedelta(days=rng.randint(16 * 365, 60 * 365)),
                    postcode=code,
                    outward_code=code,
                    latitude=lat,
                    longitude=lon,
                    readiness=rng.choice([Readiness.JOB_READY] * 3 + [Readiness.GETTING_READY]),
                    consent_employer_profile=rng.random() < 0.9,
                    licences=some(licences, 2),
                    skills=some(SKILLS, 4),
                    sector_interests=some(sectors, 3),
                    adjustments_needed=some(adjustments, 1),
                    hours_min=low,
                    hours_max=low + rng.choice([10, 20, 30]),
                    max_travel_miles=rng.choice([5, 10, 15, 20, 30]),
                    available_from=today + datetime.timedelta(days=rng.randint(0, 30)),
                )
            )
        Participant.objects.bulk_create(persons, batch_size=1000)
        self.stdout.write(
            f"Created {people:,} participants and {opportunities:,} live opportunities in "
            f"{len(codes):,} outward codes ({time.perf_counter() - started:.1f} s)"
        )

    def _measure(self, rng, today, queries):
        """The database backend, and beside it Elasticsearch (indexes of its own, dropped after)
        when ELASTICSEARCH_URL is set."""
        from search.backends import database_backend
        from search.backends.elasticsearch import ElasticsearchBackend

        self._measure_backend(database_backend(), random.Random(seed := rng.random()), today, queries)
        if settings.ELASTICSEARCH_URL:
            es = ElasticsearchBackend(url=settings.ELASTICSEARCH_URL, prefix=f"{settings.SEARCH_INDEX_PREFIX}_bench")
            try:
                self._measure_backend(es, random.Random(seed), today, queries)
            finally:
                es.drop()

    def _measure_backend(self, backend, rng, today, queries):
        from brokerage.opportunities.models import Opportunity
        from brokerage.participants.models import Participant, Readiness
        from search.backends.base import MatchFilters
        from search.indexing import MODEL_LABELS, indexable_queryset

        started = time.perf_counter()

        for label in MODEL_LABELS:  # a no-op on the database backend
            backend.reset(label)
            backend.index_many(label, indexable_queryset(label).iterator(chunk_size=1000))
        backend.refresh()
        if backend.keeps_index:
            self.stdout.write(f"Indexed into {backend.name} in {time.perf_counter() - started:.1f} s")

        filters = MatchFilters()
        # Sample ids, then load just the subjects measured: a request holds one record, not 20,000.
        person_ids = list(Participant.objects.filter(readiness=Readiness.JOB_READY, consent_employer_profile=True)
                          .values_list("pk", flat=True))
        opportunity_ids = list(Opportunity.objects.values_list("pk", flat=True))
        for label, model, ids, call in (
            ("opportunities for a participant", Participant, person_ids,
             lambda p: list(backend.opportunities_for_participant(p, filters=filters, today=today, limit=20))),
            ("participants for an opportunity", Opportunity, opportunity_ids,
             lambda o: list(backend.participants_for_opportunity(o, filters=filters, today=today, limit=20))),
        ):
            chosen = rng.sample(ids, min(queries, len(ids)))
            found_by_id = model.objects.in_bulk(chosen)
            sample = [found_by_id[pk] for pk in chosen]
            for subject in sample[:5]:
                call(subject)  # warm caches
            gc.collect()  # not the garbage from building the data
            timings, cpu, query_counts, sizes = [], [], set(), []
            for subject in sample:
                with CaptureQueriesContext(connection) as ctx:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    found = call(subject)
                    timings.append((time.perf_counter() - start) * 1000)
                    cpu.append((time.process_time() - start_cpu) * 1000)
                query_counts.add(len(ctx.captured_queries))
                sizes.append(len(found))
            timings.sort()
            cpu.sort()
            p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
            cpu_p95 = cpu[max(int(len(cpu) * 0.95) - 1, 0)]
            self.stdout.write(
                f"Top 20 {label} ({backend.name} on {connection.vendor}, {len(sample)} queries): "
                f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; "
                f"this process's CPU p50 {statistics.median(cpu):.1f} ms, p95 {cpu_p95:.1f} ms "
                f"(the database server's own time not included); "
                f"SQL queries per request: {sorted(query_counts)}; results per request "
                f"{min(sizes)}–{max(sizes)}"
            )
            self._rescore(backend, model, sample[0], call)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        self.stdout.write(f"Machine load (1, 5, 15 minutes) while measuring: {load} on {os.cpu_count()} CPUs")

    def _rescore(self, backend, model, subject, call):
        """One change to a candidate on the other side (saved and committed; the index synced
        where the backend keeps one), then the subject's top 20 read again: the time until the
        change shows in its matches (the packed candidates re-read just that record)."""
        from brokerage.opportunities.models import Opportunity
        from brokerage.participants.models import Participant
        from search.indexing import MODEL_LABELS
        from search.packed import OpportunityPack, ParticipantPack, pack_for

        if model is Participant:  # opportunities for a participant: change an opportunity
            other, label, kind = Opportunity.objects.order_by("?").first(), MODEL_LABELS[0], OpportunityPack
            other.hours_per_week = Decimal("20") if other.hours_per_week != Decimal("20") else Decimal("30")
            fields = ["hours_per_week"]
        else:
            other, label, kind = Participant.objects.order_by("?").first(), MODEL_LABELS[1], ParticipantPack
            other.hours_max = (other.hours_max or 20) + 1
            fields = ["hours_max"]
        timings = []
        for _ in range(5):
            start = time.perf_counter()
            other.save(update_fields=fields)
            if backend.keeps_index:
                backend.index(label, other)
                backend.refresh()
            with CaptureQueriesContext(connection) as ctx:
                call(subject)
            timings.append((time.perf_counter() - start) * 1000)
        rebuild = ""
        if not backend.keeps_index:
            pack = pack_for(kind)
            start = time.perf_counter()
            with pack.lock:
                pack.rebuild()
            took_ms = (time.perf_counter() - start) * 1000
            rebuild = f"; reading all {len(pack.pk):,} candidates again (not needed) takes {took_ms:.0f} ms"
        self.stdout.write(
            f"  re-score after one change to {'an opportunity' if model is Participant else 'a participant'} "
            f"({backend.name}): {statistics.median(timings):.1f} ms median, {max(timings):.1f} ms max of 5 "
            f"(save, then the top 20 read again, {len(ctx.captured_queries)} SQL queries){rebuild}"
        )
