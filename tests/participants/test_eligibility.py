import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import (
    BenefitType,
    EligibilityStatus,
    ParticipantStatus,
    RuleKind,
    TargetGroup,
)
from brokerage.participants.services import (
    eligibility_evaluate,
    eligibility_override,
    referral_create,
)
from tests.factories.participants import EligibilityRuleFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(programme):
    EligibilityRuleFactory(programme=programme, kind=RuleKind.AGE, minimum=16, maximum=24, order=1)
    EligibilityRuleFactory(programme=programme, kind=RuleKind.RESIDENCE, order=2)
    EligibilityRuleFactory(
        programme=programme,
        kind=RuleKind.BENEFIT,
        values=[BenefitType.UNIVERSAL_CREDIT, BenefitType.JSA],
        order=3,
    )
    EligibilityRuleFactory(programme=programme, kind=RuleKind.TIME_OUT_OF_WORK, minimum=6, order=4)
    EligibilityRuleFactory(
        programme=programme,
        kind=RuleKind.TARGET_GROUP,
        values=[TargetGroup.NEET, TargetGroup.CARE_LEAVER],
        order=5,
    )


def _refer(programme, key_worker, **overrides):
    data = dict(
        actor=key_worker, programme=programme, referral_source="jcp", first_name="Kai", last_name="Turner",
        date_of_birth=datetime.date.today().replace(year=datetime.date.today().year - 20) - datetime.timedelta(days=3),
        postcode="TS18 2AB", benefit_type=BenefitType.UNIVERSAL_CREDIT, months_out_of_work=8,
        target_groups=[TargetGroup.NEET],
    )
    data.update(overrides)
    return referral_create(**data)


def test_every_rule_passes_in_plain_words(rules, programme, key_worker):
    p = _refer(programme, key_worker)
    assert p.eligibility_status == EligibilityStatus.ELIGIBLE
    assert p.status == ParticipantStatus.ACTIVE
    messages = [r["message"] for r in p.eligibility_results]
    assert "Aged 20 when referred: the programme is for people aged 16 to 24" in messages
    assert "Lives in Stockton-on-Tees, one of the programme's areas" in messages
    assert "Receives Universal Credit, which qualifies" in messages
    assert all(r["outcome"] == "pass" for r in p.eligibility_results)


def test_failing_rules_say_why(rules, programme, key_worker):
    p = _refer(programme, key_worker, date_of_birth=datetime.date(1980, 1, 1), postcode="TS1 1AA",
               benefit_type=BenefitType.NONE, months_out_of_work=2, target_groups=[])
    assert p.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    assert p.status == ParticipantStatus.REFERRED
    outcomes = {r["kind"]: r for r in p.eligibility_results}
    assert all(r["outcome"] == "fail" for r in outcomes.values())
    assert "but the programme is for people aged 16 to 24" in outcomes["age"]["message"]
    assert "not in Stockton-on-Tees" in outcomes["residence"]["message"]
    assert "but the programme needs Universal Credit or Jobseeker's Allowance" in outcomes["benefit"]["message"]
    assert "Out of work for 2 months, but the programme needs 6 or more" == outcomes["time_out_of_work"]["message"]


def test_unknown_information_is_not_eligible_and_says_what_is_missing(rules, programme, key_worker):
    p = _refer(programme, key_worker, benefit_type="", months_out_of_work=None)
    assert p.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    messages = " ".join(r["message"] for r in p.eligibility_results)
    assert "Benefit not recorded" in messages and "Time out of work not recorded" in messages


def test_rules_are_data_per_programme(rules, programme):
    p = ParticipantFactory(programme=programme, date_of_birth=datetime.date(1960, 1, 1))
    status, _ = eligibility_evaluate(p)
    assert status == EligibilityStatus.NOT_ELIGIBLE
    programme.eligibility_rules.update(active=False)
    status, results = eligibility_evaluate(p)
    assert status == EligibilityStatus.ELIGIBLE and results == []


def test_coordinator_override_needs_justification_and_is_recorded(rules, programme, key_worker, coordinator):
    p = _refer(programme, key_worker, date_of_birth=datetime.date(1980, 1, 1))
    with pytest.raises(ValidationError):
        eligibility_override(participant=p, actor=coordinator, justification="")
    with pytest.raises(PermissionDenied):
        eligibility_override(participant=p, actor=key_worker, justification="Because I think they should join")
    p = eligibility_override(
        participant=p, actor=coordinator, justification="Aged 43 but a care leaver with no support"
    )
    assert p.eligibility_status == EligibilityStatus.OVERRIDDEN and p.is_eligible
    assert p.eligibility_overridden_by == coordinator
    assert AuditEvent.objects.filter(action="participant.eligibility_overridden", object_id=str(p.pk)).exists()


def test_override_through_the_page(rules, programme, key_worker, coordinator, login):
    p = _refer(programme, key_worker, date_of_birth=datetime.date(1980, 1, 1))
    url = reverse("participants:eligibility", args=[p.reference])
    client = login(key_worker)
    page = client.get(url).content.decode()
    assert "Not met" in page and "Accept onto the programme" not in page
    assert client.post(url, {"action": "override", "justification": "Please let them in now"}).status_code == 403

    client = login(coordinator)
    response = client.post(url, {"action": "override", "justification": ""})
    assert "Explain why this person should be accepted" in response.content.decode()
    p.refresh_from_db()
    assert p.eligibility_status == EligibilityStatus.NOT_ELIGIBLE
    response = client.post(
        url,
        {"action": "override", "justification": "Care leaver, agreed at panel on 3 March"},
        follow=True,
    )
    assert "Care leaver, agreed at panel on 3 March" in response.content.decode()
    p.refresh_from_db()
    assert p.eligibility_status == EligibilityStatus.OVERRIDDEN
