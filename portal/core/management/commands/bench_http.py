"""Public pages' request rates (cached and not) and staff pages' latencies over real HTTP.

``manage.py bench_http`` starts gunicorn (2 sync workers, DEBUG off) on this database twice:
once as configured (anonymous public pages from the cache) and once with
``PUBLIC_PAGE_CACHE_TIMEOUT=0`` (every request renders). It drives each public page with
``wrk`` when installed (else a small threaded keep-alive client) at 20 connections, then signs
in the demo users (sessions written here, no password or second factor: demo users skip it
outside production) and times staff pages with 20 concurrent users, first each pausing a
second between pages (as people do), then back to back (workers saturated). Bars (DESIGN.md §8):
public pages from cache ≥ 700 requests a second on 2 cores; staff pages ≤ 150 ms p95 at 20
concurrent users. Run after ``manage.py seed_demo``; reads only.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand, CommandError

PUBLIC_TARGET_RPS = 700
STAFF_TARGET_P95_MS = 150
SIGN_IN_TARGET_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Server:
    """gunicorn on a free port, for the length of a ``with`` block."""

    def __init__(self, *, workers: int = 2, env: dict[str, str] | None = None):
        self.port = free_port()
        self.workers = workers
        self.env = {**os.environ, "DEBUG": "False", **(env or {})}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "portal.wsgi",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _ = get(self.port, "/healthz")
                if status:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise CommandError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


def get(port: int, path: str, *, cookie: str = "", conn=None) -> tuple[int, float]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if own:
        conn.close()
    return response.status, elapsed


def drive(
    port: int, paths: list[tuple[str, str]], *, clients: int, seconds: float, think: float = 0
):
    """``clients`` threads, each with its own keep-alive connection, cycling through paths and
    pausing ``think`` seconds after each page (0: back to back)."""
    latencies: dict[str, list[float]] = {path: [] for _, path in paths}
    errors: list[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < stop:
            cookie, path = paths[i % len(paths)]
            i += 1
            try:
                status, ms = get(port, path, cookie=cookie, conn=conn)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    errors.append(f"{path}: {exc}")
                continue
            with lock:
                if status != 200:
                    errors.append(f"{path}: HTTP {status}")
                latencies[path].append(ms)
            time.sleep(think)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def rate(port: int, path: str, *, connections: int, seconds: int) -> float:
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        match = re.search(r"Requests/sec:\s+([\d.]+)", out)
        non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        if non_2xx:
            raise CommandError(f"{path}: {non_2xx.group(1)} error responses")
        return float(match.group(1)) if match else 0.0
    latencies, errors = drive(port, [("", path)], clients=connections, seconds=seconds)
    if errors:
        raise CommandError(f"{path}: {errors[:3]}")
    return len(latencies[path]) / seconds


class Command(BaseCommand):
    help = "Public pages' request rates (cached and not) and staff pages' p95 over gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=8, help="per public page and mode")
        parser.add_argument("--staff-seconds", type=int, default=15)
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument(
            "--think", type=float, default=1.0,
            help="seconds each staff user pauses between pages (as people do); the pages are "
            "also timed back to back",
        )

    def handle(
        self, *args, seconds: int, staff_seconds: int, connections: int, think: float, **options
    ):
        public = self._public_paths()
        tool = "wrk" if shutil.which("wrk") else "threaded Python client"
        self.stdout.write(f"Public pages, gunicorn 2 workers, {connections} connections, {tool}:")
        results: dict[str, dict[str, float]] = {}
        for mode, env in (("cached", {}), ("uncached", {"PUBLIC_PAGE_CACHE_TIMEOUT": "0"})):
            with Server(env=env) as server:
                for label, path in public:
                    get(server.port, path)  # fill the cache
                    results.setdefault(label, {})[mode] = rate(
                        server.port, path, connections=connections, seconds=seconds
                    )
        for label, path in public:
            cached, uncached = results[label]["cached"], results[label]["uncached"]
            style = self.style.SUCCESS if cached >= PUBLIC_TARGET_RPS else self.style.WARNING
            self.stdout.write(
                style(
                    f"  {label:<22} {path:<42} cached {cached:7.0f} req/s   "
                    f"uncached {uncached:6.0f} req/s"
                    f"   target cached ≥ {PUBLIC_TARGET_RPS}"
                )
            )
        for pause in (think, 0):
            self._staff(connections=connections, seconds=staff_seconds, think=pause)
        self._sign_in()

    def _public_paths(self) -> list[tuple[str, str]]:
        from brokerage.opportunities.selectors import public_opportunities
        from cms.models import HomePage, OfferPage

        home = HomePage.objects.live().first()
        offer = OfferPage.objects.live().first()
        opportunity = public_opportunities().first()
        if home is None or offer is None:
            raise CommandError("No live home page or offer page: run manage.py seed_demo first.")
        paths = [
            ("home page", home.url),
            ("offer page", offer.url),
            ("opportunity listing", "/find-opportunities/"),
        ]
        if opportunity is not None:
            paths.append(("opportunity detail", f"/find-opportunities/{opportunity.pk}/"))
        return paths

    def _staff(self, *, connections: int, seconds: int, think: float) -> None:
        pages = staff_pages()
        if not pages:
            self.stdout.write(
                self.style.WARNING("No demo staff users: run manage.py seed_demo first.")
            )
            return
        with Server() as server:
            for cookie, path in pages:  # warm up each worker
                get(server.port, path, cookie=cookie)
            latencies, errors = drive(
                server.port, pages, clients=connections, seconds=seconds, think=think
            )
        pace = (f"each pausing {think:g} s between pages" if think
                else "back to back, no pause (saturation)")
        self.stdout.write(
            f"Staff pages, {connections} signed-in users {pace}, gunicorn 2 workers, {seconds} s:"
        )
        for _, path in pages:
            values = latencies[path]
            p95 = percentile(values, 95)
            style = self.style.SUCCESS if p95 <= STAFF_TARGET_P95_MS else self.style.WARNING
            self.stdout.write(
                style(
                    f"  {path:<44} n={len(values):<5} p50={percentile(values, 50):6.1f} ms "
                    f"p95={p95:6.1f} ms   target p95 ≤ {STAFF_TARGET_P95_MS} ms"
                )
            )
        if errors:
            self.stdout.write(self.style.ERROR(f"  {len(errors)} errors, e.g. {errors[:3]}"))
        else:
            self.stdout.write(self.style.SUCCESS("  0 errors"))


    def _sign_in(self, times: int = 7) -> None:
        """Sign the demo employer in through allauth's form over HTTP (CSRF token, Argon2id
        check), one at a time; the median of ``times``. Bar: under 0.5 s."""
        durations = []
        with Server() as server:
            for _ in range(times):
                durations.append(sign_in_ms(server.port, "employer@example.org"))
        median = percentile(durations, 50)
        style = self.style.SUCCESS if median < SIGN_IN_TARGET_MS else self.style.WARNING
        self.stdout.write(style(
            f"Sign-in (allauth's form, Argon2id), median of {times}: {median:.0f} ms   "
            f"target < {SIGN_IN_TARGET_MS} ms"
        ))


def sign_in_ms(port: int, email: str) -> float:
    """Load the sign-in page, post the demo password with its CSRF token; the post's time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    page = conn.getresponse()
    html = page.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (csrf_cookie and token):
        raise CommandError("The sign-in page has no CSRF token to send back.")
    body = urlencode({"csrfmiddlewaretoken": token.group(1), "login": email,
                      "password": settings.DEMO_PASSWORD})
    started = time.perf_counter()
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf_cookie.group(1)}",
        "Referer": f"http://127.0.0.1:{port}/accounts/login/",
    })
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 302:
        raise CommandError(f"Signing in {email} answered {response.status}, not a redirect.")
    return elapsed


def session_cookie(user) -> str:
    """A signed-in session for ``user`` (as ``Client.force_login`` makes), as a Cookie header."""
    from importlib import import_module

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def staff_pages() -> list[tuple[str, str]]:
    """(cookie, path) for the demo key worker, employer and finance officer's main pages."""
    from brokerage.participants.models import Participant
    from portal.accounts.models import User

    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=["keyworker@example.org", "employer@example.org", "finance@example.org"]
        )
    }
    pages = []
    worker = users.get("keyworker@example.org")
    if worker:
        cookie = session_cookie(worker)
        pages += [(cookie, "/caseload/"), (cookie, "/opportunities/"), (cookie, "/pipeline/")]
        person = Participant.objects.filter(key_worker=worker).order_by("pk").first()
        if person:
            pages.append((cookie, f"/participants/{person.reference}/matches/"))
    employer = users.get("employer@example.org")
    if employer:
        cookie = session_cookie(employer)
        pages += [(cookie, "/employer/opportunities/"), (cookie, "/employer/candidates/")]
    finance = users.get("finance@example.org")
    if finance:
        pages.append((session_cookie(finance), "/payments/"))
    return pages
