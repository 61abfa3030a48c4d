"""Spelling does not break skills; scores add up; dealbreakers are never strong (issue 19)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps

from brokerage.opportunities.models import Opportunity
from brokerage.participants.forms import SkillsField
from brokerage.participants.models import Participant
from brokerage.reference.vocabulary import (
    licences_normalise,
    sectors_normalise,
    skills_from_text,
    skills_normalise,
)
from search import scoring
from tests.search.conftest import today

# --- one normaliser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (["Customer  Service"], ["customer service"]),
        ([" customer-service ", "CUSTOMER SERVICE", "customer\tservice."], ["customer service"]),
        (["MS Excel", "Microsoft  Excel", "excel"], ["excel"]),
        (["Fork-lift"], ["forklift"]),
        (["", "   ", "--"], []),
    ],
)
def test_skills_normalise_spaces_case_punctuation_and_synonyms(typed, stored):
    assert skills_normalise(typed) == stored


def test_licences_and_sectors_become_their_codes():
    assert licences_normalise(["CSCS card", "CSCS", "cscs", "Food hygiene certificate"]) == [
        "cscs", "food_hygiene"
    ]
    assert sectors_normalise(["Social care", "Retail ", "health_care"]) == ["health_care", "retail"]


def test_skills_typed_in_the_assessment_form_are_stored_normalised():
    assert SkillsField().clean("Customer  Service, forklift\nSTOCK-control") == [
        "customer service", "forklift", "stock control"
    ]
    assert skills_from_text("Customer  Service,customer service") == ["customer service"]


def test_two_spaces_still_match_the_employers_skill(make_participant, make_opportunity, opportunities_for):
    """The reported case: stored before normalising, "Customer  Service" never matched."""
    job = make_opportunity(essential_skills=["Customer Service"])
    person = make_participant(skills=["Customer  Service"])
    Participant.objects.filter(pk=person.pk).update(skills=["Customer  Service"])  # as stored then
    (found,) = opportunities_for(person)
    texts = [r.text for r in found.reasons]
    assert found.opportunity_id == job.pk
    assert "has customer service" in texts
    assert not any("does not have" in text for text in texts)


def test_migrations_normalise_what_is_stored(make_participant, make_opportunity):
    person = make_participant(skills=["Customer  Service"], licences=["CSCS card"],
                              sector_interests=["Social care"])
    job = make_opportunity(essential_skills=["Customer  Service", "customer service"],
                           desirable_skills=["MS Excel"], required_licences=["CSCS card"])
    Participant.objects.filter(pk=person.pk).update(
        skills=["Customer  Service"], licences=["CSCS card"], sector_interests=["Social care"])
    Opportunity.objects.filter(pk=job.pk).update(
        essential_skills=["Customer  Service", "customer service"], required_licences=["CSCS card"])
    for module in ("brokerage.participants.migrations.0004_normalise_matching_vocabulary",
                   "brokerage.opportunities.migrations.0005_normalise_matching_vocabulary"):
        importlib.import_module(module)._normalise(django_apps, None)
    person.refresh_from_db()
    job.refresh_from_db()
    assert (person.skills, person.licences, person.sector_interests) == (
        ["customer service"], ["cscs"], ["health_care"])
    assert (job.essential_skills, job.desirable_skills, job.required_licences) == (
        ["customer service"], ["excel"], ["cscs"])


# --- scores that add up ----------------------------------------------------------------------------


def test_halves_round_up_and_parts_are_whole_points():
    assert scoring.part_points("adjustments", 0.25) == 3  # 2.5 → 3, not 2 (round half to even)
    assert scoring.part_points("skills", 0.5) == 15
    assert scoring.part_points("distance", 1 - 3.2 / 10) == 14  # 13.6


def test_breakdown_adds_up_to_the_score_on_every_match(make_participant, make_opportunity, opportunities_for):
    """About one match in eight used to differ by 1–2 points (parts rounded one way, the total
    another): a spread of distances, hours and skill shares shows it."""
    person = make_participant(
        skills=["forklift", "stock control", "cleaning"], adjustments_needed=["step_free"],
        hours_min=16, hours_max=30, available_from=today() + datetime.timedelta(days=9),
    )
    for i, postcode in enumerate(["TS18 1AA", "TS19 0AA", "TS1 1AA", "TS5 4AA", "DL1 1AA", "TS20 1AA"]):
        make_opportunity(
            postcode, hours_per_week=Decimal(str(14 + i * 3.5)),
            essential_skills=["forklift", "excel", "care"][: 1 + i % 3],
            desirable_skills=["cleaning", "welding"][: i % 3],
            start_date=today() + datetime.timedelta(days=i * 2),
            adjustments=["step_free", "quiet_space"][: i % 2],
        )
    matches = list(opportunities_for(person))
    assert len(matches) == 6
    for m in matches:
        assert sum(points for _label, points, _out_of in m.components) == m.score


def test_match_page_says_how_scores_are_rounded(login, make_participant, make_opportunity):
    from django.urls import reverse

    person = make_participant()
    make_opportunity()
    page = login(person.key_worker).get(reverse("search:participant_matches", args=[person.reference]))
    assert "halves round up" in page.content.decode()
    assert "the score is the sum of the parts" in page.content.decode()


# --- dealbreakers -------------------------------------------------------------------------------


def _perfect_but(make_participant, make_opportunity, *, person=None, job=None):
    person = make_participant(**{
        "skills": ["forklift"], "sector_interests": ["logistics"], "hours_min": 16,
        "hours_max": 37, "available_from": None, "adjustments_needed": [], **(person or {}),
    })
    job = make_opportunity(**{
        "essential_skills": ["forklift"], "sector": "logistics", "hours_per_week": Decimal("30"),
        "start_date": today() + datetime.timedelta(days=14), **(job or {}),
    })
    return person, job


DEALBREAKERS = [
    pytest.param({"hours_min": 16, "hours_max": 25}, {"hours_per_week": Decimal("40")},
                 "40 hours a week — wants 16 to 25", id="hours far outside the range"),
    pytest.param({"adjustments_needed": ["step_free"]}, {"adjustments": []},
                 "does not say it offers step-free access", id="adjustment the site lacks"),
    pytest.param({"available_from": today() + datetime.timedelta(days=20)},
                 {"start_date": today() + datetime.timedelta(days=7)}, None,
                 id="starts before they are available"),
]


@pytest.mark.parametrize(("person_fields", "job_fields", "first_reason"), DEALBREAKERS)
def test_a_dealbreaker_is_never_strong_and_comes_first(
    make_participant, make_opportunity, opportunities_for, participants_for,
    person_fields, job_fields, first_reason,
):
    person, job = _perfect_but(make_participant, make_opportunity, person=person_fields, job=job_fields)
    (found,) = opportunities_for(person)
    assert found.score >= scoring.STRONG_MATCH_SCORE  # the points alone would say "strong"
    assert not found.strong
    assert found.reasons[0].kind == "dealbreaker"
    if first_reason:
        assert found.reasons[0].text == first_reason
    assert list(opportunities_for(person, strong_only=True)) == []
    assert list(participants_for(job, strong_only=True)) == []
    # the same pair without the failed need is strong
    fine, fine_job = _perfect_but(make_participant, make_opportunity)
    (ok,) = [m for m in opportunities_for(fine) if m.opportunity_id == fine_job.pk]
    assert ok.strong and ok.reasons[0].kind != "dealbreaker"


def test_hours_just_outside_the_range_are_a_gap_not_a_dealbreaker(
    make_participant, make_opportunity, opportunities_for
):
    person, job = _perfect_but(
        make_participant,
        make_opportunity,
        person={"hours_max": 25},
        job={"hours_per_week": Decimal(25 + scoring.HOURS_DEALBREAKER_MARGIN)},
    )
    (found,) = opportunities_for(person)
    assert not found.dealbreakers
    assert any(r.kind == "gap" and r.component == "hours" for r in found.reasons)
