"""Demo opportunities.

1. Plan 500 (seed 002): the 6 May 2011 measurement table, rebuilt from records. Per strand,
   the employers registered and the opportunities created (places that went live) come out
   exactly as printed: Mentoring 51/40, Apprenticeship 28/102, Work Experience 36/56,
   Work Based Qualifications 6/5, Diploma support to schools 10/37. The employers column sums
   to 131 (the seed prints 130); 90 different employers are registered, because many are in
   more than one strand.
2. Plan 500's rules as data: work experience durations and age ranges, the strand each type
   counts in.
3. A few live Tees Valley opportunities for key workers, one waiting for moderation and one draft.

Idempotent: everything is found by name before it is created. Missing programmes, strands or
employers from other apps' demos are skipped with a note.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from brokerage.employers.models import Employer, EmployerSite
from brokerage.opportunities.models import (
    CandidateRoute,
    Opportunity,
    OpportunityEvent,
    OpportunityRule,
    OpportunityStatus,
    OpportunityType,
    PayBasis,
    SchoolActivity,
    StrandRegistration,
    TargetGroup,
)
from brokerage.reference.choices import Adjustment, DisabilityConfident, Licence, Sector, SizeBand
from brokerage.reference.models import Area, Programme, Strand
from brokerage.reference.postcodes import centroid

S = OpportunityStatus
PLAN_500 = "Plan 500"
MEASURED_ON = datetime.date(2011, 5, 6)

# Plan 500 strands (slugs from the reference demo) and the 6 May 2011 table.
# slug: (type, employers registered, [places per approved opportunity], sector, title)
PLAN_500_TABLE = {
    "mentoring": (OpportunityType.MENTORING, 51, [1] * 40, Sector.BUSINESS,
                  "Plan 500 mentor for a young person"),
    "apprenticeships": (OpportunityType.APPRENTICESHIP, 28, [50] + [2] * 25 + [1] * 2,
                        Sector.MANUFACTURING, "Plan 500 apprenticeship"),
    "work-experience": (OpportunityType.WORK_EXPERIENCE, 36, [2] * 20 + [1] * 16, Sector.RETAIL,
                        "Plan 500 work experience placement"),
    "work-based-qualifications": (OpportunityType.WORK_BASED_QUALIFICATION, 6, [1] * 5,
                                  Sector.BUSINESS, "Plan 500 work-based qualification"),
    "diploma-support-to-schools": (OpportunityType.SCHOOL_ENGAGEMENT, 10, [4] * 7 + [3] * 3,
                                   Sector.EDUCATION, "Plan 500 Diploma support"),
}
# Which of the 90 employers (by index) register in each strand: overlaps are deliberate.
STRAND_EMPLOYERS = {
    "mentoring": range(0, 51),
    "apprenticeships": range(40, 68),
    "work-experience": range(54, 90),
    "work-based-qualifications": range(60, 66),
    "diploma-support-to-schools": range(80, 90),
}

_PLACES = [
    "Old Town", "Westlea", "Haydon Wick", "Stratton", "Wroughton", "Highworth", "Rodbourne",
    "Penhill", "Gorse Hill", "Covingham", "Lydiard", "Kingsdown", "Abbey Meads", "Freshbrook",
    "Toothill", "Walcot", "Eldene", "Moredon", "Blunsdon", "Cheney Manor", "Groundwell",
    "Churchward", "Wichelstowe", "Nythe", "Liden", "Dorcan", "Great Western", "Coate",
    "Okus", "Pinehurst",
]
_KINDS = [
    ("Engineering Ltd", Sector.MANUFACTURING), ("Motor Company", Sector.RETAIL),
    ("Care Services", Sector.HEALTH_CARE),
]
_POSTCODES = ["SN1 1AA", "SN2 2AB", "SN3 4DB", "SN5 7DL", "SN25 4AN", "SN4 9AB", "SN6 7AA", "SN1 5BP"]


def swindon_employer_names() -> list[tuple[str, str]]:
    """90 distinct Swindon business names (fictional), with a sector."""
    names = []
    for kind, sector in _KINDS:
        for place in _PLACES:
            names.append((f"{place} {kind}", sector))
    return names


def _employer(name: str, sector: str, index: int, swindon: Area | None) -> Employer:
    postcode = _POSTCODES[index % len(_POSTCODES)]
    employer, created = Employer.objects.get_or_create(
        name=name,
        defaults={
            "sector": sector,
            "size_band": [SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM][index % 3],
            "postcode": postcode,
            "area": swindon,
            "disability_confident": DisabilityConfident.COMMITTED if index % 4 == 0 else "",
        },
    )
    if created:
        EmployerSite.objects.create(employer=employer, name="Main site", postcode=postcode, area=swindon)
    return employer


def _historic_opportunity(*, employer, strand, spec, places, n, approved: bool) -> Opportunity:
    opportunity_type, _count, _places, sector, title = spec
    day = datetime.date(2010, 9, 1) + datetime.timedelta(days=(n * 3) % 240)
    point = centroid(employer.postcode) or (None, None)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    extra = {}
    if opportunity_type == OpportunityType.APPRENTICESHIP:
        extra = {"paid": True, "pay_pence": 250, "pay_basis": PayBasis.HOUR, "hours_per_week": Decimal("37.5"),
                 "duration_weeks": 52, "qualification": "Level 2 Apprenticeship", "min_age": 16, "max_age": 24}
    elif opportunity_type == OpportunityType.WORK_EXPERIENCE:
        extra = {"paid": False, "hours_per_week": Decimal("30"), "duration_weeks": 2 + n % 7,
                 "target_groups": [TargetGroup.JSA_18_24], "min_age": 18, "max_age": 24}
    elif opportunity_type == OpportunityType.MENTORING:
        extra = {"paid": False, "duration_weeks": 26, "target_groups": [TargetGroup.MENTEES]}
    elif opportunity_type == OpportunityType.WORK_BASED_QUALIFICATION:
        extra = {"paid": False, "qualification": "NVQ Level 2 in Business Administration"}
    elif opportunity_type == OpportunityType.SCHOOL_ENGAGEMENT:
        extra = {"paid": False, "school_activity": SchoolActivity.DIPLOMA_SUPPORT,
                 "target_groups": [TargetGroup.SCHOOL_YEAR_10_11]}
    opportunity, created = Opportunity.objects.get_or_create(
        employer=employer,
        strand=strand,
        title=title,
        defaults={
            "opportunity_type": opportunity_type,
            "programme": strand.programme,
            "status": S.CLOSED if approved else S.WITHDRAWN,
            "description": f"Offered through Plan 500 by {employer.name}.",
            "sector": sector if sector != Sector.BUSINESS else employer.sector or sector,
            "postcode": employer.postcode,
            "area": employer.area,
            "latitude": point[0],
            "longitude": point[1],
            "places": places,
            "places_filled": places if approved else 0,
            "start_date": day + datetime.timedelta(days=21),
            "closing_date": day + datetime.timedelta(days=14),
            "submitted_at": when,
            "approved_at": when + datetime.timedelta(days=2) if approved else None,
            "closed_at": when + datetime.timedelta(days=30),
            **extra,
        },
    )
    if created:
        events = [(OpportunityStatus.DRAFT, S.SUBMITTED, "")]
        if approved:
            events += [(S.SUBMITTED, S.LIVE, ""), (S.LIVE, S.CLOSED, "The closing date passed")]
        else:
            events += [(S.SUBMITTED, S.WITHDRAWN, "Mentor training not yet completed"
                        if opportunity_type == OpportunityType.MENTORING else "Withdrawn by the employer")]
        for from_status, to_status, note in events:
            OpportunityEvent.objects.create(
                opportunity=opportunity, from_status=from_status, to_status=to_status, note=note
            )
    StrandRegistration.objects.get_or_create(
        employer=employer, strand=strand, defaults={"registered_at": when}
    )
    return opportunity


def _load_plan_500(stdout) -> None:
    programme = Programme.objects.filter(name=PLAN_500).first()
    if programme is None:
        stdout.write("  opportunities: Plan 500 not found; skipped its strand figures")
        return
    strands = {s.slug: s for s in Strand.objects.filter(programme=programme)}
    missing = set(PLAN_500_TABLE) - set(strands)
    if missing:
        stdout.write(f"  opportunities: Plan 500 strands missing ({', '.join(sorted(missing))}); skipped")
        return
    swindon = Area.objects.filter(name="Swindon").first()
    employers = [
        _employer(name, sector, i, swindon) for i, (name, sector) in enumerate(swindon_employer_names())
    ]
    n = 0
    for slug, spec in PLAN_500_TABLE.items():
        _type, registered, places_list, _sector, _title = spec
        members = [employers[i] for i in STRAND_EMPLOYERS[slug]]
        assert len(members) == registered, slug
        for position, employer in enumerate(members):
            n += 1
            approved = position < len(places_list)
            _historic_opportunity(
                employer=employer, strand=strands[slug], spec=spec,
                places=places_list[position] if approved else 1, n=n, approved=approved,
            )
    _load_plan_500_rules(programme, strands)
    stdout.write("  opportunities: Plan 500 strand table (6 May 2011) rebuilt from records")


def _load_plan_500_rules(programme, strands) -> None:
    rules = [
        (OpportunityType.WORK_EXPERIENCE, "", "work-experience", None, None, 14, 24,
         "Plan 500 work experience is for young people aged 14 to 24"),
        (OpportunityType.WORK_EXPERIENCE, TargetGroup.SCHOOL_YEAR_10_11, "work-experience", None, 2, None, None,
         "Up to 2 weeks for Year 10 or Year 11 students"),
        (OpportunityType.WORK_EXPERIENCE, TargetGroup.JSA_18_24, "work-experience", 2, 8, None, None,
         "2 to 8 weeks for 18 to 24 year old JSA customers"),
        (OpportunityType.MENTORING, "", "mentoring", None, 26, None, None,
         "Mentoring for up to 6 months"),
        (OpportunityType.APPRENTICESHIP, "", "apprenticeships", None, None, 16, 24,
         "Plan 500 apprenticeships are for young people aged 16 to 24"),
        (OpportunityType.WORK_BASED_QUALIFICATION, "", "work-based-qualifications", None, None, 16, 24,
         "Young employees achieving a work-based qualification"),
        (OpportunityType.SCHOOL_ENGAGEMENT, "", "diploma-support-to-schools", None, None, None, None,
         "Diploma support and careers activity in Swindon schools"),
    ]
    for opp_type, group, slug, min_weeks, max_weeks, min_age, max_age, description in rules:
        OpportunityRule.objects.update_or_create(
            programme=programme, opportunity_type=opp_type, target_group=group,
            defaults={
                "strand": strands.get(slug), "min_weeks": min_weeks, "max_weeks": max_weeks,
                "min_age": min_age, "max_age": max_age, "description": description,
            },
        )


# --- Tees Valley: live opportunities for key workers -------------------------------------------

TEES = [
    # employer, title, type, sector, postcode, places, hours, pay pence, basis, licences, skills, status, public
    ("Tees Components Ltd", "CNC machine operator", OpportunityType.VACANCY, Sector.MANUFACTURING,
     "TS18 2NT", 3, "37.5", 1310, PayBasis.HOUR, [], ["machine operation", "measuring"], S.LIVE, True),
    ("Tees Components Ltd", "Engineering apprentice", OpportunityType.APPRENTICESHIP, Sector.MANUFACTURING,
     "TS17 7BW", 2, "37.5", 900, PayBasis.HOUR, [], ["maths"], S.LIVE, True),
    ("Thornaby Freight Services Ltd", "Warehouse operative", OpportunityType.VACANCY, Sector.LOGISTICS,
     "TS17 6BL", 4, "40", 1290, PayBasis.HOUR, [Licence.FORKLIFT], ["stock control"], S.LIVE, False),
    ("Thornaby Freight Services Ltd", "Warehouse work trial", OpportunityType.WORK_TRIAL, Sector.LOGISTICS,
     "TS17 6BL", 2, "30", None, "", [], ["teamwork"], S.LIVE, False),
    ("Tees Components Ltd", "Site security officer", OpportunityType.VACANCY, Sector.SECURITY,
     "TS1 2AA", 1, "42", 2750000, PayBasis.YEAR, [Licence.SIA], ["customer service"], S.LIVE, False),
    ("Thornaby Freight Services Ltd", "Van driver", OpportunityType.VACANCY, Sector.LOGISTICS,
     "TS17 6BL", 2, "40", 1300, PayBasis.HOUR, [Licence.DRIVING], ["driving"], S.SUBMITTED, False),
    ("Tees Components Ltd", "Year 10 careers talk", OpportunityType.SCHOOL_ENGAGEMENT, Sector.MANUFACTURING,
     "TS18 2NT", 3, None, None, "", [], [], S.DRAFT, False),
    ("Thornaby Freight Services Ltd", "Warehouse work experience", OpportunityType.WORK_EXPERIENCE,
     Sector.LOGISTICS, "TS17 6BL", 2, "30", None, "", [], ["teamwork"], S.LIVE, False),
]

# The apprenticeship's and the work-experience placement's own answers (filled in even on a
# database seeded before these fields existed). The evidence files are small stand-in PDFs,
# stored through the private-file component like any upload.
APPRENTICESHIP_ANSWERS = {
    "Engineering apprentice": {
        "apprenticeship_standard": "ST0457", "apprenticeship_level": 3,
        "qualification": "Engineering technician apprenticeship (level 3)",
        "training_provider": "Stockton Riverside College",
        "off_the_job_hours_per_week": Decimal("7.5"), "min_age": 16,
    },
}
WORK_EXPERIENCE_ANSWERS = {
    "Warehouse work experience": {
        "supervisor_name": "Karen Whitfield, warehouse team leader",
        "insurance_confirmed": True, "min_age": 16, "max_age": 24, "duration_weeks": 2,
        "target_groups": [TargetGroup.YOUNG_NEET],
    },
}


def _demo_pdf(title: str):
    from django.core.files.base import ContentFile

    body = f"%PDF-1.4\n% Demo document: {title}. Not a real document.\n%%EOF\n".encode()
    return ContentFile(body, name=f"{title.lower().replace(' ', '-')}.pdf")


def _load_answers(stdout) -> None:
    from django.db import transaction

    from brokerage.opportunities.services import DRAFT_FILE_RULES
    from portal.core.files import private_file_replace

    filled = 0
    for title, answers in {**APPRENTICESHIP_ANSWERS, **WORK_EXPERIENCE_ANSWERS}.items():
        for opportunity in Opportunity.objects.filter(title=title):
            with transaction.atomic():
                for field, value in answers.items():
                    if getattr(opportunity, field) in (None, "", [], False):
                        setattr(opportunity, field, value)
                if title in WORK_EXPERIENCE_ANSWERS:
                    for field, rule in DRAFT_FILE_RULES.items():
                        if not getattr(opportunity, field):
                            private_file_replace(
                                instance=opportunity, field_name=field,
                                upload=_demo_pdf(f"{title} {rule.noun}"), rule=rule,
                            )
                opportunity.save()
            filled += 1
    stdout.write(f"  opportunities: apprenticeship and safeguarding answers on {filled}")


def _load_tees(stdout) -> None:
    today = timezone.localdate()
    made = 0
    for (name, title, opp_type, sector, postcode, places, hours, pay, basis, licences, skills,
         status, public) in TEES:
        employer = Employer.objects.filter(name=name).first()
        if employer is None:
            stdout.write(f"  opportunities: employer {name} not found; skipped ‘{title}’")
            continue
        lat, lon = centroid(postcode) or (None, None)
        now = timezone.now()
        opportunity, created = Opportunity.objects.get_or_create(
            employer=employer, title=title,
            defaults={
                "opportunity_type": opp_type, "status": status, "sector": sector,
                "description": f"{title} with {name}. Full training given; key workers welcome to visit first.",
                "postcode": postcode, "area": Area.for_postcode(postcode), "latitude": lat, "longitude": lon,
                "places": places, "hours_per_week": Decimal(hours) if hours else None,
                "paid": pay is not None, "pay_pence": pay, "pay_basis": basis,
                "duration_weeks": {OpportunityType.APPRENTICESHIP: 78, OpportunityType.WORK_TRIAL: 2}.get(opp_type),
                "qualification": "Level 3 Engineering Technician" if opp_type == OpportunityType.APPRENTICESHIP else "",
                "school_activity": SchoolActivity.TALK if opp_type == OpportunityType.SCHOOL_ENGAGEMENT else "",
                "start_date": today + datetime.timedelta(days=35),
                "closing_date": today + datetime.timedelta(days=10 + 5 * made),
                "required_licences": licences, "essential_skills": skills,
                "adjustments": [Adjustment.FLEXIBLE_HOURS, Adjustment.ADAPTED_INTERVIEW],
                "disability_confident": employer.disability_confident,
                "candidate_route": CandidateRoute.KEY_WORKER, "public": public,
                "submitted_at": now if status != S.DRAFT else None,
                "approved_at": now if status == S.LIVE else None,
            },
        )
        if created and status != S.DRAFT:
            OpportunityEvent.objects.create(opportunity=opportunity, from_status=S.DRAFT, to_status=S.SUBMITTED)
            if status == S.LIVE:
                OpportunityEvent.objects.create(opportunity=opportunity, from_status=S.SUBMITTED, to_status=S.LIVE)
        made += 1
    stdout.write(f"  opportunities: {made} Tees Valley opportunities")


def load(stdout) -> None:
    _load_plan_500(stdout)
    _load_tees(stdout)
    _load_answers(stdout)
