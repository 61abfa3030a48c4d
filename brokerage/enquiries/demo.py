"""Demo routing rules and enquiries (run by ``manage.py seed_demo`` after reference data,
demo users and employers).

Idempotent: rules are found by (area, type, programme, partner) and enquiries by reference.
Areas, programmes and partners are looked up by name; a rule or enquiry whose names are
missing is skipped with a note. Demo enquiries are written directly (not through
``enquiry_submit``) so that they can be back-dated into realistic states without sending email.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from brokerage.employers.models import EmployerSource, InteractionKind
from brokerage.employers.services import employer_find_or_create, interaction_record
from brokerage.enquiries.models import (
    ContactKind,
    Enquiry,
    EnquiryItem,
    EnquiryItemEvent,
    EnquiryType,
    EventKind,
    ItemStatus,
    Outcome,
    RoutingRule,
)
from brokerage.reference.dates import response_deadline
from brokerage.reference.models import Area, Partner, Programme
from portal.accounts.models import User

RTW, PLAN_500, AMBITION, LCR = (
    "Routes to Work", "Plan 500", "Ambition SCR", "Sustaining People into Work"
)
T = EnquiryType

# (area or None, enquiry type or "", programme, partner)
RULES = [
    ("Stockton-on-Tees", T.VACANCY, RTW, "Stockton Jobcentre Plus"),
    ("Stockton-on-Tees", T.VACANCY, RTW, "Billingham Jobcentre Plus"),
    ("Stockton-on-Tees", T.WORK_TRIAL, RTW, "Stockton Jobcentre Plus"),
    ("Stockton-on-Tees", T.GUARANTEED_INTERVIEWS, RTW, "Stockton Jobcentre Plus"),
    ("Stockton-on-Tees", "", RTW, "Stockton-on-Tees Borough Council Routes to Work team"),
    ("Middlesbrough", T.VACANCY, RTW, "Middlesbrough Jobcentre Plus"),
    ("Middlesbrough", T.WORK_TRIAL, RTW, "Middlesbrough Jobcentre Plus"),
    ("Middlesbrough", "", RTW, "Middlesbrough Community Learning Routes to Work team"),
    ("Redcar and Cleveland", T.VACANCY, RTW, "Redcar Jobcentre Plus"),
    ("Redcar and Cleveland", T.SKILLS, RTW, "Redcar & Cleveland College"),
    ("Redcar and Cleveland", "", RTW, "Redcar and Cleveland Routes to Employment team"),
    ("Hartlepool", T.VACANCY, RTW, "Hartlepool Jobcentre Plus"),
    ("Hartlepool", "", RTW, "Hartlepool Borough Council Routes to Work team"),
    ("Darlington", T.VACANCY, RTW, "Darlington Jobcentre Plus"),
    ("Darlington", "", RTW, "Darlington Borough Council Routes to Work team"),
    (None, T.SKILLS, RTW, "TTE Technical Training Group"),
    (None, T.MENTORING, RTW, "Step Forward Tees Valley"),
    ("Swindon", T.VACANCY, PLAN_500, "Swindon Jobcentre Plus"),
    ("Swindon", T.APPRENTICESHIP, PLAN_500, "National Apprenticeship Service (Swindon)"),
    ("Swindon", T.WORK_EXPERIENCE, PLAN_500, "Swindon Borough Council 13-19 Team"),
    ("Swindon", T.MENTORING, PLAN_500, "Swindon Borough Council 13-19 Team"),
    ("Swindon", "", PLAN_500, "Forward Swindon"),
    ("Chesterfield", T.VACANCY, AMBITION, "Chesterfield Jobcentre Plus"),
    ("Bassetlaw", T.VACANCY, AMBITION, "Worksop Jobcentre Plus"),
    (None, "", AMBITION, "North East Derbyshire District Council Ambition team"),
    (None, T.VACANCY, LCR, "Jobcentre Plus Merseyside"),
    (None, "", LCR, "Liverpool City Region Employment Strategy Partnership"),
]

# reference, organisation, postcode, contact, email, types, {partner: state}, days ago, message
ENQUIRIES = [
    (
        "ENQ-DEMO01", "Tees Components Ltd", "TS18 2NT", "Mark Robson",
        "mark.robson@teescomponents.co.uk", [T.VACANCY, T.MENTORING],
        {"Stockton Jobcentre Plus": "new", "Step Forward Tees Valley": "accepted"}, 0,
        "Two CNC machine operators on days, and we would like to mentor young people.",
    ),
    (
        "ENQ-DEMO02", "Riverside Kitchen", "TS18 1AA", "Jo Taylor", "jo@riversidekitchen.co.uk",
        [T.WORK_TRIAL], {"Stockton Jobcentre Plus": "contacted"}, 2,
        "We are opening a second café and could offer work trials for kitchen assistants.",
    ),
    (
        "ENQ-DEMO03", "Teesport Logistics", "TS2 1AA", "Sam Patel", "sam.patel@teesportlogistics.co.uk",
        [T.VACANCY], {"Middlesbrough Jobcentre Plus": "overdue"}, 6,
        "Eight warehouse operatives for the new distribution shed, shifts.",
    ),
    (
        "ENQ-DEMO04", "Hartlepool Care Homes", "TS24 7AA", "Diane Hughes", "diane@hartlepoolcare.org.uk",
        [T.GUARANTEED_INTERVIEWS], {"Hartlepool Borough Council Routes to Work team": "closed"}, 20,
        "We will guarantee an interview to anyone from the programme who applies for care roles.",
    ),
    (
        "ENQ-DEMO05", "Great Western Engineering", "SN1 1AA", "Chris Evans", "c.evans@gwengineering.co.uk",
        [T.APPRENTICESHIP, T.WORK_EXPERIENCE],
        {"National Apprenticeship Service (Swindon)": "accepted", "Swindon Borough Council 13-19 Team": "new"},
        1, "Two engineering apprenticeships from September, and Year 10 work experience.",
    ),
    (
        "ENQ-DEMO06", "Darlington Retail Park", "DL1 1AA", "Amir Khan", "amir@darlingtonretailpark.co.uk",
        [T.NEW_SITE], {"Darlington Borough Council Routes to Work team": "reassigned"}, 3,
        "A new retail unit opens in spring with around 40 jobs.",
    ),
]


# Names for the demo logins of the partners enquiries can be routed to (cycled).
ADVISERS = [("Jess", "Carter"), ("Imran", "Ali"), ("Claire", "Dobson"), ("Owen", "Price"), ("Megan", "Hughes"),
            ("Ravi", "Patel"), ("Laura", "Bennett"), ("Chris", "Hall")]


def load(stdout) -> None:
    rules = _load_rules(stdout)
    logins = _load_partner_logins()
    made = _load_enquiries(stdout)
    stdout.write(f"  enquiries: {rules} routing rules, {logins} partner demo logins, {made} new demo enquiries")


def partner_login_email(partner: Partner) -> str:
    return f"{partner.slug[:64]}@partners.example.org"


def _load_partner_logins() -> int:
    """A demo login for every partner an enquiry can be routed to (its routing rules and the
    programmes' fallback owners), so every routed item can be worked in the demo.
    ``partner@example.org`` already works for Stockton Jobcentre Plus."""
    from portal.accounts.demo import DEMO_PARTNER, demo_user_save
    from portal.accounts.roles import Role

    routed = Partner.objects.filter(
        Q(pk__in=RoutingRule.objects.values("partner")) | Q(fallback_for__isnull=False)
    ).exclude(name=DEMO_PARTNER).distinct().order_by("name")
    for index, partner in enumerate(routed):
        first_name, last_name = ADVISERS[index % len(ADVISERS)]
        demo_user_save(email=partner_login_email(partner), first_name=first_name, last_name=last_name,
                       role=Role.PARTNER_STAFF, partner=partner)
    return len(routed)


def _load_rules(stdout) -> int:
    areas = {a.name: a for a in Area.objects.all()}
    programmes = {p.name: p for p in Programme.objects.all()}
    partners = {p.name: p for p in Partner.objects.all()}
    count = 0
    for area_name, enquiry_type, programme_name, partner_name in RULES:
        area = areas.get(area_name) if area_name else None
        programme, partner = programmes.get(programme_name), partners.get(partner_name)
        if (area_name and area is None) or programme is None or partner is None:
            stdout.write(f"  enquiries: skipped rule for {partner_name!r} (reference data missing)")
            continue
        label = dict(EnquiryType.choices).get(enquiry_type, "Everything")
        RoutingRule.objects.update_or_create(
            area=area, enquiry_type=enquiry_type, programme=programme, partner=partner,
            defaults={"name": f"{area_name or programme_name}: {label} → {partner_name}"[:160]},
        )
        count += 1
    return count


def _load_enquiries(stdout) -> int:
    partners = {p.name: p for p in Partner.objects.all()}
    adviser = User.objects.filter(email="partner@example.org").first()
    now = timezone.now()
    made = 0
    for reference, organisation, postcode, contact, email, types, owners, days_ago, message in ENQUIRIES:
        if Enquiry.objects.filter(reference=reference).exists():
            continue
        if any(name not in partners for name in owners):
            stdout.write(f"  enquiries: skipped {reference} (partners missing)")
            continue
        submitted = now - datetime.timedelta(days=days_ago, hours=2)
        area = Area.for_postcode(postcode)
        employer, _ = employer_find_or_create(
            name=organisation, postcode=postcode, email=email, source=EmployerSource.ENQUIRY
        )
        enquiry = Enquiry.objects.create(
            reference=reference, types=[str(t) for t in types], organisation_name=organisation,
            postcode=postcode, area=area, size_band="small", sector="other", contact_name=contact,
            email=email, phone="01632 960123", preferred_contact="either", message=message,
            employer=employer, entry_page="employers", campaign="demo",
        )
        Enquiry.objects.filter(pk=enquiry.pk).update(submitted_at=submitted)
        interaction_record(
            employer=employer, kind=InteractionKind.ENQUIRY, happened_at=submitted,
            summary=f"Enquiry {reference} from {contact}: {', '.join(enquiry.get_types_display())}.",
        )
        for (name, state), enquiry_type in zip(owners.items(), types, strict=False):
            item_types = [str(enquiry_type)] if len(owners) > 1 else [str(t) for t in types]
            _demo_item(enquiry, partners[name], item_types, state, submitted, adviser, partners)
        made += 1
    return made


def _demo_item(enquiry, partner, types, state, submitted, adviser, partners) -> None:
    programme = partner.programmes.order_by("name").first()
    item = EnquiryItem.objects.create(
        enquiry=enquiry, partner=partner, programme=programme, types=types,
        routing_reason="Demo: routed by the area and enquiry type rules",
        routed_at=submitted, deadline=response_deadline(submitted),
    )
    EnquiryItemEvent.objects.create(item=item, kind=EventKind.ROUTED, partner=partner, happened_at=submitted)
    actor = adviser if adviser and adviser.partner_id == partner.pk else None
    later = submitted + datetime.timedelta(hours=3)
    if state in ("accepted", "contacted", "closed"):
        item.status, item.accepted_at, item.accepted_by = ItemStatus.ACCEPTED, later, actor
        EnquiryItemEvent.objects.create(item=item, kind=EventKind.ACCEPTED, partner=partner, actor=actor,
                                        happened_at=later)
    if state in ("contacted", "closed"):
        item.status, item.first_response_at = ItemStatus.CONTACTED, later
        note = "Called the employer and agreed next steps."
        EnquiryItemEvent.objects.create(item=item, kind=EventKind.CONTACT, partner=partner, actor=actor,
                                        contact_kind=ContactKind.PHONE, happened_at=later, note=note)
        interaction_record(employer=enquiry.employer, kind=InteractionKind.PHONE, partner=partner,
                           actor=actor, happened_at=later, summary=f"About enquiry {enquiry.reference}: {note}")
    if state == "closed":
        item.status, item.closed_at, item.outcome = (
            ItemStatus.CLOSED,
            later + datetime.timedelta(days=2),
            Outcome.PLEDGE,
        )
        EnquiryItemEvent.objects.create(item=item, kind=EventKind.CLOSED, partner=partner, actor=actor,
                                        happened_at=item.closed_at, note=Outcome.PLEDGE.label)
    if state == "reassigned":
        to_partner = partners.get("Darlington Jobcentre Plus")
        if to_partner is not None:
            EnquiryItemEvent.objects.create(
                item=item, kind=EventKind.REASSIGNED, partner=partner, to_partner=to_partner,
                happened_at=later, note="Jobcentre Plus is running the recruitment for the new units.",
            )
            item.partner, item.routed_at = to_partner, later
            item.deadline = response_deadline(later)
            item.routing_reason = f"Passed on by {partner}: recruitment for the new units"
    item.save()
