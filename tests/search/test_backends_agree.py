"""Elasticsearch and the database rank and explain alike, on varied random data, both ways."""

import datetime
import os
import random
from decimal import Decimal

import pytest

from brokerage.participants.models import Readiness
from search.backends.base import MatchFilters
from search.backends.database import DatabaseBackend
from tests.factories.reference import ProgrammeFactory
from tests.search.conftest import elasticsearch_backend, sync, today

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="Elasticsearch case: set ELASTICSEARCH_URL to a live cluster to run it",
    ),
]

POSTCODES = ["TS18 1AA", "TS19 0AA", "TS1 1AA", "TS5 4AA", "DL1 1AA", "DL3 0AA", "S1 1AA"]
SECTORS = ["logistics", "retail", "construction", "hospitality", "health_care"]
SKILLS = ["forklift", "customer service", "stock control", "cleaning", "cooking", "first aid"]
LICENCES = ["cscs", "sia", "forklift", "driving", "hgv", "dbs"]
ADJUSTMENTS = ["step_free", "quiet_space", "part_time", "flexible_hours"]


def some(rng, values, most):
    return rng.sample(values, rng.randint(0, most))


def explained(matches, attr):
    return [(getattr(m, attr), m.score, [r.text for r in m.reasons]) for m in matches]


@pytest.fixture
def varied_records(make_participant, make_opportunity):
    rng = random.Random(20261203)
    programmes = [ProgrammeFactory(name="Routes to Work"), ProgrammeFactory(name="Plan 500")]
    people, jobs = [], []
    for _ in range(30):
        low = rng.choice([None, 0, 8, 16, 20])
        people.append(make_participant(
            rng.choice(POSTCODES), programme=rng.choice(programmes),
            readiness=rng.choice([Readiness.JOB_READY] * 4 + [Readiness.GETTING_READY]),
            date_of_birth=today() - datetime.timedelta(days=rng.randint(16 * 365, 60 * 365)),
            max_travel_miles=rng.choice([None, 3, 5, 10, 15, 30, 60]),
            hours_min=low, hours_max=None if low is None else low + rng.choice([5, 10, 20]),
            sector_interests=some(rng, SECTORS, 2), skills=some(rng, SKILLS, 3),
            licences=some(rng, LICENCES, 2), adjustments_needed=some(rng, ADJUSTMENTS, 2),
            available_from=rng.choice([None, today() + datetime.timedelta(days=rng.randint(0, 60))]),
        ))
    for _ in range(30):
        age_limited = rng.random() < 0.2
        jobs.append(make_opportunity(
            rng.choice(POSTCODES), programme=rng.choice(programmes + [None]),
            ring_fenced=rng.random() < 0.2, remote=rng.random() < 0.1,
            sector=rng.choice(SECTORS), hours_per_week=Decimal(str(rng.choice([8, 16, 25, 30, 37.5, 40]))),
            start_date=rng.choice([None, today() + datetime.timedelta(days=rng.randint(0, 60))]),
            min_age=18 if age_limited else None, max_age=24 if age_limited else None,
            required_licences=some(rng, LICENCES, 1), essential_skills=some(rng, SKILLS, 2),
            desirable_skills=some(rng, SKILLS, 2), adjustments=some(rng, ADJUSTMENTS, 2),
        ))
    return people, jobs


@pytest.mark.parametrize("include_getting_ready", [False, True])
def test_both_backends_rank_and_explain_alike(varied_records, include_getting_ready):
    people, jobs = varied_records
    database, es = DatabaseBackend(), elasticsearch_backend()
    try:
        sync(es)
        filters = MatchFilters(include_getting_ready=include_getting_ready)
        pairs = 0
        for person in people:
            expected = database.opportunities_for_participant(person, filters=filters, today=today())
            got = es.opportunities_for_participant(person, filters=filters, today=today())
            assert explained(got, "opportunity_id") == explained(expected, "opportunity_id"), person
            pairs += len(expected)
        for job in jobs:
            expected = database.participants_for_opportunity(job, filters=filters, today=today())
            got = es.participants_for_opportunity(job, filters=filters, today=today())
            assert explained(got, "participant_id") == explained(expected, "participant_id"), job
        assert pairs > 20  # the data gives matches to compare, not empty lists
    finally:
        es.drop()
