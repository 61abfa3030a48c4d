"""The same behavioural cases on every backend: hard filters, ranking and reasons."""

import datetime
from decimal import Decimal

from brokerage.opportunities.models import OpportunityStatus
from brokerage.participants.models import Readiness
from search.models import ArchivedMatch
from tests.factories.participants import tees_programme
from tests.factories.reference import ProgrammeFactory
from tests.search.conftest import today


def ids(matches, attr="opportunity_id"):
    return [getattr(m, attr) for m in matches]


def reason_texts(match):
    return [r.text for r in match.reasons]


# --- hard filters: opportunity side --------------------------------------------------------------


def test_only_live_opportunities_with_places_left_are_matched(make_participant, make_opportunity, opportunities_for):
    person = make_participant()
    live = make_opportunity()
    make_opportunity(status=OpportunityStatus.DRAFT)
    make_opportunity(status=OpportunityStatus.CLOSED)
    make_opportunity(status=OpportunityStatus.SUBMITTED)
    make_opportunity(places=2, places_filled=2)
    assert ids(opportunities_for(person)) == [live.pk]


def test_ring_fenced_opportunity_only_for_its_programme(
    make_participant, make_opportunity, opportunities_for, participants_for
):
    person = make_participant()
    other = ProgrammeFactory(name="Plan 500")
    fenced_other = make_opportunity(ring_fenced=True, programme=other)
    fenced_own = make_opportunity(ring_fenced=True, programme=person.programme)
    open_other = make_opportunity(ring_fenced=False, programme=other)
    assert set(ids(opportunities_for(person))) == {fenced_own.pk, open_other.pk}
    assert ids(participants_for(fenced_other), "participant_id") == []
    assert ids(participants_for(fenced_own), "participant_id") == [person.pk]


def test_age_range_excludes_people_outside_it(make_participant, make_opportunity, opportunities_for, participants_for):
    thirty = make_participant()
    for_young = make_opportunity(min_age=16, max_age=24)
    for_over_35 = make_opportunity(min_age=35)
    for_18_to_30 = make_opportunity(min_age=18, max_age=30)
    assert ids(opportunities_for(thirty)) == [for_18_to_30.pk]
    assert ids(participants_for(for_young), "participant_id") == []
    assert ids(participants_for(for_over_35), "participant_id") == []
    assert ids(participants_for(for_18_to_30), "participant_id") == [thirty.pk]


def test_licence_that_cannot_be_bought_excludes_but_fundable_one_is_flagged(
    make_participant, make_opportunity, opportunities_for
):
    person = make_participant(licences=["forklift"])
    hgv = make_opportunity(required_licences=["hgv"])
    cscs = make_opportunity(required_licences=["cscs"], title="Labourer")
    forklift = make_opportunity(required_licences=["forklift"], title="Forklift driver")
    found = {m.opportunity_id: m for m in opportunities_for(person)}
    assert hgv.pk not in found
    assert found[cscs.pk].needs_funding
    assert "needs CSCS card — the flexible fund can pay for it" in reason_texts(found[cscs.pk])
    assert not found[forklift.pk].needs_funding
    assert "holds Forklift licence" in reason_texts(found[forklift.pk])


def test_travel_limit_and_remote_work(make_participant, make_opportunity, opportunities_for, participants_for):
    person = make_participant(max_travel_miles=15)
    darlington = make_opportunity("DL1 1AA")  # about 8 miles from TS18
    newcastle = make_opportunity("NE1 1AA")  # about 29 miles
    remote = make_opportunity("NE1 1AA", remote=True)
    found = {m.opportunity_id: m for m in opportunities_for(person)}
    assert set(found) == {darlington.pk, remote.pk}
    assert "8 miles — within 15" in reason_texts(found[darlington.pk])
    assert "can be done from home" in reason_texts(found[remote.pk])
    assert ids(participants_for(newcastle), "participant_id") == []
    assert ids(participants_for(darlington), "participant_id") == [person.pk]
    assert ids(opportunities_for(person, within_miles=5)) == [remote.pk]


# --- hard filters: participant side --------------------------------------------------------------


def test_only_job_ready_consenting_open_participants_are_candidates(
    make_participant, make_opportunity, participants_for
):
    opp = make_opportunity()
    ready = make_participant()
    getting_ready = make_participant(readiness=Readiness.GETTING_READY)
    make_participant(readiness=Readiness.NOT_READY)
    make_participant(consent_employer_profile=False)
    make_participant(status="closed")
    assert ids(participants_for(opp), "participant_id") == [ready.pk]
    assert set(ids(participants_for(opp, include_getting_ready=True), "participant_id")) == {
        ready.pk,
        getting_ready.pk,
    }


def test_participant_not_ready_or_not_consenting_gets_no_matches(make_participant, make_opportunity, opportunities_for):
    make_opportunity()
    assert opportunities_for(make_participant(readiness=Readiness.GETTING_READY)) == []
    assert len(opportunities_for(make_participant(readiness=Readiness.GETTING_READY), include_getting_ready=True)) == 1
    assert opportunities_for(make_participant(consent_employer_profile=False)) == []


def test_archived_match_is_not_shown_again_either_way(
    make_participant, make_opportunity, opportunities_for, participants_for
):
    person = make_participant()
    kept, archived = make_opportunity(), make_opportunity()
    ArchivedMatch.objects.create(participant=person, opportunity=archived)
    assert ids(opportunities_for(person)) == [kept.pk]
    assert ids(participants_for(archived), "participant_id") == []


def test_candidates_limited_to_what_the_user_may_see(make_participant, make_opportunity, participants_for):
    opp = make_opportunity()
    mine = make_participant()
    theirs = make_participant()
    assert set(ids(participants_for(opp), "participant_id")) == {mine.pk, theirs.pk}
    assert ids(participants_for(opp, user=mine.key_worker), "participant_id") == [mine.pk]


# --- each component moves the ranking the right way ------------------------------------------------


def test_skills_raise_the_rank(make_participant, make_opportunity, opportunities_for):
    person = make_participant(skills=["forklift", "stock control"])
    unskilled = make_opportunity(essential_skills=["welding"])
    skilled = make_opportunity(essential_skills=["forklift", "stock control"])
    matches = opportunities_for(person)
    assert ids(matches) == [skilled.pk, unskilled.pk]
    assert "has forklift and stock control" in reason_texts(matches[0])
    assert "does not have welding yet" in reason_texts(matches[1])


def test_sector_interest_raises_the_rank(make_participant, make_opportunity, opportunities_for):
    person = make_participant(sector_interests=["construction"])
    other = make_opportunity(sector="retail")
    wanted = make_opportunity(sector="construction")
    matches = opportunities_for(person)
    assert ids(matches) == [wanted.pk, other.pk]
    assert "wants construction" in reason_texts(matches[0])


def test_nearer_ranks_higher(make_participant, make_opportunity, opportunities_for, participants_for):
    person = make_participant()
    far = make_opportunity("DL1 1AA")
    near = make_opportunity("TS18 1AA")
    assert ids(opportunities_for(person)) == [near.pk, far.pk]
    opp = make_opportunity("TS18 1AA")
    far_person = make_participant("DL1 1AA")
    assert ids(participants_for(opp), "participant_id") == [person.pk, far_person.pk]


def test_hours_within_range_rank_higher(make_participant, make_opportunity, opportunities_for):
    person = make_participant(hours_min=16, hours_max=25)
    long_hours = make_opportunity(hours_per_week=Decimal("40"))
    fits = make_opportunity(hours_per_week=Decimal("20"))
    matches = opportunities_for(person)
    assert ids(matches) == [fits.pk, long_hours.pk]
    assert "20 hours a week — wants 16 to 25" in reason_texts(matches[0])


def test_start_date_after_availability_ranks_higher(make_participant, make_opportunity, opportunities_for):
    available = today() + datetime.timedelta(days=20)
    person = make_participant(available_from=available)
    too_soon = make_opportunity(start_date=today() + datetime.timedelta(days=2))
    later = make_opportunity(start_date=today() + datetime.timedelta(days=30))
    matches = opportunities_for(person)
    assert ids(matches) == [later.pk, too_soon.pk]
    assert any(t.startswith("starts") and "not available until" in t for t in reason_texts(matches[1]))


def test_adjustments_offered_rank_higher(make_participant, make_opportunity, opportunities_for):
    person = make_participant(adjustments_needed=["step_free"])
    without = make_opportunity()
    offers = make_opportunity(adjustments=["step_free", "quiet_space"])
    matches = opportunities_for(person)
    assert ids(matches) == [offers.pk, without.pk]
    assert "offers step-free access" in reason_texts(matches[0])
    assert "does not say it offers step-free access" in reason_texts(matches[1])


def test_filters_narrow_the_list(make_participant, make_opportunity, opportunities_for):
    person = make_participant()
    retail = make_opportunity(sector="retail")
    apprenticeship = make_opportunity(opportunity_type="apprenticeship")
    assert ids(opportunities_for(person, sector="retail")) == [retail.pk]
    assert ids(opportunities_for(person, opportunity_type="apprenticeship")) == [apprenticeship.pk]


def test_strong_only_keeps_high_scores(make_participant, make_opportunity, opportunities_for):
    person = make_participant(skills=["forklift"], sector_interests=["logistics"])
    strong = make_opportunity(essential_skills=["forklift"], sector="logistics", hours_per_week=Decimal("30"))
    make_opportunity("DL1 1AA", essential_skills=["welding"], sector="retail", hours_per_week=Decimal("60"))
    assert ids(opportunities_for(person, strong_only=True)) == [strong.pk]


def test_programme_helper_is_stable(db):
    # The fixtures rely on the Stockton programme being shared (get_or_create by name).
    assert tees_programme().pk == tees_programme().pk


def test_part_hours_rank_the_same_on_every_backend(make_opportunity, make_participant, participants_for):
    """37.5 hours a week sits inside 30–40 and outside 16–37 (integer ranges in the index)."""
    opp = make_opportunity(hours_per_week=Decimal("37.5"))
    inside = make_participant(hours_min=30, hours_max=40)
    outside = make_participant(hours_min=16, hours_max=37)
    ranked = [m.participant_id for m in participants_for(opp)]
    assert ranked == [inside.pk, outside.pk]


def test_ring_fenced_without_a_programme_is_open_to_everyone(make_participant, make_opportunity, opportunities_for):
    person = make_participant()
    unfenced_in_effect = make_opportunity(ring_fenced=True, programme=None)
    assert ids(opportunities_for(person)) == [unfenced_in_effect.pk]
