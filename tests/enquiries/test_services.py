"""Submitting an enquiry: one employer record, routed items, emails, audit; partner actions."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.employers.models import Employer, Interaction, InteractionKind
from brokerage.enquiries import services
from brokerage.enquiries.models import (
    ContactKind,
    Enquiry,
    EnquiryItem,
    EnquiryType,
    EventKind,
    ItemStatus,
    Outcome,
)
from brokerage.reference.models import PartnerStanding
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.enquiries import RoutingRuleFactory
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def answers(**overrides) -> dict:
    base = {
        "types": [EnquiryType.VACANCY.value],
        "organisation_name": "Tees Components Ltd",
        "postcode": "ts18 1aa",
        "size_band": "small",
        "sector": "manufacturing",
        "contact_name": "Priya Shah",
        "email": "priya@teescomponents.co.uk",
        "phone": "01642 555000",
        "preferred_contact": "email",
        "message": "Two warehouse operatives, days.",
    }
    return {**base, **overrides}


@pytest.fixture
def jcp(stockton, programme):
    partner = PartnerFactory(name="Stockton Jobcentre Plus", contact_email="stockton.jcp@example.org")
    RoutingRuleFactory(area=stockton, enquiry_type=EnquiryType.VACANCY, partner=partner, programme=programme)
    return partner


@pytest.fixture
def mentors(stockton, programme):
    partner = PartnerFactory(name="Tees Mentoring Trust", contact_email="mentors@example.org")
    RoutingRuleFactory(area=stockton, enquiry_type=EnquiryType.MENTORING, partner=partner, programme=programme)
    return partner


def test_submit_records_the_enquiry_once_and_routes_it(jcp, stockton, django_capture_on_commit_callbacks):
    UserFactory(role=Role.PARTNER_STAFF, partner=jcp, email="adviser@jcp.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = services.enquiry_submit(
            answers=answers(), entry={"page": "apprenticeships", "utm": {"utm_source": "newsletter"}}
        )

    assert enquiry.reference.startswith("ENQ-")
    assert enquiry.postcode == "TS18 1AA"
    assert enquiry.area == stockton
    assert enquiry.entry_page == "apprenticeships"
    assert enquiry.utm == {"utm_source": "newsletter"}
    (item,) = enquiry.items.all()
    assert item.partner == jcp
    assert item.status == ItemStatus.NEW
    assert item.deadline > timezone.now()
    assert item.events.get().kind == EventKind.ROUTED
    # One employer record, with the enquiry on its timeline.
    employer = enquiry.employer
    assert employer.name == "Tees Components Ltd"
    assert employer.email_domain == "teescomponents.co.uk"
    assert employer.interactions.get().kind == InteractionKind.ENQUIRY
    assert AuditEvent.objects.filter(action="enquiry.submitted", object_id=str(enquiry.pk)).exists()
    # The employer gets a confirmation with the reference; the partner and its staff are told.
    by_recipient = {tuple(m.to): m for m in mail.outbox}
    confirmation = by_recipient[("priya@teescomponents.co.uk",)]
    assert enquiry.reference in confirmation.subject and enquiry.reference in confirmation.body
    assert "Stockton Jobcentre Plus will contact you by" in confirmation.body
    for recipient in ["adviser@jcp.example.org", "stockton.jcp@example.org"]:
        notification = by_recipient[(recipient,)]
        assert enquiry.reference in notification.body
        assert f"/partner/enquiries/{item.pk}/" in notification.body


def test_an_enquiry_for_several_things_is_split_by_partner_under_one_reference(jcp, mentors):
    enquiry = services.enquiry_submit(
        answers=answers(types=[EnquiryType.VACANCY, EnquiryType.MENTORING, EnquiryType.SKILLS])
    )

    items = {item.partner.name: item.types for item in enquiry.items.all()}
    assert items == {
        "Stockton Jobcentre Plus": [EnquiryType.VACANCY],
        "Tees Mentoring Trust": [EnquiryType.MENTORING],
        "Tees Valley Employer Hub": [EnquiryType.SKILLS],  # the programme's fallback owner
    }
    assert Enquiry.objects.count() == 1


def test_existing_employer_is_matched_by_name_and_email_domain(jcp):
    existing = EmployerFactory(
        name="Tees Components", email_domain="teescomponents.co.uk", postcode="TS1 1AA"
    )

    enquiry = services.enquiry_submit(answers=answers())

    assert enquiry.employer == existing
    assert Employer.objects.count() == 1


def test_existing_employer_is_matched_by_name_and_postcode(jcp):
    existing = EmployerFactory(name="The Tees Components Limited", email_domain="", postcode="TS18 1AA")

    enquiry = services.enquiry_submit(answers=answers(email="priya.shah@gmail.com"))

    assert enquiry.employer == existing
    assert Employer.objects.count() == 1


def test_a_free_email_domain_never_matches_or_is_stored(jcp):
    EmployerFactory(name="Tees Components", email_domain="gmail.com", postcode="TS1 1AA")

    enquiry = services.enquiry_submit(answers=answers(email="priya.shah@gmail.com"))

    assert enquiry.employer.name == "Tees Components Ltd"
    assert enquiry.employer.email_domain == ""
    assert enquiry.employer.source == "enquiry"
    assert Employer.objects.count() == 2


def test_recording_contact_is_the_first_response_and_goes_on_the_employer_timeline(jcp):
    enquiry = services.enquiry_submit(answers=answers())
    item = enquiry.items.get()
    adviser = UserFactory(role=Role.PARTNER_STAFF, partner=jcp)

    services.enquiry_item_accept(item=item, actor=adviser)
    services.enquiry_item_contact_record(
        item=item, actor=adviser, contact_kind=ContactKind.PHONE, happened_at=timezone.now(),
        summary="Agreed to advertise two roles",
    )

    item.refresh_from_db()
    assert item.status == ItemStatus.CONTACTED
    assert item.accepted_by == adviser
    assert item.first_response_at is not None
    phone = Interaction.objects.get(employer=enquiry.employer, kind=InteractionKind.PHONE)
    assert phone.partner == jcp and phone.recorded_by == adviser
    assert "Agreed to advertise two roles" in phone.summary


def test_accepting_twice_is_refused(jcp):
    item = services.enquiry_submit(answers=answers()).items.get()
    adviser = UserFactory(role=Role.PARTNER_STAFF, partner=jcp)
    services.enquiry_item_accept(item=item, actor=adviser)

    with pytest.raises(ValidationError, match="already been accepted"):
        services.enquiry_item_accept(item=item, actor=adviser)


def test_reassigning_keeps_the_history_and_restarts_the_clock(jcp, django_capture_on_commit_callbacks):
    item = services.enquiry_submit(answers=answers()).items.get()
    adviser = UserFactory(role=Role.PARTNER_STAFF, partner=jcp)
    college = PartnerFactory(name="Stockton Riverside College", contact_email="college@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.enquiry_item_reassign(item=item, actor=adviser, to_partner=college, reason="Needs training")

    item.refresh_from_db()
    assert item.partner == college
    assert item.status == ItemStatus.NEW
    event = item.events.get(kind=EventKind.REASSIGNED)
    assert (event.partner, event.to_partner, event.note, event.actor) == (jcp, college, "Needs training", adviser)
    assert [m.to for m in mail.outbox] == [["college@example.org"]]


def test_passing_an_item_on_uses_the_new_owners_own_response_time(jcp, stockton, programme):
    """The deadline is decided once (working_days.response_deadline with the routing rule's
    days), on routing and on reassignment alike: a partner whose rule gives 5 working days
    gets 5 working days, not the standard 2."""
    college = PartnerFactory(name="Stockton Riverside College")
    RoutingRuleFactory(area=stockton, enquiry_type="", partner=college,  # below JCP's rule
                       programme=programme, response_working_days=5)
    monday_9am = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    item = services.enquiry_submit(answers=answers(), now=monday_9am).items.get()
    assert timezone.localtime(item.deadline).date() == datetime.date(2026, 11, 4)

    with time_machine.travel(monday_9am, tick=False):
        services.enquiry_item_reassign(item=item, actor=None, to_partner=college, reason="Training need")

    item.refresh_from_db()
    assert timezone.localtime(item.deadline).date() == datetime.date(2026, 11, 9)  # 5 working days


@pytest.mark.parametrize(
    ("standing", "reason", "message"),
    [
        (PartnerStanding.PAUSED, "Busy", "is paused"),
        (PartnerStanding.ACTIVE, "  ", "Give a reason"),
    ],
)
def test_reassigning_is_refused_with_a_reason(jcp, standing, reason, message):
    item = services.enquiry_submit(answers=answers()).items.get()
    other = PartnerFactory(standing=standing)

    with pytest.raises(ValidationError, match=message):
        services.enquiry_item_reassign(item=item, actor=None, to_partner=other, reason=reason)
    item.refresh_from_db()
    assert item.partner == jcp


def test_a_closed_item_cannot_be_changed(jcp):
    item = services.enquiry_submit(answers=answers()).items.get()
    services.enquiry_item_close(item=item, actor=None, outcome=Outcome.OPPORTUNITY, notes="Two roles")

    with pytest.raises(ValidationError, match="is closed"):
        services.enquiry_item_contact_record(
            item=item, actor=None, contact_kind=ContactKind.EMAIL, happened_at=timezone.now(), summary="x"
        )
    item.refresh_from_db()
    assert item.outcome == Outcome.OPPORTUNITY
    assert item.first_response_at is None


def test_contact_in_the_future_is_refused(jcp):
    item = services.enquiry_submit(answers=answers()).items.get()
    with pytest.raises(ValidationError, match="today or in the past"):
        services.enquiry_item_contact_record(
            item=item, actor=None, contact_kind=ContactKind.EMAIL,
            happened_at=timezone.now() + datetime.timedelta(days=1), summary="x",
        )
    assert EnquiryItem.objects.get().first_response_at is None
