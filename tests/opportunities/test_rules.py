import datetime
from decimal import Decimal

import pytest

from brokerage.opportunities.models import OpportunityType, PayBasis, TargetGroup
from brokerage.opportunities.rules import (
    minimum_wage_for,
    off_the_job_minimum,
    opportunity_errors,
)
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


APPRENTICESHIP = {
    "opportunity_type": OpportunityType.APPRENTICESHIP, "duration_weeks": 56,
    "apprenticeship_standard": "ST0259", "training_provider": "Tees Valley College",
    "off_the_job_hours_per_week": Decimal("6"),
}


def test_an_apprenticeship_can_pay_the_apprentice_rate():
    opp = build(**APPRENTICESHIP, pay_pence=800, start_date=APRIL_2026, closing_date=APRIL_2026)
    assert opportunity_errors(opp, today=datetime.date(2026, 4, 1)) == {}


def test_an_apprenticeship_below_the_apprentice_rate_is_refused_with_the_rate():
    opp = build(**APPRENTICESHIP, pay_pence=799, start_date=APRIL_2026, closing_date=APRIL_2026)
    assert opportunity_errors(opp, today=datetime.date(2026, 4, 1))["pay_pence"] == [
        "Pay must be at least £8.00 an hour, the legal minimum for apprentices from 1 April 2026"
    ]


def test_an_apprenticeship_needs_a_known_standard_a_provider_and_off_the_job_training():
    opp = build(**{**APPRENTICESHIP, "apprenticeship_standard": "", "training_provider": " ",
                   "off_the_job_hours_per_week": None})
    errors = opportunity_errors(opp)
    assert errors["apprenticeship_standard"] == ["Select the apprenticeship standard"]
    assert errors["training_provider"] == ["Enter the name of the training provider"]
    assert errors["off_the_job_hours_per_week"] == [
        "Enter the hours of off-the-job training each week"
    ]
    opp.apprenticeship_standard = "ST9999"
    assert opportunity_errors(opp)["apprenticeship_standard"] == [
        "Select an apprenticeship standard from the list"
    ]


@pytest.mark.parametrize(
    ("hours", "otj", "message"),
    [
        ("37.5", "5.5", "Off-the-job training must be at least 6 hours a week: an apprentice "
                        "working 30 hours a week or more"),
        ("20", "3.5", "Off-the-job training must be at least 4 hours a week: 20% of the 20 hours "
                      "a week the apprentice works"),
        ("20", "21", "Off-the-job training is part of the apprentice's paid hours: it cannot be "
                     "more than the 20 hours a week they work"),
    ],
)
def test_off_the_job_training_follows_the_six_hours_or_20_percent_rule(hours, otj, message):
    opp = build(**{**APPRENTICESHIP, "hours_per_week": Decimal(hours),
                   "off_the_job_hours_per_week": Decimal(otj)})
    assert opportunity_errors(opp)["off_the_job_hours_per_week"] == [message]
    opp.off_the_job_hours_per_week = off_the_job_minimum(Decimal(hours))
    assert "off_the_job_hours_per_week" not in opportunity_errors(opp)


WORK_EXPERIENCE = {
    "opportunity_type": OpportunityType.WORK_EXPERIENCE, "paid": False, "pay_pence": None,
    "duration_weeks": 2, "hours_per_week": Decimal("30"),
}


def test_work_experience_open_to_under_18s_needs_a_supervisor_risk_assessment_and_insurance():
    opp = build(**WORK_EXPERIENCE, min_age=16)
    errors = opportunity_errors(opp)
    assert errors["supervisor_name"] == [
        "Enter the name of the person who will supervise young people on the placement"
    ]
    assert errors["risk_assessment"] == ["Upload the risk assessment for the placement"]
    assert errors["insurance_confirmed"] == [
        "Confirm you hold employer's liability insurance that covers people on work experience"
    ]
    assert errors["insurance_certificate"] == [
        "Upload your employer's liability insurance certificate"
    ]
    opp.supervisor_name = "Sam Patel"
    opp.risk_assessment.name = "risk-assessments/x.pdf"
    opp.insurance_confirmed = True
    opp.insurance_certificate.name = "insurance-certificates/y.pdf"
    assert opportunity_errors(opp) == {}


def test_work_experience_for_adults_needs_only_the_insurance():
    opp = build(**WORK_EXPERIENCE, min_age=18, insurance_confirmed=True)
    opp.insurance_certificate.name = "insurance-certificates/y.pdf"
    assert opportunity_errors(opp) == {}
    # no youngest age: open to under-18s
    opp.min_age = None
    assert set(opportunity_errors(opp)) == {"supervisor_name", "risk_assessment"}


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
    opp = build(**{**APPRENTICESHIP, "hours_per_week": Decimal("10"), "duration_weeks": 52})
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
        (OpportunityType.APPRENTICESHIP, "apprenticeship_standard",
         "Select the apprenticeship standard"),
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
