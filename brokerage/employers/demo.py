"""Demo employers (run by ``manage.py seed_demo`` after reference data and demo users).

Idempotent: records are matched by name. Partners and users are looked up by name and
email; anything missing is skipped with a note.

Partner relationships need the employer's consent (see ``brokerage.employers.services``). The
demo records them as decided: accepted by the demo employer admin where the employer has one,
otherwise approved by the demo coordinator with a reason. One request is left waiting for the
demo employer admin to answer, so the review pages have something to show.
"""

import datetime

from django.utils import timezone

from brokerage.employers.models import (
    Employer,
    EmployerContact,
    EmployerMembership,
    EmployerSite,
    EmployerSource,
    Interaction,
    InteractionKind,
    MembershipRole,
    PartnerRelationship,
    RelationshipStatus,
)
from brokerage.reference.choices import DisabilityConfident, Sector, SizeBand
from brokerage.reference.models import Area, Partner

# name, companies house number, sector, size band, disability confident, email domain,
# website, source, sites [(name, postcode)], contacts [(name, job title, email, phone)]
EMPLOYERS = [
    (
        "Tees Components Ltd", "08412736", Sector.MANUFACTURING, SizeBand.MEDIUM,
        DisabilityConfident.COMMITTED, "teescomponents.co.uk", "https://www.teescomponents.co.uk",
        EmployerSource.REGISTRATION,
        [("Head office and machine shop", "TS18 2NT"), ("Teesside Park assembly", "TS17 7BW")],
        [("Mark Robson", "Operations manager", "mark.robson@teescomponents.co.uk", "01642 555 0101")],
    ),
    (
        "Thornaby Freight Services Ltd", "09887123", Sector.LOGISTICS, SizeBand.SMALL,
        DisabilityConfident.NONE, "thornabyfreight.co.uk", "", EmployerSource.ENQUIRY,
        [("Depot", "TS17 6BL")],
        [("Lisa Kerr", "Transport manager", "lisa@thornabyfreight.co.uk", "")],
    ),
    (
        "Liverpool Mutual Homes", "", Sector.HOUSING, SizeBand.LARGE,
        DisabilityConfident.EMPLOYER, "lmh.co.uk", "", EmployerSource.PARTNER,
        [("Head office", "L3 6BN")],
        [("Employment and skills team", "", "", "0151 555 0110")],
    ),
    (
        "Knowsley Housing Trust", "", Sector.HOUSING, SizeBand.LARGE,
        DisabilityConfident.EMPLOYER, "kht.org.uk", "", EmployerSource.PARTNER,
        [("Huyton office", "L36 9YU")],
        [],
    ),
    (
        "Nationwide Building Society", "", Sector.BUSINESS, SizeBand.LARGE,
        DisabilityConfident.LEADER, "nationwide.co.uk", "https://www.nationwide.co.uk",
        EmployerSource.REGISTRATION,
        [("Pipers Way", "SN38 1NW")],
        [("Early careers team", "", "early.careers@nationwide.co.uk", "")],
    ),
    (
        "Old Town Kitchen Swindon Ltd", "", Sector.HOSPITALITY, SizeBand.MICRO,
        DisabilityConfident.NONE, "oldtownkitchen.co.uk", "", EmployerSource.ENQUIRY,
        [("Restaurant", "SN1 3EG")],
        [("Sam Patel", "Owner", "sam@oldtownkitchen.co.uk", "")],
    ),
    # A suspected duplicate for the coordinator: an enquiry and a registration for the same
    # care provider, with the same Companies House number and name at the same postcode.
    (
        "Teesdale Care Homes Limited", "07654321", Sector.HEALTH_CARE, SizeBand.MEDIUM,
        DisabilityConfident.NONE, "", "", EmployerSource.ENQUIRY,
        [("Norton Grange", "TS20 1AB")], [],
    ),
    (
        "Teesdale Care Homes Ltd.", "07654321", Sector.HEALTH_CARE, SizeBand.MEDIUM,
        DisabilityConfident.COMMITTED, "teesdalecare.co.uk", "", EmployerSource.REGISTRATION,
        [("Norton Grange", "TS20 1AB")],
        [("Janet Hughes", "Registered manager", "janet.hughes@teesdalecare.co.uk", "")],
    ),
]

# employer, partner, kind, days ago, summary
INTERACTIONS = [
    ("Tees Components Ltd", "Stockton Jobcentre Plus", InteractionKind.MEETING, 40,
     "Met Mark Robson on site. They need four CNC machine operators and would offer guaranteed "
     "interviews to Routes to Work participants."),
    ("Tees Components Ltd", "Stockton-on-Tees Borough Council Routes to Work team", InteractionKind.PHONE, 21,
     "Discussed the employer incentive for taking on someone long-term unemployed; sent the "
     "eligibility summary."),
    ("Tees Components Ltd", "TTE Technical Training Group", InteractionKind.EMAIL, 9,
     "Offered a pre-employment engineering course (2 weeks) ahead of the apprenticeship intake."),
    ("Thornaby Freight Services Ltd", "Thornaby Jobcentre Plus", InteractionKind.ENQUIRY, 5,
     "Asked about a sector-based work academy for warehouse operatives."),
    ("Liverpool Mutual Homes", "Liverpool City Region Employment Strategy Partnership", InteractionKind.MEETING, 30,
     "Agreed to ring-fence two apprenticeships in the repairs service for tenants."),
    ("Nationwide Building Society", "Forward Swindon", InteractionKind.MEETING, 60,
     "Plan 500 board: Nationwide will host the Swindon Talent Pool launch and offer work "
     "experience places."),
    ("Old Town Kitchen Swindon Ltd", "Swindon Jobcentre Plus", InteractionKind.PHONE, 3,
     "Wants a work trial for a kitchen porter aged 16 to 24."),
]

# employer, partner, requires employer sign-off (each accepted or approved)
RELATIONSHIPS = [
    ("Tees Components Ltd", "Stockton Jobcentre Plus", True),
    ("Liverpool Mutual Homes", "Liverpool City Region Employment Strategy Partnership", False),
    ("Nationwide Building Society", "Forward Swindon", True),
]
DEMO_APPROVAL_REASON = "The employer confirmed at a partnership board meeting that they agree (demo data)."

# employer, partner: requests still waiting for an answer
REQUESTS = [
    ("Tees Components Ltd", "Stockton-on-Tees Borough Council Routes to Work team"),
]


def load(stdout) -> None:
    now = timezone.now()
    partners = {p.name: p for p in Partner.objects.all()}
    employers = {}
    created_count = 0
    for (name, number, sector, size, dc, domain, website, source, sites, contacts) in EMPLOYERS:
        postcode = sites[0][1]
        employer, created = Employer.objects.get_or_create(
            name=name,
            defaults={
                "companies_house_number": number, "sector": sector, "size_band": size,
                "disability_confident": dc, "email_domain": domain, "website": website,
                "source": source, "postcode": postcode, "area": Area.for_postcode(postcode),
                "verified": source == EmployerSource.REGISTRATION,
            },
        )
        created_count += created
        employers[name] = employer
        for site_name, site_postcode in sites:
            EmployerSite.objects.get_or_create(
                employer=employer, name=site_name,
                defaults={"postcode": site_postcode, "area": Area.for_postcode(site_postcode)},
            )
        for contact_name, title, email, phone in contacts:
            EmployerContact.objects.get_or_create(
                employer=employer, name=contact_name,
                defaults={"job_title": title, "email": email, "phone": phone},
            )

    from portal.accounts.models import User

    admin = User.objects.filter(email="employer@example.org").first()
    if admin is not None:
        EmployerMembership.objects.get_or_create(
            employer=employers["Tees Components Ltd"], user=admin,
            defaults={"role": MembershipRole.ADMIN},
        )
    else:
        stdout.write("  employers: employer@example.org not found; Tees Components has no admin")
    partner_user = User.objects.filter(email="partner@example.org").first()

    coordinator = User.objects.filter(email="coordinator@example.org").first()

    missing = set()
    for employer_name, partner_name, signoff in RELATIONSHIPS:
        partner = partners.get(partner_name)
        if partner is None:
            missing.add(partner_name)
            continue
        employer = employers[employer_name]
        asked = now - datetime.timedelta(days=120)
        employer_admin = admin if admin is not None and employer.memberships.filter(user=admin).exists() else None
        if employer_admin is not None:
            decision = {"status": RelationshipStatus.ACCEPTED, "decided_by": employer_admin}
        else:
            decision = {"status": RelationshipStatus.APPROVED, "decided_by": coordinator,
                        "decision_reason": DEMO_APPROVAL_REASON}
        requester = partner_user if partner_name == "Stockton Jobcentre Plus" else None
        PartnerRelationship.objects.get_or_create(
            partner=partner, employer=employer,
            defaults={
                "requires_employer_signoff": signoff,
                "started_at": asked.date(),
                "created_by": requester,
                "requested_by": requester,
                "requested_at": asked,
                "decided_at": asked + datetime.timedelta(days=1),
                **decision,
            },
        )
    for employer_name, partner_name in REQUESTS:
        partner = partners.get(partner_name)
        if partner is None:
            missing.add(partner_name)
            continue
        PartnerRelationship.objects.get_or_create(
            partner=partner, employer=employers[employer_name],
            defaults={
                "status": RelationshipStatus.REQUESTED,
                "started_at": (now - datetime.timedelta(days=2)).date(),
                "requested_at": now - datetime.timedelta(days=2),
            },
        )
    for employer_name, partner_name, kind, days_ago, summary in INTERACTIONS:
        partner = partners.get(partner_name)
        if partner is None:
            missing.add(partner_name)
            continue
        recorded_by = partner_user if partner_user and partner_user.partner_id == partner.pk else None
        Interaction.objects.get_or_create(
            employer=employers[employer_name], partner=partner, summary=summary,
            defaults={
                "kind": kind, "recorded_by": recorded_by,
                "happened_at": now - datetime.timedelta(days=days_ago),
            },
        )
    if missing:
        stdout.write(f"  employers: partners not found, skipped: {', '.join(sorted(missing))}")
    stdout.write(
        f"  employers: {len(employers)} employers ({created_count} new), "
        f"{len(RELATIONSHIPS)} partner relationships, {len(REQUESTS)} waiting for an answer, "
        "one suspected duplicate pair"
    )
