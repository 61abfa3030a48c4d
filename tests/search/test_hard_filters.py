"""Every hard filter, through every backend, in both directions (issue 19).

Each case starts from a pair that matches and changes one thing so that a single hard filter
fails; the pair must then be missing from the participant's list and from the opportunity's.
The ``backend`` fixture runs each case on the database backend and, when ELASTICSEARCH_URL is
set, on Elasticsearch. A filter added to ``search.scoring.eligible`` gets a row here.
"""

import datetime

import pytest

from brokerage.opportunities.models import OpportunityStatus
from brokerage.participants.models import EligibilityStatus, ParticipantStatus, Readiness, RuleKind
from tests.factories.participants import EligibilityRuleFactory
from tests.factories.reference import ProgrammeFactory
from tests.search.conftest import today


def _yesterday():
    return today() - datetime.timedelta(days=1)


def _other_programme():
    return {"ring_fenced": True, "programme": ProgrammeFactory(name="Plan 500")}


def _age_rule_leaves_out(participant):
    """The programme's rules change after the check: now for 18 to 24 year olds only."""
    participant.programme = ProgrammeFactory(name="Youth Guarantee")
    participant.save()
    EligibilityRuleFactory(programme=participant.programme, kind=RuleKind.AGE, minimum=18, maximum=24)


#: (name, participant fields, opportunity fields, a change after both exist)
CASES = [
    ("opportunity not live", {}, {"status": OpportunityStatus.CLOSED}, None),
    ("opportunity still a draft", {}, {"status": OpportunityStatus.DRAFT}, None),
    ("no places left", {}, {"places": 2, "places_filled": 2}, None),
    ("closing date passed today", {}, {"closing_date": _yesterday, "rolling": False}, None),
    ("no consent to share a profile", {"consent_employer_profile": False}, {}, None),
    ("not job ready", {"readiness": Readiness.NOT_READY}, {}, None),
    ("record closed", {"status": ParticipantStatus.CLOSED}, {}, None),
    ("not eligible under the programme's rules now", {}, {}, _age_rule_leaves_out),
    ("ring-fenced for another programme", {}, _other_programme, None),
    ("outside the age range", {}, {"min_age": 16, "max_age": 24}, None),
    ("beyond the travel limit", {"max_travel_miles": 5}, {"postcode": "NE1 1AA"}, None),
    ("a licence the fund cannot buy", {}, {"required_licences": ["driving"]}, None),
]


def _values(spec):
    spec = spec() if callable(spec) else spec
    return {key: value() if callable(value) else value for key, value in spec.items()}


@pytest.mark.parametrize(
    ("participant_fields", "opportunity_fields", "change"),
    [pytest.param(p, o, c, id=name) for name, p, o, c in CASES],
)
def test_each_hard_filter_excludes_the_pair_both_ways(
    make_participant, make_opportunity, opportunities_for, participants_for,
    participant_fields, opportunity_fields, change,
):
    control_person = make_participant()
    control_job = make_opportunity()
    opportunity_fields = _values(opportunity_fields)
    postcode = opportunity_fields.pop("postcode", "TS18 1AA")
    person = make_participant(**_values(participant_fields))
    job = make_opportunity(postcode, **opportunity_fields)
    if change is not None:
        change(person)

    assert job.pk not in {m.opportunity_id for m in opportunities_for(person)}
    assert person.pk not in {m.participant_id for m in participants_for(job)}
    # the control pair, unchanged, still matches each side: only the one filter is at work
    assert control_job.pk in {m.opportunity_id for m in opportunities_for(control_person)}
    assert control_person.pk in {m.participant_id for m in participants_for(control_job)}


def test_closing_today_or_rolling_still_matches(make_participant, make_opportunity, opportunities_for):
    person = make_participant()
    closes_today = make_opportunity(closing_date=today())
    rolling = make_opportunity(closing_date=_yesterday(), rolling=True)
    assert {m.opportunity_id for m in opportunities_for(person)} >= {closes_today.pk, rolling.pk}


def test_eligibility_override_and_passing_rules_keep_matching(
    make_participant, make_opportunity, opportunities_for, participants_for
):
    job = make_opportunity()
    youth = ProgrammeFactory(name="Youth Guarantee")
    person = make_participant(programme=youth)  # 30 years old
    overridden = make_participant(programme=youth, eligibility_status=EligibilityStatus.OVERRIDDEN)
    EligibilityRuleFactory(programme=youth, kind=RuleKind.AGE, minimum=18, maximum=24)
    found = {m.participant_id for m in participants_for(job)}
    assert person.pk not in found
    assert overridden.pk in found
    assert list(opportunities_for(person)) == []
    # a rule switched off no longer counts: the rules as they stand now decide
    person.programme.eligibility_rules.update(active=False)
    assert job.pk in {m.opportunity_id for m in opportunities_for(person)}


def test_match_page_says_when_the_programme_rules_leave_someone_out(login, make_participant, make_opportunity):
    from django.urls import reverse

    make_opportunity(title="Warehouse operative")
    person = make_participant()
    _age_rule_leaves_out(person)
    page = login(person.key_worker).get(reverse("search:participant_matches", args=[person.reference]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "does not meet the eligibility rules of Youth Guarantee as they stand today" in text
    assert "Warehouse operative" not in text
