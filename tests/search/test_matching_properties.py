"""Property tests (Hypothesis) over generated participants and opportunities (issue 19).

- no returned pair breaks a hard filter (checked here from the rules as written, not with
  ``search.scoring``);
- the ranking is deterministic;
- pages (and ``limit``) concatenate to the full ranking;
- a match's parts add up exactly to its score.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brokerage.employers.models import Employer
from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import (
    EligibilityRule,
    EligibilityStatus,
    Participant,
    ParticipantStatus,
    Readiness,
    RuleKind,
)
from brokerage.reference.ages import age_on
from brokerage.reference.choices import Adjustment, Licence, Sector
from brokerage.reference.geometry import haversine_miles
from brokerage.reference.postcodes import centroid
from search import scoring
from search.backends.base import MatchFilters
from search.backends.database import DatabaseBackend
from tests.factories.reference import ProgrammeFactory
from tests.search.conftest import today

POSTCODES = ["TS18 1AA", "TS19 0AA", "TS1 1AA", "DL1 1AA", "DL3 0AA", "NE1 1AA"]
SKILLS = ["Forklift", "forklift ", "Customer  Service", "customer service", "stock-control",
          "cleaning", "MS Excel", "excel"]
FUNDABLE = {str(code) for code in scoring.FUND_OBTAINABLE_LICENCES}

PROPERTY_SETTINGS = settings(
    max_examples=15, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)


def _subset(values, most):
    return st.lists(st.sampled_from(values), max_size=most, unique=True)


people = st.lists(st.fixed_dictionaries({
    "postcode": st.sampled_from(POSTCODES),
    "readiness": st.sampled_from([Readiness.JOB_READY, Readiness.JOB_READY, Readiness.GETTING_READY,
                                  Readiness.NOT_READY]),
    "consent_employer_profile": st.booleans(),
    "status": st.sampled_from([ParticipantStatus.ACTIVE] * 3 + [ParticipantStatus.CLOSED]),
    "age_days": st.integers(16 * 366, 60 * 365),
    "max_travel_miles": st.sampled_from([None, 3, 10, 30]),
    "licences": _subset(Licence.values, 2),
    "skills": _subset(SKILLS, 3),
    "sector_interests": _subset(Sector.values, 2),
    "adjustments_needed": _subset(Adjustment.values, 1),
    "hours_min": st.sampled_from([None, 0, 16, 30]),
    "hours_span": st.sampled_from([5, 20]),
    "available_in": st.sampled_from([None, 0, 10, 40]),
    "programme": st.integers(0, 1),
    "overridden": st.booleans(),
}), min_size=1, max_size=6)

jobs = st.lists(st.fixed_dictionaries({
    "postcode": st.sampled_from(POSTCODES),
    "status": st.sampled_from([OpportunityStatus.LIVE] * 4 + [OpportunityStatus.CLOSED]),
    "places": st.integers(1, 2),
    "filled": st.integers(0, 2),
    "closing_in": st.sampled_from([None, -2, 0, 10]),
    "rolling": st.booleans(),
    "ring_fenced": st.booleans(),
    "programme": st.integers(0, 1),
    "age_limited": st.booleans(),
    "remote": st.booleans(),
    "required_licences": _subset(Licence.values, 1),
    "essential_skills": _subset(SKILLS, 2),
    "desirable_skills": _subset(SKILLS, 2),
    "adjustments": _subset(Adjustment.values, 2),
    "sector": st.sampled_from(Sector.values),
    "hours": st.sampled_from([None, 8, 16, 30, 37.5, 45]),
    "start_in": st.sampled_from([None, -5, 0, 14, 30]),
}), min_size=1, max_size=8)


@pytest.fixture
def world(db):
    """Two programmes, one with an age rule (18 to 40 when referred), and one employer."""
    open_to_all = ProgrammeFactory(name="Property open")
    with_rules = ProgrammeFactory(name="Property ruled")
    EligibilityRule.objects.create(programme=with_rules, kind=RuleKind.AGE, minimum=18, maximum=40)
    return [open_to_all, with_rules], Employer.objects.create(name="Property employer")


def _create(world_, people_specs, job_specs):
    programmes, employer = world_
    day = today()
    persons = []
    for spec in people_specs:
        lat, lon = centroid(spec["postcode"])
        persons.append(Participant(
            programme=programmes[spec["programme"]], status=spec["status"], first_name="P",
            last_name="Q", referral_source="jcp", referred_on=day, assessment_due_on=day,
            date_of_birth=day - datetime.timedelta(days=spec["age_days"]),
            postcode=spec["postcode"], outward_code=spec["postcode"].split()[0],
            latitude=lat, longitude=lon, readiness=spec["readiness"],
            consent_employer_profile=spec["consent_employer_profile"],
            eligibility_status=(EligibilityStatus.OVERRIDDEN if spec["overridden"]
                                else EligibilityStatus.ELIGIBLE),
            max_travel_miles=spec["max_travel_miles"], licences=spec["licences"],
            skills=spec["skills"], sector_interests=spec["sector_interests"],
            adjustments_needed=spec["adjustments_needed"], hours_min=spec["hours_min"],
            hours_max=None if spec["hours_min"] is None else spec["hours_min"] + spec["hours_span"],
            available_from=(None if spec["available_in"] is None
                            else day + datetime.timedelta(days=spec["available_in"])),
        ))
    Participant.objects.bulk_create(persons)
    opportunities = []
    for i, spec in enumerate(job_specs):
        lat, lon = centroid(spec["postcode"])
        opportunities.append(Opportunity(
            employer=employer, opportunity_type="vacancy", title=f"Job {i}", status=spec["status"],
            sector=spec["sector"], postcode=spec["postcode"], latitude=lat, longitude=lon,
            remote=spec["remote"], places=spec["places"],
            places_filled=min(spec["filled"], spec["places"]),
            closing_date=(None if spec["closing_in"] is None
                          else day + datetime.timedelta(days=spec["closing_in"])),
            rolling=spec["rolling"], programme=programmes[spec["programme"]],
            ring_fenced=spec["ring_fenced"],
            min_age=18 if spec["age_limited"] else None, max_age=30 if spec["age_limited"] else None,
            required_licences=spec["required_licences"], essential_skills=spec["essential_skills"],
            desirable_skills=spec["desirable_skills"], adjustments=spec["adjustments"],
            hours_per_week=None if spec["hours"] is None else Decimal(str(spec["hours"])),
            start_date=(None if spec["start_in"] is None
                        else day + datetime.timedelta(days=spec["start_in"])),
        ))
    Opportunity.objects.bulk_create(opportunities)
    return list(Participant.objects.order_by("pk")), list(Opportunity.objects.order_by("pk"))


def _breaks_a_hard_filter(p: Participant, o: Opportunity, ruled_programme_id: int) -> str:
    """The hard filters as the issue states them, written out independently."""
    day = today()
    if o.status != OpportunityStatus.LIVE or o.places_filled >= o.places:
        return "opportunity not open"
    if not o.rolling and o.closing_date is not None and o.closing_date < day:
        return "closed by date"
    if not p.consent_employer_profile or p.status == ParticipantStatus.CLOSED:
        return "no consent or closed"
    if p.readiness != Readiness.JOB_READY:
        return "not job ready"
    if p.programme_id == ruled_programme_id and p.eligibility_status != EligibilityStatus.OVERRIDDEN:
        age = age_on(p.date_of_birth, p.referred_on)
        if not 18 <= age <= 40:
            return "not eligible"
    if o.ring_fenced and o.programme_id != p.programme_id:
        return "ring-fenced"
    age = age_on(p.date_of_birth, day)
    if (o.min_age is not None and age < o.min_age) or (o.max_age is not None and age > o.max_age):
        return "age"
    if set(o.required_licences) - set(p.licences) - FUNDABLE:
        return "licence the fund cannot buy"
    if not o.remote:
        limit = 10 if p.max_travel_miles is None else p.max_travel_miles
        if haversine_miles((p.latitude, p.longitude), (o.latitude, o.longitude)) > limit:
            return "too far"
    return ""


def _described(matches):
    return [(m.participant_id, m.opportunity_id, m.score) for m in matches]


@PROPERTY_SETTINGS
@given(people_specs=people, job_specs=jobs)
def test_matching_properties_on_the_database_backend(world, people_specs, job_specs):
    backend, filters, day = DatabaseBackend(), MatchFilters(), today()
    ruled = world[0][1].pk
    with transaction.atomic():
        persons, opportunities = _create(world, people_specs, job_specs)
        by_pk = {o.pk: o for o in opportunities} | {("p", p.pk): p for p in persons}
        for person in persons:
            ranked = backend.opportunities_for_participant(person, filters=filters, today=day)
            full = list(ranked)
            for m in full:
                broken = _breaks_a_hard_filter(person, by_pk[m.opportunity_id], ruled)
                assert not broken, broken
                assert sum(points for _, points, _ in m.components) == m.score
            again = backend.opportunities_for_participant(person, filters=filters, today=day)
            assert _described(again) == _described(full)
            paged = [m for n in Paginator(ranked, 2).page_range
                     for m in Paginator(ranked, 2).page(n).object_list]
            assert _described(paged) == _described(full)
            top = backend.opportunities_for_participant(person, filters=filters, today=day, limit=2)
            assert _described(top) == _described(full[:2])
        for job in opportunities:
            ranked = backend.participants_for_opportunity(job, filters=filters, today=day)
            full = list(ranked)
            for m in full:
                broken = _breaks_a_hard_filter(by_pk[("p", m.participant_id)], job, ruled)
                assert not broken, broken
                assert sum(points for _, points, _ in m.components) == m.score
            again = backend.participants_for_opportunity(job, filters=filters, today=day)
            assert _described(again) == _described(full)
            paged = [m for n in Paginator(ranked, 2).page_range
                     for m in Paginator(ranked, 2).page(n).object_list]
            assert _described(paged) == _described(full)
        transaction.set_rollback(True)


unit = st.floats(0, 1, allow_nan=False)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.tuples(unit, unit, unit, unit, unit, unit))
def test_parts_add_up_to_the_score(values):
    names = list(scoring.WEIGHTS)
    parts = [scoring.part_points(name, value) for name, value in zip(names, values, strict=True)]
    assert scoring.points(*values) == sum(parts)
    assert 0 <= sum(parts) <= 100
    for name, value, part in zip(names, values, parts, strict=True):
        assert abs(part - scoring.WEIGHTS[name] * value) <= 0.5 + 1e-9
