"""Time front-door pages rendered through the test client: ``manage.py bench_pages -n 200``.

Run after ``manage.py seed_demo``. Prints p50 and p95 in milliseconds for the home page and
an offer page (the bar is 20 ms at p95), both as wall-clock time and as this process's CPU
time (the CPU figure is what the code costs when the machine is busy with other work), and
the number of database queries per request. Reads only.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from cms.models import HomePage, OfferPage

TARGET_MS = 20.0


class Command(BaseCommand):
    help = "Render the home page and an offer page N times and print p50/p95 in ms."

    def add_arguments(self, parser):
        parser.add_argument("-n", "--iterations", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=10)

    def handle(self, *args, iterations: int, warmup: int, **options):
        if iterations < 1:
            raise CommandError("--iterations must be at least 1")
        home = HomePage.objects.live().first()
        offer = OfferPage.objects.live().first()
        if home is None or offer is None:
            raise CommandError("No live home page or offer page: run manage.py seed_demo first.")
        hosts = list(settings.ALLOWED_HOSTS) + ["testserver"]
        failed = False
        with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False):
            client = Client()
            for label, page in (("home page", home), ("offer page", offer)):
                url = page.get_url()
                wall, cpu = self._time(client, url, iterations=iterations, warmup=warmup)
                with CaptureQueriesContext(connection) as queries:
                    self._get(client, url)
                p95 = _percentile(wall, 95)
                ok = p95 <= TARGET_MS
                failed = failed or not ok
                style = self.style.SUCCESS if ok else self.style.WARNING
                self.stdout.write(
                    style(
                        f"{label:<11} {url:<36} n={iterations} "
                        f"p50={statistics.median(wall):.1f} ms p95={p95:.1f} ms "
                        f"(cpu p50={statistics.median(cpu):.1f} ms p95={_percentile(cpu, 95):.1f} ms) "
                        f"queries={len(queries)} target p95 ≤ {TARGET_MS:.0f} ms"
                    )
                )
        if failed:
            self.stdout.write(self.style.WARNING("p95 is above the target for at least one page."))

    def _time(
        self, client: Client, url: str, *, iterations: int, warmup: int
    ) -> tuple[list[float], list[float]]:
        for _ in range(warmup):
            self._get(client, url)
        wall, cpu = [], []
        for _ in range(iterations):
            started, started_cpu = time.perf_counter(), time.process_time()
            self._get(client, url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return wall, cpu

    def _get(self, client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} returned {response.status_code}")


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]
