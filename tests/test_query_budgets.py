"""The main list pages read the same number of queries for 3 rows as for 15 (no N+1).

Each case builds a viewer and ``rows`` rows of what the page lists, loads the page once (warm:
caches such as the site settings fill on the first request), then counts the queries of a
second load. The count with 15 rows must equal the count with 3.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brokerage.opportunities.models import OpportunityStatus
from brokerage.participants.models import Readiness
from portal.accounts.roles import Role
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.payments import LedgerEntryFactory
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _live(**kwargs):
    defaults = {
        "status": OpportunityStatus.LIVE,
        "public": True,
        "sector": "logistics",
        "hours_per_week": Decimal("30"),
        "start_date": _today() + datetime.timedelta(days=30),
        "required_licences": [],
        "essential_skills": [],
        "desirable_skills": [],
        "adjustments": [],
        "approved_at": timezone.now(),
        "postcode": "TS18 1AA",
        "latitude": 54.5631,
        "longitude": -1.3168,
    }
    return OpportunityFactory(**{**defaults, **kwargs})


def _job_ready(**kwargs):
    defaults = {
        "readiness": Readiness.JOB_READY,
        "consent_employer_profile": True,
        "date_of_birth": _today().replace(year=_today().year - 30) - datetime.timedelta(days=10),
        "max_travel_miles": 15,
        "hours_min": 16,
        "hours_max": 37,
        "sector_interests": ["logistics"],
        "skills": [],
        "licences": [],
        "adjustments_needed": [],
        "assessed_on": _today(),
    }
    return ParticipantFactory(**{**defaults, **kwargs})


# Each case: (client, rows) -> url, with the client signed in as the viewer.


def caseload(client, rows):
    worker = UserFactory(role=Role.KEY_WORKER)
    programme = tees_programme()
    for _ in range(rows):
        ParticipantFactory(key_worker=worker, programme=programme)
    client.force_login(worker)
    return reverse("participants:caseload")


def participant_matches(client, rows):
    person = _job_ready()
    for _ in range(rows):
        _live()
    client.force_login(person.key_worker)
    return reverse("search:participant_matches", args=[person.reference])


def opportunity_candidates(client, rows):
    worker = UserFactory(role=Role.KEY_WORKER)
    programme = tees_programme()
    for _ in range(rows):
        _job_ready(key_worker=worker, programme=programme)
    opportunity = _live()
    client.force_login(worker)
    return reverse("search:opportunity_candidates", args=[opportunity.pk])


def employer_candidates(client, rows):
    member = EmployerMembershipFactory()
    opportunity = _live(employer=member.employer)
    worker = UserFactory(role=Role.KEY_WORKER)
    programme = tees_programme()
    for _ in range(rows):
        person = ParticipantFactory(
            key_worker=worker, programme=programme, consent_employer_profile=True
        )
        ProposalFactory(participant=person, opportunity=opportunity)
    client.force_login(member.user)
    return reverse("pipeline:employer_candidates")


def employer_opportunities(client, rows):
    member = EmployerMembershipFactory()
    for _ in range(rows):
        OpportunityFactory(employer=member.employer)
    client.force_login(member.user)
    return reverse("opportunities:employer_list")


def staff_opportunities(client, rows):
    for _ in range(rows):
        _live()
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    return reverse("opportunities:staff_list")


def public_listing(client, rows):
    for _ in range(rows):
        _live()
    return reverse("opportunities:public_list")


def payments_ledger(client, rows):
    for _ in range(rows):
        LedgerEntryFactory()
    client.force_login(UserFactory(role=Role.FINANCE_OFFICER))
    return reverse("payments:home")


CASES = [
    caseload,
    participant_matches,
    opportunity_candidates,
    employer_candidates,
    employer_opportunities,
    staff_opportunities,
    public_listing,
    payments_ledger,
]


def _queries(client, url) -> list[str]:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_query_count_does_not_grow_with_rows(client, django_db_blocker, case, settings):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE_TIMEOUT = 0  # count the rendering, not the cached copy
    few = _queries(client, case(client, 3))
    client.logout()
    cache.clear()
    many = _queries(client, case(client, 15))
    assert len(many) == len(few), (
        f"{case.__name__}: {len(few)} queries for 3 rows, {len(many)} for 15\n" + "\n".join(many)
    )
