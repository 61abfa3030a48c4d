"""The portal under a crowd: ``make loadtest`` (or ``locust -f loadtest/locustfile.py``).

People in rough proportion to a live programme's traffic (weights below): anonymous visitors
on the front door and the public opportunity listing (most of it), employers on their home
page, opportunities and candidates, key workers on their caseloads and matches both ways, and
finance officers on the payment pages. Staff sign in through allauth's form like anyone else;
the load runs with ``DJANGO_ENV=development`` where the seeded logins skip the second factor
(``seed_loadtest``: ``skip_two_factor`` is ignored in production, so this scenario cannot sign
in to a production deployment's staff pages without an authenticator).

Every non-2xx/3xx answer counts as a failure (locust's default), so the error figure is exact.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import threading

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "Brokerage-Demo-2026")
KEY_WORKERS = int(os.environ.get("LOADTEST_KEY_WORKERS", "50"))
EMPLOYER_LOGINS = int(os.environ.get("LOADTEST_EMPLOYER_LOGINS", "200"))
FINANCE = os.environ.get("LOADTEST_FINANCE", "finance@example.org").split(",")  # seed_demo's

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_OPPORTUNITY = re.compile(r'href="/find-opportunities/(\d+)/"')
_OFFER = re.compile(r'href="(/[\w-]+/[\w-]+/)"')
_PARTICIPANT = re.compile(r'href="/participants/([A-Z0-9]+)/"')
_STAFF_OPPORTUNITY = re.compile(r'href="/opportunities/(\d+)/"')

_lock = threading.Lock()
_counters = {"kw": itertools.count(), "emp": itertools.count(), "fin": itertools.count()}


def _next(kind: str, size: int) -> int:
    with _lock:
        return next(_counters[kind]) % size + 1


class Visitor(HttpUser):
    """Each simulated person comes from an address of their own, as through the proxy in front.

    ``loadtest/run`` starts gunicorn with ``TRUSTED_PROXY_COUNT=1``, so the portal reads the
    client's address from ``X-Forwarded-For`` (as behind nginx) and allauth's per-address
    sign-in limits apply to each person, not to the one address Locust runs on.
    """

    abstract = True

    def on_start(self) -> None:
        address = ".".join(str(random.randint(1, 254)) for _ in range(3))
        self.client.headers["X-Forwarded-For"] = f"10.{address}"


class SignedIn(Visitor):
    abstract = True

    def sign_in(self, email: str) -> None:
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "login": email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ (POST)",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url or response.status_code != 200:
                response.failure(
                    f"sign-in failed for {email}: {response.status_code} {response.url}"
                )


class AnonymousVisitor(Visitor):
    weight = 12
    wait_time = between(1, 4)

    def on_start(self) -> None:
        super().on_start()
        home = self.client.get("/", name="/ (home)")
        self.offers = sorted(set(_OFFER.findall(home.text))) or ["/"]
        listing = self.client.get("/find-opportunities/", name="/find-opportunities/")
        self.opportunities = _OPPORTUNITY.findall(listing.text) or []

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="/ (home)")

    @task(3)
    def offer(self) -> None:
        self.client.get(random.choice(self.offers), name="/<offer page>/")

    @task(4)
    def listing(self) -> None:
        page = random.randint(1, 20)
        self.client.get(f"/find-opportunities/?page={page}", name="/find-opportunities/?page=N")

    @task(1)
    def filtered(self) -> None:
        self.client.get(
            "/find-opportunities/?sector=logistics&closing_soon=on",
            name="/find-opportunities/?sector=…",
        )

    @task(3)
    def detail(self) -> None:
        if self.opportunities:
            pk = random.choice(self.opportunities)
            self.client.get(f"/find-opportunities/{pk}/", name="/find-opportunities/<id>/")


class Employer(SignedIn):
    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(f"loadtest-emp{_next('emp', EMPLOYER_LOGINS)}@example.org")

    @task(2)
    def home(self) -> None:
        self.client.get("/employer/", name="/employer/")

    @task(2)
    def opportunities(self) -> None:
        self.client.get("/employer/opportunities/", name="/employer/opportunities/")

    @task(3)
    def candidates(self) -> None:
        self.client.get("/employer/candidates/", name="/employer/candidates/")


class KeyWorker(SignedIn):
    weight = 4
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(f"loadtest-kw{_next('kw', KEY_WORKERS)}@example.org")
        caseload = self.client.get("/caseload/", name="/caseload/")
        self.people = _PARTICIPANT.findall(caseload.text)
        staff_list = self.client.get("/opportunities/", name="/opportunities/")
        self.opportunities = _STAFF_OPPORTUNITY.findall(staff_list.text)

    @task(3)
    def caseload(self) -> None:
        self.client.get("/caseload/", name="/caseload/")

    @task(3)
    def matches(self) -> None:
        if self.people:
            ref = random.choice(self.people)
            self.client.get(f"/participants/{ref}/matches/", name="/participants/<ref>/matches/")

    @task(2)
    def candidates(self) -> None:
        if self.opportunities:
            pk = random.choice(self.opportunities)
            self.client.get(
                f"/opportunities/{pk}/candidates/", name="/opportunities/<id>/candidates/"
            )

    @task(1)
    def opportunities_list(self) -> None:
        self.client.get("/opportunities/", name="/opportunities/")


class Finance(SignedIn):
    weight = 1
    wait_time = between(3, 8)

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(FINANCE[_next("fin", len(FINANCE)) - 1])

    @task(3)
    def ledger(self) -> None:
        self.client.get("/payments/", name="/payments/")

    @task(1)
    def fund(self) -> None:
        self.client.get("/payments/fund/", name="/payments/fund/")

    @task(1)
    def reconciliation(self) -> None:
        self.client.get("/payments/reconciliation/", name="/payments/reconciliation/")
