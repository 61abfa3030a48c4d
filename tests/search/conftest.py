"""Fixtures for search: the backends to run the behavioural cases on, and matchable records."""

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from brokerage.opportunities.models import OpportunityStatus
from brokerage.participants.models import Readiness
from brokerage.reference.postcodes import centroid
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory

BACKENDS = [
    "database",
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not os.environ.get("ELASTICSEARCH_URL"),
                reason="Elasticsearch case: set ELASTICSEARCH_URL to a live cluster to run it",
            ),
        ],
    ),
]


def _point(postcode: str) -> dict:
    lat, lon = centroid(postcode)
    return {"postcode": postcode, "latitude": lat, "longitude": lon}


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def make_opportunity(db):
    """A live vacancy in Stockton (TS18) with places left; override anything."""

    def _make(postcode: str = "TS18 1AA", **kwargs):
        defaults = {
            "status": OpportunityStatus.LIVE,
            "sector": "logistics",
            "hours_per_week": Decimal("30"),
            "start_date": today() + datetime.timedelta(days=30),
            "required_licences": [],
            "essential_skills": [],
            "desirable_skills": [],
            "adjustments": [],
            "approved_at": timezone.now(),
            **_point(postcode),
        }
        defaults.update(kwargs)
        return OpportunityFactory(**defaults)

    return _make


@pytest.fixture
def make_participant(db):
    """A job-ready, consenting participant in Stockton (TS18), 30 years old, travels 15 miles."""

    def _make(postcode: str = "TS18 1AA", **kwargs):
        point = _point(postcode)
        defaults = {
            "readiness": Readiness.JOB_READY,
            "consent_employer_profile": True,
            "date_of_birth": today().replace(year=today().year - 30) - datetime.timedelta(days=10),
            "max_travel_miles": 15,
            "hours_min": 16,
            "hours_max": 37,
            "sector_interests": ["logistics"],
            "skills": [],
            "licences": [],
            "adjustments_needed": [],
            "assessed_on": today(),
            "outward_code": postcode.split()[0],
            **point,
        }
        defaults.update(kwargs)
        return ParticipantFactory(**defaults)

    return _make


def elasticsearch_backend(url: str | None = None):
    """A backend on the live cluster with indexes of its own (dropped by the caller)."""
    import uuid

    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(
        url=url or os.environ["ELASTICSEARCH_URL"], prefix=f"test_{uuid.uuid4().hex[:8]}"
    )


@pytest.fixture(params=BACKENDS)
def backend(request, db):
    """Each backend available: the database always; Elasticsearch when ELASTICSEARCH_URL is set."""
    if request.param == "database":
        from search.backends.database import DatabaseBackend

        yield DatabaseBackend()
        return
    es = elasticsearch_backend()
    yield es
    es.drop()


@pytest.fixture(params=BACKENDS)
def pages_on_each_backend(request, db, monkeypatch):
    """The portal's pages on each backend. On Elasticsearch the index is brought up to date
    with the test's rows before every read (they are never committed, so no after-commit sync
    sees them; that path has tests of its own)."""
    if request.param == "database":
        yield None
        return
    es = elasticsearch_backend()

    def up_to_date():
        sync(es)
        return es

    monkeypatch.setattr("search.selectors.get_backend", up_to_date)
    yield es
    es.drop()


def sync(backend) -> None:
    """Bring the backend's index up to date with the database (what rebuild_index does)."""
    from search.indexing import MODEL_LABELS, indexable_queryset

    for label in MODEL_LABELS:
        backend.reset(label)
        backend.index_many(label, indexable_queryset(label))
    backend.refresh()


@pytest.fixture
def opportunities_for(backend):
    """opportunities_for(participant, **filters) -> ranked matches, after syncing the index."""
    from search.backends.base import MatchFilters

    def _run(participant, **filters):
        sync(backend)
        participant.refresh_from_db()
        return backend.opportunities_for_participant(
            participant, filters=MatchFilters(**filters), today=today()
        )

    return _run


@pytest.fixture
def participants_for(backend):
    """participants_for(opportunity, user=None, **filters) -> ranked matches, after syncing."""
    from search.backends.base import MatchFilters

    def _run(opportunity, user=None, **filters):
        sync(backend)
        opportunity.refresh_from_db()
        return backend.participants_for_opportunity(
            opportunity, filters=MatchFilters(**filters), today=today(), user=user
        )

    return _run
