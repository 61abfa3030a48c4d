"""The public enquiry: question pages, check answers, confirmation, bad input, rate limit."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from brokerage.employers.models import Employer
from brokerage.enquiries.models import Enquiry, EnquiryItem
from tests.factories.enquiries import RoutingRuleFactory
from tests.factories.reference import PartnerFactory

pytestmark = pytest.mark.django_db

STEP = lambda slug: reverse("enquiries:step", args=[slug])  # noqa: E731

ORGANISATION = {
    "organisation_name": "Tees Components Ltd",
    "postcode": "ts18 1aa",
    "size_band": "small",
    "sector": "manufacturing",
}
CONTACT = {
    "contact_name": "Priya Shah",
    "email": "priya@teescomponents.co.uk",
    "phone": "01642 555000",
    "preferred_contact": "email",
}


@pytest.fixture
def jcp(stockton, programme):
    partner = PartnerFactory(name="Stockton Jobcentre Plus", slug="stockton-jcp")
    RoutingRuleFactory(area=stockton, partner=partner, programme=programme)
    return partner


def fill_in(client, *, types=("vacancy",), organisation=None, contact=None, message="Two roles"):
    assert client.post(STEP("what"), {"types": list(types)}).status_code == 302
    assert client.post(STEP("organisation"), organisation or ORGANISATION).status_code == 302
    assert client.post(STEP("contact"), contact or CONTACT).status_code == 302
    assert client.post(STEP("details"), {"message": message}).status_code == 302


def test_the_whole_enquiry_without_an_account(client, jcp, django_capture_on_commit_callbacks):
    start = client.get(
        reverse("enquiries:start") + "?from=apprenticeships&partner=stockton-jcp&campaign=spring"
        "&utm_source=newsletter&utm_medium=email",
        HTTP_REFERER="https://www.stockton.gov.uk/business",
    )
    assert start.status_code == 200
    assert "Start now" in start.content.decode()

    fill_in(client, types=("vacancy", "work_experience"))
    check = client.get(reverse("enquiries:check"))
    body = check.content.decode()
    assert "Check your answers" in body
    for text in ("Fill a vacancy", "Offer work experience", "TS18 1AA", "Tees Components Ltd", "priya@"):
        assert text in body
    assert f'href="{STEP("contact")}?change=1"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enquiries:check"))
    assert response.status_code == 302 and response.url == reverse("enquiries:sent")

    enquiry = Enquiry.objects.get()
    sent = client.get(reverse("enquiries:sent")).content.decode()
    assert "Enquiry sent" in sent and enquiry.reference in sent
    assert enquiry.entry_page == "apprenticeships"
    assert enquiry.source_partner == jcp
    assert enquiry.campaign == "spring"
    assert enquiry.utm == {"utm_source": "newsletter", "utm_medium": "email"}
    assert enquiry.entry_referrer == "https://www.stockton.gov.uk/business"
    assert enquiry.types == ["vacancy", "work_experience"]
    assert EnquiryItem.objects.get().partner == jcp
    assert any(enquiry.reference in m.subject and m.to == [CONTACT["email"]] for m in mail.outbox)
    # The answers are gone: sending again starts a new enquiry.
    assert client.post(reverse("enquiries:check")).url == STEP("what")
    assert Enquiry.objects.count() == 1


def test_change_link_returns_to_check_answers(client, jcp):
    fill_in(client)
    response = client.post(STEP("contact") + "?change=1", {**CONTACT, "contact_name": "Sam Lee"})
    assert response.url == reverse("enquiries:check")
    assert "Sam Lee" in client.get(reverse("enquiries:check")).content.decode()


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(client):
    assert client.get(STEP("contact")).url == STEP("what")
    assert client.get(reverse("enquiries:check")).url == STEP("what")


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("what", {}, "Select what you would like to do"),
        ("organisation", {**ORGANISATION, "postcode": "ZZ99 9ZZ"}, "We do not recognise the postcode ZZ99 9ZZ"),
        ("organisation", {**ORGANISATION, "postcode": "not a postcode"}, "Enter a real postcode, like TS1 3BX"),
        ("organisation", {**ORGANISATION, "organisation_name": "  "}, "Enter the name of your organisation"),
        ("contact", {**CONTACT, "email": "priya@"}, "Enter an email address in the correct format"),
        ("contact", {**CONTACT, "phone": "", "preferred_contact": "phone"}, "Enter a telephone number so"),
        ("contact", {**CONTACT, "phone": "call me"}, "Enter a telephone number, like"),
    ],
)
def test_bad_answers_get_a_clear_message_and_nothing_is_saved(client, jcp, step, data, message):
    if step != "what":
        client.post(STEP("what"), {"types": ["vacancy"]})
    if step == "contact":
        client.post(STEP("organisation"), ORGANISATION)

    response = client.post(STEP(step), data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert "govuk-error-message" in body
    assert Enquiry.objects.count() == 0
    assert Employer.objects.count() == 0


def test_an_unknown_postcode_cannot_be_sent(client, jcp):
    fill_in(client)
    session = client.session
    session["enquiry_draft"]["answers"]["organisation"]["postcode"] = "ZZ99 9ZZ"
    session.save()

    response = client.post(reverse("enquiries:check"))

    assert response.url == STEP("organisation")
    assert Enquiry.objects.count() == 0


def test_sending_is_rate_limited_per_connection(client, jcp, settings):
    from brokerage.enquiries import views

    limit = views.SUBMIT_LIMIT[0]
    for _ in range(limit):
        fill_in(client)
        assert client.post(reverse("enquiries:check")).status_code == 302
    fill_in(client)

    response = client.post(reverse("enquiries:check"))

    assert response.status_code == 429
    assert "You have sent too many enquiries" in response.content.decode()
    assert Enquiry.objects.count() == limit
    # Another connection is not affected.
    other = Client(REMOTE_ADDR="203.0.113.9")
    fill_in(other)
    assert other.post(reverse("enquiries:check")).status_code == 302


def _send(client, **headers):
    """One more enquiry sent from ``client`` with these request headers; the response."""
    fill_in(client)
    return client.post(reverse("enquiries:check"), **headers)


@pytest.mark.parametrize("production", [False, True])
def test_a_spoofed_forwarded_for_does_not_escape_the_limit_with_no_proxy(client, jcp, settings, production):
    """Nothing in front of the portal (TRUSTED_PROXY_COUNT=0): X-Forwarded-For is the client's
    own writing, so a new made-up address on each request is still the same connection."""
    from brokerage.enquiries import views

    settings.PRODUCTION = production
    settings.TRUSTED_PROXY_COUNT = 0
    limit = views.SUBMIT_LIMIT[0]
    for n in range(limit):
        assert _send(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 302

    response = _send(client, HTTP_X_FORWARDED_FOR="198.51.100.250")

    assert response.status_code == 429
    assert Enquiry.objects.count() == limit


@pytest.mark.parametrize("proxies", [1, 2])
def test_behind_trusted_proxies_the_client_is_what_our_proxies_saw(jcp, settings, proxies):
    """N proxies, each appending the address it was connected from: the client is the N-th from
    the right. Whatever the client wrote to the left of that changes nothing, and another
    client behind the same proxies has a limit of its own."""
    from brokerage.enquiries import views

    settings.TRUSTED_PROXY_COUNT = proxies
    nearest_proxy = "10.0.0.2"  # connects to the portal: REMOTE_ADDR
    hops = ["10.0.0.1"][: proxies - 1]  # the outer proxies, as the nearer ones saw them

    def through_proxies(client_ip: str, spoofed: str) -> dict:
        chain = ", ".join([spoofed, client_ip, *hops])
        return {"REMOTE_ADDR": nearest_proxy, "HTTP_X_FORWARDED_FOR": chain}

    attacker, neighbour = Client(), Client()
    limit = views.SUBMIT_LIMIT[0]
    for n in range(limit):
        assert _send(attacker, **through_proxies("203.0.113.7", f"198.51.100.{n}")).status_code == 302
    assert _send(attacker, **through_proxies("203.0.113.7", "198.51.100.250")).status_code == 429
    assert _send(attacker, **through_proxies("203.0.113.7", '"unbalanced, 1.2.3.4')).status_code == 429

    assert _send(neighbour, **through_proxies("203.0.113.8", "")).status_code == 302
    assert Enquiry.objects.count() == limit + 1


def test_the_client_address_from_the_configured_proxies(rf, settings):
    from brokerage.enquiries.ratelimit import client_address

    spoofed = "192.0.2.66, 203.0.113.7, 10.0.0.1"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed)
    for proxies, expected in [(0, "10.0.0.2"), (1, "10.0.0.1"), (2, "203.0.113.7"), (3, "192.0.2.66")]:
        settings.TRUSTED_PROXY_COUNT = proxies
        assert client_address(request) == expected, proxies
    settings.TRUSTED_PROXY_COUNT = 4  # more proxies configured than the request came through
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(rf.get("/", REMOTE_ADDR="203.0.113.9")) == "203.0.113.9"  # not proxied


def test_the_form_needs_a_csrf_token(jcp):
    client = Client(enforce_csrf_checks=True)
    assert client.post(STEP("what"), {"types": ["vacancy"]}).status_code == 403


def test_an_unknown_question_is_not_found(client):
    assert client.get(STEP("nope")).status_code == 404
