"""The database backend's fast path ranks exactly as scoring every pair one by one would.

The backend reads candidate rows lean, memoises score components and builds ``Match`` objects
only for the results it returns; this checks, on a random mix of records, that the results,
order, scores, distances and reasons are the same as ``scoring.match`` on every pair.
"""

import datetime
import random
from decimal import Decimal

import pytest

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant, Readiness
from brokerage.reference.choices import Adjustment, Licence, Sector
from search import scoring
from search.backends.base import MatchFilters
from search.backends.database import DatabaseBackend
from search.models import ArchivedMatch
from tests.factories.reference import ProgrammeFactory
from tests.search.conftest import today

POSTCODES = ["TS18 1AA", "DL1 1AA", "TS1 1AA", "TS5 1AA", "DL3 1AA", "TS20 1AA", "NE1 1AA"]
SKILLS = ["Forklift", "forklift ", "customer service", "stock control", "cleaning", "excel", "care"]


def _some(rng, values, most):
    return rng.sample(values, rng.randint(0, most))


@pytest.fixture
def random_records(make_participant, make_opportunity):
    rng = random.Random(7)
    other = ProgrammeFactory(name="Equivalence programme")
    people = []
    for _ in range(25):
        low = rng.choice([None, 0, 16, 20])
        people.append(make_participant(
            rng.choice(POSTCODES),
            readiness=rng.choice([Readiness.JOB_READY] * 3 + [Readiness.GETTING_READY]),
            date_of_birth=today() - datetime.timedelta(days=rng.randint(16 * 365, 40 * 365)),
            max_travel_miles=rng.choice([None, 3, 5, 10, 20]),
            hours_min=low, hours_max=None if low is None else low + rng.choice([5, 20]),
            sector_interests=_some(rng, Sector.values, 2), skills=_some(rng, SKILLS, 3),
            licences=_some(rng, Licence.values, 2), adjustments_needed=_some(rng, Adjustment.values, 2),
            available_from=rng.choice([None, today() + datetime.timedelta(days=rng.randint(0, 40))]),
        ))
    for person in people[::5]:
        person.programme = other
        person.save()
    opportunities = []
    for _ in range(40):
        age = rng.random() < 0.2
        opportunities.append(make_opportunity(
            rng.choice(POSTCODES),
            sector=rng.choice(Sector.values), remote=rng.random() < 0.1,
            hours_per_week=rng.choice([None, Decimal("16"), Decimal("22.5"), Decimal("37.5"), Decimal("45")]),
            start_date=rng.choice([None, today() + datetime.timedelta(days=rng.randint(-5, 40))]),
            ring_fenced=rng.random() < 0.3, programme=rng.choice([other, people[1].programme]),
            min_age=18 if age else None, max_age=25 if age else None,
            required_licences=_some(rng, Licence.values, 1), essential_skills=_some(rng, SKILLS, 3),
            desirable_skills=_some(rng, SKILLS, 2), adjustments=_some(rng, Adjustment.values, 3),
            places=2, places_filled=rng.choice([0, 0, 0, 1, 2]),
        ))
    opportunities[0].status = OpportunityStatus.CLOSED
    opportunities[0].save()
    ArchivedMatch.objects.create(participant=people[0], opportunity=opportunities[1])
    return people, opportunities


def _described(matches):
    return [
        (m.participant_id, m.opportunity_id, m.score, m.distance, m.fit.fund_licences,
         [(r.text, r.kind) for r in m.reasons], m.components)
        for m in matches
    ]


def _one_by_one(pairs, filters, archived, limit):
    found = []
    for seeker, offer, _opportunity in pairs:
        if (seeker.pk, offer.pk) in archived:
            continue
        if filters.sector and offer.sector != filters.sector:
            continue
        m = scoring.match(seeker, offer, today=today(), include_getting_ready=filters.include_getting_ready)
        if m is None or (filters.within_miles and m.distance is not None and m.distance > filters.within_miles):
            continue
        if filters.strong_only and not m.strong:
            continue
        found.append(m)
    found.sort(key=scoring.rank_key)
    return found if limit is None else found[:limit]


FILTERS = [
    MatchFilters(),
    MatchFilters(include_getting_ready=True),
    MatchFilters(within_miles=6),
    MatchFilters(strong_only=True),
    MatchFilters(sector=Sector.LOGISTICS),
]


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_fast_path_ranks_exactly_as_scoring_each_pair(random_records, filters):
    backend = DatabaseBackend()
    archived = set(ArchivedMatch.objects.values_list("participant_id", "opportunity_id"))
    people = list(Participant.objects.all())
    opportunities = list(Opportunity.objects.all())
    offers = [(scoring.offer_from(o), o) for o in opportunities]
    seekers = [scoring.seeker_from(p) for p in people]
    compared = 0
    for limit in (None, 5):
        for person, seeker in zip(people, seekers, strict=True):
            expected = [] if not scoring.seeker_matchable(
                seeker, include_getting_ready=filters.include_getting_ready
            ) else _one_by_one(((seeker, offer, o) for offer, o in offers), filters, archived, limit)
            got = backend.opportunities_for_participant(person, filters=filters, today=today(), limit=limit)
            assert _described(got) == _described(expected)
            compared += len(got)
        if filters.sector:
            continue  # the sector filter means something else for participants
        for offer, opportunity in offers:
            expected = [] if not scoring.offer_open(offer, today=today()) else _one_by_one(
                ((seeker, offer, opportunity) for seeker in seekers), filters, archived, limit
            )
            got = backend.participants_for_opportunity(opportunity, filters=filters, today=today(), limit=limit)
            assert _described(got) == _described(expected)
            compared += len(got)
    assert compared  # the random records do produce matches to compare
