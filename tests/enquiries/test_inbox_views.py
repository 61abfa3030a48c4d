"""The partner inbox: scoped to what was routed to the partner; actions; coordinators."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.enquiries.models import EnquiryItem, EventKind, ItemStatus
from portal.accounts.roles import Role
from tests.factories.enquiries import EnquiryFactory, EnquiryItemFactory, responded_item
from tests.factories.reference import PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("enquiries:inbox")


@pytest.fixture
def partner(db):
    return PartnerFactory(name="Stockton Jobcentre Plus")


@pytest.fixture
def adviser(partner):
    return UserFactory(role=Role.PARTNER_STAFF, partner=partner)


@pytest.fixture
def mine(partner, stockton):
    return EnquiryItemFactory(
        partner=partner, enquiry=EnquiryFactory(organisation_name="Mine Ltd", area=stockton)
    )


@pytest.fixture
def theirs(db):
    return EnquiryItemFactory(
        partner=PartnerFactory(name="Other Partner"), enquiry=EnquiryFactory(organisation_name="Theirs Ltd")
    )


def test_partner_staff_see_only_what_was_routed_to_their_partner(login, adviser, mine, theirs):
    client = login(adviser)
    body = client.get(INBOX).content.decode()
    assert "Mine Ltd" in body and mine.enquiry.reference in body
    assert "Theirs Ltd" not in body

    assert client.get(reverse("enquiries:item", args=[mine.pk])).status_code == 200
    for name in ("item", "contact", "close", "reassign"):
        assert client.get(reverse(f"enquiries:{name}", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("enquiries:accept", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.accepted_at is None


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.KEY_WORKER, None])
def test_people_without_an_inbox_are_refused(login, role, mine):
    client = login(UserFactory(role=role))
    assert client.get(INBOX).status_code == 403
    assert client.get(reverse("enquiries:item", args=[mine.pk])).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, mine):
    response = client.get(reverse("enquiries:item", args=[mine.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_partner_staff_without_a_partner_see_nothing(login, mine):
    client = login(UserFactory(role=Role.PARTNER_STAFF))
    assert "No enquiries match" in client.get(INBOX).content.decode()
    assert client.get(reverse("enquiries:item", args=[mine.pk])).status_code == 404


def test_filters(login, adviser, partner, stockton, middlesbrough):
    now = timezone.now()
    overdue = EnquiryItemFactory(
        partner=partner, enquiry=EnquiryFactory(organisation_name="Late Ltd", area=stockton, types=["mentoring"]),
        types=["mentoring"], routed_at=now - datetime.timedelta(days=5), deadline=now - datetime.timedelta(days=1),
    )
    EnquiryItemFactory(
        partner=partner, enquiry=EnquiryFactory(organisation_name="Boro Ltd", area=middlesbrough)
    )
    EnquiryItemFactory(
        partner=partner, status=ItemStatus.CLOSED, enquiry=EnquiryFactory(organisation_name="Done Ltd")
    )
    client = login(adviser)

    def names(query):
        body = client.get(INBOX + query).content.decode()
        return {n for n in ("Late Ltd", "Boro Ltd", "Done Ltd") if n in body}

    assert names("") == {"Late Ltd", "Boro Ltd"}  # open by default
    assert names("?status=") == {"Late Ltd", "Boro Ltd", "Done Ltd"}
    assert names("?status=closed") == {"Done Ltd"}
    assert names("?status=&enquiry_type=mentoring") == {"Late Ltd"}
    assert names(f"?status=&area={middlesbrough.pk}") == {"Boro Ltd"}
    assert names("?overdue=on") == {"Late Ltd"}
    assert "Overdue" in client.get(reverse("enquiries:item", args=[overdue.pk])).content.decode()


def test_accept_record_contact_and_close(login, adviser, mine):
    client = login(adviser)
    client.post(reverse("enquiries:accept", args=[mine.pk]))
    response = client.post(
        reverse("enquiries:contact", args=[mine.pk]),
        {"contact_kind": "phone", "summary": "Spoke to Priya about two roles",
         **_date("happened_on", timezone.localdate())},
    )
    assert response.status_code == 302
    client.post(reverse("enquiries:close", args=[mine.pk]), {"outcome": "opportunity", "notes": "Posted"})

    mine.refresh_from_db()
    assert mine.status == ItemStatus.CLOSED
    assert mine.outcome == "opportunity"
    assert mine.first_response_at is not None
    page = client.get(reverse("enquiries:item", args=[mine.pk])).content.decode()
    assert "Spoke to Priya about two roles" in page
    assert "Opportunity registered" in page
    assert [e.kind for e in mine.events.order_by("happened_at", "id")][-2:] == [EventKind.CONTACT, EventKind.CLOSED]


def test_bad_contact_input_shows_errors_and_saves_nothing(login, adviser, mine):
    client = login(adviser)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("enquiries:contact", args=[mine.pk]), {"summary": "", **_date("happened_on", tomorrow)}
    )
    body = response.content.decode()
    assert "Select how you contacted the employer" in body
    assert "Enter what was discussed" in body
    assert "The date of contact must be today or in the past" in body
    mine.refresh_from_db()
    assert mine.status == ItemStatus.NEW and mine.events.filter(kind=EventKind.CONTACT).count() == 0


def test_reassign_moves_it_out_of_my_inbox_and_keeps_the_history(login, adviser, mine):
    college = PartnerFactory(name="Stockton Riverside College")
    college_staff = UserFactory(role=Role.PARTNER_STAFF, partner=college)
    client = login(adviser)

    missing_reason = client.post(reverse("enquiries:reassign", args=[mine.pk]), {"to_partner": college.pk})
    assert "Give a reason for passing this enquiry on" in missing_reason.content.decode()

    response = client.post(
        reverse("enquiries:reassign", args=[mine.pk]), {"to_partner": college.pk, "reason": "Training need"}
    )
    assert response.url == INBOX
    assert client.get(reverse("enquiries:item", args=[mine.pk])).status_code == 404

    page = login(college_staff).get(reverse("enquiries:item", args=[mine.pk])).content.decode()
    assert "Reassigned" in page and "Training need" in page and "Stockton Jobcentre Plus" in page


def test_coordinators_see_their_programmes_and_responsiveness(login, partner):
    programme, other_programme = ProgrammeFactory(), ProgrammeFactory()
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    EnquiryItemFactory(partner=partner, programme=programme, enquiry=EnquiryFactory(organisation_name="In Ltd"))
    EnquiryItemFactory(programme=other_programme, enquiry=EnquiryFactory(organisation_name="Out Ltd"))
    for hours in (2, 4, 200):
        item = responded_item(partner, hours=hours)
        EnquiryItem.objects.filter(pk=item.pk).update(programme=programme)
    client = login(coordinator)

    body = client.get(INBOX).content.decode()
    assert "In Ltd" in body and "Out Ltd" not in body

    report = client.get(reverse("enquiries:responsiveness")).content.decode()
    assert "Stockton Jobcentre Plus" in report
    assert "4.0 hours" in report  # median of 2, 4 and 200
    assert "67% of 3" in report  # 200 hours is past any 2-working-day deadline


def test_partner_staff_cannot_see_responsiveness(login, adviser):
    assert login(adviser).get(reverse("enquiries:responsiveness")).status_code == 403


def _date(name: str, day: datetime.date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_the_inbox_query_count_does_not_grow_with_the_list(login, adviser, partner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(adviser)
    EnquiryItemFactory.create_batch(2, partner=partner)
    client.get(INBOX)  # warm up (session, site settings)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    EnquiryItemFactory.create_batch(8, partner=partner)
    with CaptureQueriesContext(connection) as many:
        body = client.get(INBOX).content.decode()
    assert "10 enquiries" in body
    assert len(many) == len(few)
