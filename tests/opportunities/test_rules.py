import datetime
from decimal import Decimal

import pytest

from brokerage.opportunities.models import OpportunityType, PayBasis, TargetGroup
from brokerage.opportunities.rules import minimum_wage_for, opportunity_errors
from tests.factories.opportunities import OpportunityFactory, OpportunityRuleFactory, in_days
from tests.factories.reference import ProgrammeFactory

pytestmark = pytest.mark.django_db

APRIL_2025 = datetime.date(2025, 6, 1)
APRIL_2026 = datetime.date(2026, 6, 1)


def build(**kwargs):
    return OpportunityFactory.build(**kwargs)


def test_a_complete_vacancy_is_valid():
    assert opportunity_errors(build()) == {}


@pytest.mark.parametrize(
    ("on", "band_age", "pence"),
    [
        (datetime.date(2024, 6, 1), 25, 1144),
        (datetime.date(2024, 6, 1), 19, 860),
        (datetime.date(2024, 6, 1), 17, 640),
        (APRIL_2025, 21, 1221),
        (APRIL_2025, 18, 1000),
        (APRIL_2025, 16, 755),
        (APRIL_2026, 30, 1271),
        (APRIL_2026, 20, 1085),
        (APRIL_2026, 17, 800),
    ],
)
def test_minimum_wage_rates_are_held_by_age_band_and_date(on, band_age, pence):
    rate = minimum_wage_for(opportunity_type=OpportunityType.VACANCY, age=band_age, on=on)
    assert rate.hourly_pence == pence


def test_apprentice_rate_applies_to_apprenticeships():
    rate = minimum_wage_for(opportunity_type=OpportunityType.APPRENTICESHIP, age=30, on=APRIL_2026)
    assert rate.hourly_pence == 800


def test_pay_below_the_adult_rate_is_refused_with_the_rate_and_date():
    opp = build(pay_pence=1250, start_date=APRIL_2026, closing_date=APRIL_2026 - datetime.timedelta(days=7))
    errors = opportunity_errors(opp, today=datetime.date(2026, 4, 1))
    assert errors["pay_pence"] == [
        "Pay must be at least £12.71 an hour, the legal minimum for people aged 21 and over from 1 April 2026"
    ]


def test_the_same_pay_was_lawful_before_the_april_2026_rise():
    opp = build(pay_pence=1250, start_date=APRIL_2025, closing_date=APRIL_2025)
    assert "pay_pence" not in opportunity_errors(opp, today=datetime.date(2025, 5, 1))


def test_pay_for_18_to_20_year_olds_uses_their_band():
    opp = build(pay_pence=1085, min_age=18, max_age=20, start_date=APRIL_2026, closing_date=APRIL_2026)
    assert "pay_pence" not in opportunity_errors(opp, today=datetime.date(2026, 4, 1))
    opp.pay_pence = 1084
    assert "£10.85" in opportunity_errors(opp, today=datetime.date(2026, 4, 1))["pay_pence"][0]


def test_weekly_pay_is_checked_per_hour():
    opp = build(pay_pence=40000, pay_basis=PayBasis.WEEK, hours_per_week=Decimal("37.5"),
                start_date=APRIL_2026, closing_date=APRIL_2026)
    message = opportunity_errors(opp, today=datetime.date(2026, 4, 1))["pay_pence"][0]
    assert "works out at £10.67 an hour" in message


def test_an_apprenticeship_can_pay_the_apprentice_rate():
    opp = build(opportunity_type=OpportunityType.APPRENTICESHIP, pay_pence=800, duration_weeks=56,
                qualification="Level 2 Warehousing", start_date=APRIL_2026, closing_date=APRIL_2026)
    assert opportunity_errors(opp, today=datetime.date(2026, 4, 1)) == {}


def test_a_vacancy_must_be_paid():
    errors = opportunity_errors(build(paid=False, pay_pence=None))
    assert errors["paid"] == ["A vacancy must be paid"]


def test_closing_date_after_start_date_is_refused():
    errors = opportunity_errors(build(start_date=in_days(10), closing_date=in_days(11)))
    assert errors["closing_date"] == ["The closing date must be on or before the start date"]


def test_closing_date_is_needed_unless_rolling():
    assert "closing_date" in opportunity_errors(build(closing_date=None))
    assert "closing_date" not in opportunity_errors(build(closing_date=None, rolling=True))


@pytest.mark.parametrize("hours", [Decimal("0.5"), Decimal("49")])
def test_hours_outside_bounds_are_refused(hours):
    assert opportunity_errors(build(hours_per_week=hours))["hours_per_week"] == [
        "Hours per week must be between 1 and 48"
    ]


def test_apprenticeships_need_16_hours():
    opp = build(opportunity_type=OpportunityType.APPRENTICESHIP, hours_per_week=Decimal("10"),
                duration_weeks=52, qualification="Level 2")
    assert opportunity_errors(opp)["hours_per_week"] == ["Hours per week must be between 16 and 48"]


def test_work_experience_duration_follows_the_programme_rule_for_jsa_customers():
    programme = ProgrammeFactory(name="Plan 500")
    OpportunityRuleFactory(programme=programme, target_group=TargetGroup.JSA_18_24, min_weeks=2, max_weeks=8)
    opp = build(opportunity_type=OpportunityType.WORK_EXPERIENCE, programme=programme, paid=False,
                pay_pence=None, duration_weeks=10, target_groups=[TargetGroup.JSA_18_24])
    assert opportunity_errors(opp)["duration_weeks"] == [
        "Work experience for 18 to 24 year olds claiming Jobseeker's Allowance or Universal Credit "
        "in Plan 500 must last between 2 and 8 weeks"
    ]
    opp.duration_weeks = 1
    assert "duration_weeks" in opportunity_errors(opp)
    opp.duration_weeks = 8
    assert "duration_weeks" not in opportunity_errors(opp)
    # the rule is only for that target group
    opp.duration_weeks, opp.target_groups = 10, [TargetGroup.TALENT_POOL]
    assert "duration_weeks" not in opportunity_errors(opp)


def test_school_students_work_experience_up_to_two_weeks():
    programme = ProgrammeFactory(name="Plan 500")
    OpportunityRuleFactory(programme=programme, target_group=TargetGroup.SCHOOL_YEAR_10_11, max_weeks=2)
    opp = build(opportunity_type=OpportunityType.WORK_EXPERIENCE, programme=programme, paid=False,
                duration_weeks=3, target_groups=[TargetGroup.SCHOOL_YEAR_10_11])
    assert "up to 2 weeks" in opportunity_errors(opp)["duration_weeks"][0]


@pytest.mark.parametrize(
    ("opportunity_type", "missing", "message"),
    [
        (OpportunityType.MENTORING, "duration_weeks", "Enter how many weeks it lasts"),
        (OpportunityType.SCHOOL_ENGAGEMENT, "school_activity", "Select the kind of school activity"),
        (OpportunityType.WORK_BASED_QUALIFICATION, "qualification", "Enter the qualification"),
        (OpportunityType.APPRENTICESHIP, "qualification", "Enter the qualification"),
        (OpportunityType.WORK_TRIAL, "hours_per_week", "Enter the hours per week"),
    ],
)
def test_each_type_needs_its_own_answers(opportunity_type, missing, message):
    opp = build(opportunity_type=opportunity_type, hours_per_week=None, paid=False, pay_pence=None,
                qualification="", school_activity="", duration_weeks=None)
    assert message in opportunity_errors(opp)[missing]


def test_mentoring_is_limited_to_six_months():
    opp = build(opportunity_type=OpportunityType.MENTORING, duration_weeks=30, paid=False)
    assert opportunity_errors(opp)["duration_weeks"] == ["A mentoring offer can last up to 26 weeks"]


def test_a_pledge_needs_a_programme_and_an_end_after_its_start():
    opp = build(opportunity_type=OpportunityType.GUARANTEED_INTERVIEW, paid=False,
                start_date=in_days(10), closing_date=in_days(5))
    errors = opportunity_errors(opp)
    assert errors["strand"] == ["Select the programme and strand this counts towards"]
    assert errors["closing_date"] == ["The date the pledge ends must be after the date it starts"]


def test_unknown_postcode_and_bad_ages_are_refused():
    errors = opportunity_errors(build(postcode="ZZ99 9ZZ", min_age=30, max_age=20))
    assert "We do not recognise the postcode" in errors["postcode"][0]
    assert errors["max_age"] == ["The oldest age must be the same as or more than the youngest age"]


def test_remote_opportunities_need_no_postcode():
    assert "postcode" not in opportunity_errors(build(postcode="", remote=True))
