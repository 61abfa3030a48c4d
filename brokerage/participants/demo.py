"""Demo participants on Tees Valley Routes to Work, and eligibility rules as data.

Idempotent: rules are found by (programme, kind) and participants by their invented (but
format-valid) National Insurance numbers, so running it twice changes nothing. Skips what it
cannot find (programmes, key workers), saying so.

Seed 000 (Routes to Work): referrals from Jobcentre Plus, council teams and community
organisations; assessment within two weeks; action plans; weekly contact.
"""

import datetime

from django.utils import timezone

from brokerage.participants.models import (
    ActionItem,
    ActionKind,
    ActionStatus,
    Assessment,
    BenefitType,
    Consent,
    ConsentMethod,
    ConsentScope,
    ContactLog,
    ContactMethod,
    EligibilityRule,
    Participant,
    Readiness,
    ReadinessChange,
    RuleKind,
    TargetGroup,
    Team,
    TeamMembership,
)
from brokerage.participants.services import _apply_eligibility, _set_location

RULES = {
    "Routes to Work": [
        (RuleKind.AGE, 18, None, []),
        (RuleKind.RESIDENCE, None, None, []),
        (RuleKind.TARGET_GROUP, None, None, [
            TargetGroup.LONG_TERM_UNEMPLOYED, TargetGroup.DISABLED, TargetGroup.LONE_PARENT,
            TargetGroup.EX_OFFENDER, TargetGroup.OVER_50, TargetGroup.CARE_LEAVER, TargetGroup.SOCIAL_HOUSING,
        ]),
    ],
    "Plan 500": [
        (RuleKind.AGE, 16, 24, []),
        (RuleKind.RESIDENCE, None, None, []),
    ],
    "Ambition SCR": [
        (RuleKind.AGE, 18, 24, []),
        (RuleKind.RESIDENCE, None, None, []),
        (RuleKind.BENEFIT, None, None, [BenefitType.JSA, BenefitType.UNIVERSAL_CREDIT]),
        (RuleKind.TIME_OUT_OF_WORK, 6, None, []),
    ],
}

# first, last, born, postcode, NI, source, benefit, months out, groups, worker (1/2), readiness,
# barriers, licences, skills, sectors, hours, miles, days since referral, days since contact
PEOPLE = [
    ("Jordan", "Reed", (1989, 4, 12), "TS18 3BX", "JR123401A", "jcp", "uc", 26, ["long_term_unemployed"], 1,
     "job_ready", ["transport", "confidence"], ["cscs"], ["labouring", "site clearance"], ["construction"],
     (30, 40), 12, 60, 2),
    ("Kayleigh", "Dobson", (1996, 2, 14), "TS19 7EU", "KE123402B", "council", "uc", 14, ["lone_parent"], 1,
     "getting_ready", ["childcare", "digital"], ["food_hygiene"], ["customer service", "cash handling"],
     ["retail", "hospitality"], (16, 25), 5, 35, 4),
    ("Michael", "Hughes", (1968, 9, 3), "TS20 1AA", "MH123403C", "jcp", "esa", 40, ["disabled", "over_50"], 1,
     "not_ready", ["health", "confidence"], ["driving"], ["stock control", "forklift driving"], ["logistics"],
     (16, 30), 10, 20, 9),
    ("Stacey", "Moore", (1991, 11, 22), "TS1 4AG", "SM123404D", "housing", "uc", 18, ["social_housing"], 1,
     "job_ready", ["debt"], ["sia", "first_aid"], ["door supervision", "cctv monitoring"], ["security"], (24, 40),
     15, 90, 3),
    ("Liam", "Carter", (1999, 7, 5), "TS3 6DE", "LC123405A", "voluntary", "uc", 9,
     ["ex_offender", "long_term_unemployed"], 1, "getting_ready", ["offending", "housing"], ["cscs"],
     ["bricklaying"], ["construction"], (35, 40), 8, 28, 6),
    ("Aaliyah", "Hussain", (1994, 1, 30), "TS5 5JH", "AH123406B", "self", "uc", 13, ["lone_parent"], 1, "job_ready",
     ["childcare", "english"], [], ["care work", "cooking"], ["health_care"], (16, 24), 4, 75, 1),
    ("Gary", "Pearson", (1972, 3, 18), "TS10 2PZ", "GP123407C", "jcp", "uc", 30,
     ["long_term_unemployed", "over_50"], 1, "not_ready", ["health", "maths", "digital"], ["forklift"],
     ["warehouse picking"], ["logistics", "manufacturing"], (30, 37), 12, 12, 8),
    ("Chloe", "Atkinson", (1998, 12, 1), "TS24 8AB", "CA123408D", "health", "esa", 20, ["disabled"], 1,
     "getting_ready", ["health", "confidence"], [], ["data entry", "reception"], ["business", "customer_service"],
     (16, 20), 6, 40, 5),
    ("Ryan", "Fletcher", (1987, 6, 9), "TS25 1QT", "RE123409A", "council", "uc", 15, ["ex_offender"], 1,
     "job_ready", ["offending"], ["cscs", "pasma"], ["scaffolding", "labouring"], ["construction"], (37, 45), 20,
     120, 3),
    ("Shannon", "Bell", (1993, 8, 27), "DL1 4BX", "SB123410B", "jcp", "uc", 7, ["lone_parent"], 1, "not_ready",
     ["childcare", "transport"], [], ["retail"], ["retail"], (12, 20), 3, 5, None),
    ("Daniel", "Robson", (1985, 5, 14), "DL3 6AA", "BR123411C", "housing", "uc", 24, ["social_housing"], 2,
     "job_ready", ["debt", "housing"], ["driving", "forklift"], ["van driving", "multi-drop delivery"],
     ["logistics"], (35, 45), 25, 80, 2),
    ("Emma", "Lawson", (1990, 10, 2), "TS17 6SA", "EL123412D", "self", "uc", 11, ["disabled"], 2, "getting_ready",
     ["health"], ["first_aid"], ["childcare", "first aid"], ["education", "health_care"], (20, 30), 7, 30, 4),
    ("Callum", "Wright", (2000, 2, 8), "TS4 2HA", "CW123413A", "jcp", "uc", 16,
     ["long_term_unemployed", "care_leaver"], 2, "not_ready", ["housing", "confidence", "maths"], [],
     ["gaming pc builds"], ["digital"], (16, 37), 8, 10, 10),
    ("Natasha", "Price", (1982, 4, 25), "TS12 1AB", "NP123414B", "council", "esa", 36, ["disabled", "lone_parent"],
     2, "getting_ready", ["health", "caring"], ["food_hygiene"], ["kitchen assistant"], ["hospitality"], (10, 16),
     4, 45, 6),
    ("Paul", "Sanderson", (1966, 1, 11), "TS23 1LE", "PS123415C", "jcp", "uc", 48,
     ["over_50", "long_term_unemployed"], 2, "job_ready", ["digital"], ["cscs", "hgv"],
     ["hgv driving", "plant operation"], ["logistics", "construction"], (40, 48), 30, 150, 1),
    ("Jade", "Thompson", (1997, 9, 19), "TS6 7QR", "JT123416D", "voluntary", "uc", 10, ["social_housing"], 2,
     "getting_ready", ["transport", "english"], [], ["hairdressing"], ["retail", "customer_service"], (16, 30), 5,
     25, 8),
    ("Mohammed", "Ali", (1988, 3, 3), "TS5 4AB", "MA123417A", "jcp", "uc", 19, ["long_term_unemployed"], 2,
     "job_ready", ["english"], ["sia", "driving"], ["security patrols", "customer service"],
     ["security", "customer_service"], (30, 48), 15, 70, 2),
    ("Rebecca", "Hall", (1979, 12, 7), "DL2 2PT", "RH123418B", "health", "esa", 28, ["disabled"], 2, "not_ready",
     ["health", "confidence", "debt"], [], ["bookkeeping"], ["business"], (8, 16), 5, 9, None),
    ("Tyler", "Jackson", (2001, 5, 30), "TS19 0AA", "TJ123419C", "council", "uc", 8, ["care_leaver"], 2,
     "getting_ready", ["housing", "transport"], ["cscs"], ["painting and decorating"], ["construction", "housing"],
     (30, 40), 10, 18, 7),
    ("Leanne", "Walsh", (1986, 8, 16), "TS22 5AA", "LW123420D", "jcp", "uc", 22,
     ["lone_parent", "long_term_unemployed"], 2, "job_ready", ["childcare"], ["food_hygiene", "dbs"],
     ["care work", "cleaning"], ["health_care", "housing"], (16, 25), 6, 100, 3),
]

GOALS = {
    "childcare": "Apply for a funded nursery place and agree a back-up with family",
    "transport": "Get a bus pass through the flexible fund and plan the route to work",
    "health": "Agree a return-to-work plan with the GP and the in-work support worker",
    "housing": "Warm handover to the housing provider's tenancy support team",
    "debt": "Appointment with the advice service to set up a debt repayment plan",
    "confidence": "Join the weekly confidence and motivation group for six weeks",
    "english": "Enrol on ESOL Entry 3 at the community learning centre",
    "maths": "Start Functional Skills maths Level 1",
    "digital": "Complete the Learn My Way online basics course with the library",
    "offending": "Practise disclosure with the key worker and get a basic DBS certificate",
    "caring": "Carer's assessment with the council to free up time for work",
}


def _load_rules(stdout) -> None:
    from brokerage.reference.models import Programme

    for name, rules in RULES.items():
        programme = Programme.objects.filter(name=name).first()
        if programme is None:
            stdout.write(f"  participants: programme {name!r} not found; no eligibility rules")
            continue
        for order, (kind, minimum, maximum, values) in enumerate(rules, start=1):
            EligibilityRule.objects.update_or_create(
                programme=programme, kind=kind,
                defaults={"minimum": minimum, "maximum": maximum, "values": [str(v) for v in values],
                          "active": True, "order": order},
            )


def load(stdout) -> None:
    from brokerage.reference.models import Programme
    from portal.accounts.models import User

    _load_rules(stdout)
    programme = Programme.objects.filter(name="Routes to Work").first()
    workers = {1: User.objects.filter(email="keyworker@example.org").first(),
               2: User.objects.filter(email="keyworker2@example.org").first()}
    if programme is None or not all(workers.values()):
        stdout.write("  participants: Routes to Work or the demo key workers are missing; no demo participants")
        return

    team, _ = Team.objects.get_or_create(name="Tees Valley key workers", defaults={"programme": programme})
    for worker in workers.values():
        TeamMembership.objects.get_or_create(team=team, user=worker)

    today = timezone.localdate()
    now = timezone.now()
    created = 0
    for (first, last, born, postcode, nino, source, benefit, months, groups, worker_no, readiness, barriers,
         licences, skills, sectors, hours, miles, days_ago, contact_days) in PEOPLE:
        if Participant.objects.filter(ni_number=nino).exists():
            continue
        worker = workers[worker_no]
        referred_on = today - datetime.timedelta(days=days_ago)
        p = Participant(
            programme=programme, first_name=first, last_name=last, date_of_birth=datetime.date(*born),
            ni_number=nino, referral_source=source, benefit_type=benefit, months_out_of_work=months,
            target_groups=groups, referred_on=referred_on, referred_by=worker, key_worker=worker,
            email=f"{first.lower()}.{last.lower()}@example.com", phone="01632 960" + nino[2:5],
            assessment_due_on=referred_on + datetime.timedelta(days=14),
        )
        _set_location(p, postcode)
        _apply_eligibility(p)
        p.save()
        created += 1
        if days_ago < 10 and readiness == Readiness.NOT_READY:
            continue  # recently referred: not assessed yet
        assessed_on = referred_on + datetime.timedelta(days=min(10, days_ago))
        assessment = Assessment.objects.create(
            participant=p, assessed_on=assessed_on, assessed_by=worker, barriers=barriers, skills=skills,
            licences=licences, sector_interests=sectors, hours_min=hours[0], hours_max=hours[1],
            max_travel_miles=miles, travel_modes=["bus", "walk"], readiness=readiness,
            qualifications="GCSE English and maths" if "maths" not in barriers else "",
            work_history="Previous work in " + ", ".join(sectors),
            available_from=today + datetime.timedelta(days=7),
        )
        for name in ("barriers", "skills", "licences", "sector_interests", "hours_min", "hours_max",
                     "max_travel_miles", "travel_modes", "available_from"):
            setattr(p, name, getattr(assessment, name))
        p.assessed_on = assessed_on
        p.readiness = readiness
        p.readiness_changed_on = (
            assessed_on
            if readiness != Readiness.JOB_READY
            else today - datetime.timedelta(days=days_ago // 4)
        )
        ReadinessChange.objects.create(
            participant=p,
            to_readiness=readiness,
            changed_on=p.readiness_changed_on,
            changed_by=worker,
        )
        Consent.objects.create(participant=p, scope=ConsentScope.EMPLOYER_PROFILE, given_on=assessed_on,
                               method=ConsentMethod.IN_PERSON, recorded_by=worker)
        Consent.objects.create(participant=p, scope=ConsentScope.DWP, given_on=assessed_on,
                               method=ConsentMethod.IN_PERSON, recorded_by=worker)
        p.consent_employer_profile = p.consent_dwp = True
        for i, barrier in enumerate(barriers):
            due = assessed_on + datetime.timedelta(days=14 * (i + 1))
            ActionItem.objects.create(
                participant=p, kind=ActionKind.BARRIER, barrier=barrier, description=GOALS[barrier], due_on=due,
                status=ActionStatus.DONE if readiness == Readiness.JOB_READY else
                (ActionStatus.IN_PROGRESS if i == 0 else ActionStatus.NOT_STARTED),
                completed_on=due if readiness == Readiness.JOB_READY else None, created_by=worker,
            )
        ActionItem.objects.create(
            participant=p,
            kind=ActionKind.GOAL,
            description=f"Apply for three {sectors[0].replace('_', ' ')} jobs a week",
            measure="Applications logged in the contact log",
            due_on=today + datetime.timedelta(days=21),
            created_by=worker,
        )
        if contact_days is not None:
            p.last_contact_at = now - datetime.timedelta(days=contact_days)
            ContactLog.objects.create(participant=p, happened_at=p.last_contact_at, method=ContactMethod.PHONE,
                                      summary="Weekly check-in: progress on the action plan", recorded_by=worker)
        p.save()
    stdout.write(f"  participants: {created} demo participants created")
