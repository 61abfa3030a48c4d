"""E1: an employer with no account sends an enquiry; it is routed to a partner, who sees it in
their inbox and records contact. Every page of the journey is checked with axe-core."""

import pytest
from django.core import mail
from django.core.cache import cache

from brokerage.enquiries.models import Enquiry, EnquiryItem, ItemStatus
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.enquiries import RoutingRuleFactory
from tests.factories.reference import AreaFactory, PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_employer_enquires_and_the_routed_partner_records_contact(page, browser_login, live_server):
    cache.clear()
    stockton = AreaFactory(name="Stockton-on-Tees", outcodes=["TS18"])
    programme = ProgrammeFactory(name="Routes to Work", areas=[stockton])
    jcp = PartnerFactory(name="Stockton Jobcentre Plus", slug="stockton-jcp")
    other = PartnerFactory(name="Billingham Jobcentre Plus")
    RoutingRuleFactory(area=stockton, enquiry_type="vacancy", partner=jcp, programme=programme)
    adviser = UserFactory(role=Role.PARTNER_STAFF, partner=jcp, email="adviser@jcp.example.org")
    UserFactory(role=Role.PARTNER_STAFF, partner=other, email="someone@billingham.example.org")

    # The employer, signed out, follows a link from an offer page.
    page.goto(f"{live_server.url}/employers/enquire/?from=vacancies&utm_source=newsletter")
    assert_accessible(page, context="enquiry start page")
    page.get_by_role("button", name="Start now").click()

    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="what you want, with an error")
    page.get_by_label("Fill a vacancy").check()
    page.get_by_role("button", name="Continue").click()

    assert_accessible(page, context="organisation question")
    page.get_by_label("Organisation name").fill("Tees Components Ltd")
    page.get_by_label("Postcode").fill("ZZ99 9ZZ")
    page.get_by_label("10 to 49 employees").check()
    page.get_by_label("Sector").select_option("manufacturing")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("We do not recognise the postcode ZZ99 9ZZ").first.is_visible()
    assert_accessible(page, context="organisation question, unknown postcode")
    page.get_by_label("Postcode").fill("TS18 2NT")
    page.get_by_role("button", name="Continue").click()

    assert_accessible(page, context="contact question")
    page.get_by_label("Your name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya@teescomponents.co.uk")
    page.get_by_label("Telephone number (optional)").fill("01642 555000")
    page.get_by_label("Email", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    assert_accessible(page, context="details question")
    page.get_by_label("Tell us more (optional)").fill("Two CNC machine operators on days.")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Check your answers before sending your enquiry").is_visible()
    assert_accessible(page, context="check answers")
    assert not Enquiry.objects.exists()
    page.get_by_role("button", name="Send enquiry").click()

    enquiry = Enquiry.objects.get()
    assert page.get_by_role("heading", name="Enquiry sent").is_visible()
    assert page.get_by_text(enquiry.reference).is_visible()
    assert_accessible(page, context="confirmation")
    assert enquiry.entry_page == "vacancies" and enquiry.utm == {"utm_source": "newsletter"}
    assert any(m.to == ["priya@teescomponents.co.uk"] and enquiry.reference in m.body for m in mail.outbox)

    # The routed partner sees it in their inbox and records contact.
    page.context.clear_cookies()
    browser_login(adviser)
    page.goto(f"{live_server.url}/partner/enquiries/")
    assert_accessible(page, context="partner inbox")
    page.get_by_role("link", name=enquiry.reference).click()
    assert page.get_by_role("heading", name="Tees Components Ltd").is_visible()
    assert_accessible(page, context="enquiry page")
    page.get_by_role("button", name="Accept enquiry").click()
    assert page.get_by_text(f"You have accepted enquiry {enquiry.reference}").is_visible()
    assert_accessible(page, context="enquiry page, accepted")

    page.get_by_role("link", name="Record contact").click()
    page.get_by_role("button", name="Save contact").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="record contact, with errors")
    page.get_by_label("Phone call").check()
    page.get_by_label("What was discussed").fill("Agreed to advertise both roles next week.")
    page.get_by_role("button", name="Save contact").click()
    assert page.get_by_text(f"Contact recorded for enquiry {enquiry.reference}").is_visible()
    assert page.get_by_text("Agreed to advertise both roles next week.").is_visible()
    assert_accessible(page, context="enquiry page, contacted")

    item = EnquiryItem.objects.get()
    assert item.status == ItemStatus.CONTACTED and item.first_response_at is not None

    # Another partner's staff cannot see it.
    page.context.clear_cookies()
    browser_login(UserFactory._meta.model.objects.get(email="someone@billingham.example.org"))
    page.goto(f"{live_server.url}/partner/enquiries/")
    assert page.get_by_role("heading", name="No enquiries match").is_visible()
    assert_accessible(page, context="another partner's empty inbox")
