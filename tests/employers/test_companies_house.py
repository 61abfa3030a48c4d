"""Companies House through the local stand-in: the typed client, storing what it says on the
employer record, and the organisation form's warning when the answers differ."""

import pytest

from brokerage.audit.models import AuditEvent
from brokerage.employers import companies_house, services
from brokerage.employers.companies_house_standin import CompaniesHouseStandIn, serve
from brokerage.employers.forms import OrganisationForm, PartnerEmployerForm
from brokerage.employers.models import Employer
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.reference import PartnerFactory, UserFactory


@pytest.fixture(scope="module")
def _server():
    server = serve()
    yield server
    server.stop()


@pytest.fixture
def standin(_server, settings) -> CompaniesHouseStandIn:
    settings.COMPANIES_HOUSE_API_URL = _server.url
    settings.COMPANIES_HOUSE_API_KEY = "test-key"
    fresh = CompaniesHouseStandIn()
    _server.standin.companies = fresh.companies
    _server.standin.requests.clear()
    return _server.standin


def test_client_reads_a_company_profile(standin):
    company = companies_house.company_get("08412736")
    assert (company.name, company.status, company.trading) == (
        "TEES COMPONENTS LTD", "active", True)
    assert company.address.postal_code == "TS18 2NT"
    assert company.address.one_line() == "Unit 4 Portrack Lane, Stockton-on-Tees, TS18 2NT, England"
    assert companies_house.company_get("99999999") is None


def test_client_searches_by_name_and_sends_the_key(standin):
    [company] = companies_house.company_search("stockton bakery")
    assert (company.number, company.status, company.trading) == ("05432198", "dissolved", False)
    assert companies_house.company_get("06123987").status_label == "in liquidation"
    assert standin.requests[0] == ("/search/companies", "q=stockton+bakery&items_per_page=5")


def test_a_wrong_key_or_no_service_is_reported_not_crashed(standin, settings):
    settings.COMPANIES_HOUSE_API_KEY = ""
    with pytest.raises(companies_house.CompaniesHouseUnavailable):
        companies_house.company_get("08412736")
    settings.COMPANIES_HOUSE_API_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(companies_house.CompaniesHouseUnavailable):
        companies_house.company_get("08412736")


def test_switched_off_without_an_address(settings):
    settings.COMPANIES_HOUSE_API_URL = ""
    settings.COMPANIES_HOUSE_STANDIN = False
    assert not companies_house.configured()


@pytest.mark.django_db
def test_check_stores_status_and_registered_office_and_warns_on_a_mismatch(standin):
    employer = EmployerFactory(name="Tees Components", companies_house_number="08412736",
                               postcode="TS17 6BL")
    services.employer_companies_house_check(employer=employer)
    employer.refresh_from_db()
    assert employer.companies_house_status == "active"
    assert employer.registered_postcode == "TS18 2NT"
    assert "Portrack Lane" in employer.registered_address
    assert employer.companies_house_warning == "The registered office postcode is TS18 2NT"
    assert AuditEvent.objects.filter(action="employer.companies_house_checked",
                                     object_id=str(employer.pk)).exists()


@pytest.mark.django_db
def test_check_by_name_fills_the_number_when_exactly_one_company_has_it(standin):
    employer = EmployerFactory(name="Redcar Steel Fabrications Ltd", companies_house_number="",
                               postcode="TS10 5QW")
    services.employer_companies_house_check(employer=employer)
    employer.refresh_from_db()
    assert (employer.companies_house_number, employer.companies_house_status) == (
        "06123987", "liquidation")
    assert employer.companies_house_warning == "The company is in liquidation"


@pytest.mark.django_db
def test_registering_an_organisation_looks_it_up_once_saved(
    standin, django_capture_on_commit_callbacks
):
    user = UserFactory(role=Role.EMPLOYER, email="owner@stocktonbakery.co.uk")
    with django_capture_on_commit_callbacks(execute=True):
        employer = services.employer_register(
            actor=user, name="Stockton Bakery Ltd", postcode="TS18 1QN",
            companies_house_number="05432198",
        )
    employer.refresh_from_db()
    assert employer.companies_house_status == "dissolved"
    assert employer.companies_house_checked_at is not None


@pytest.mark.django_db
def test_a_partner_adding_an_employer_looks_it_up_too(standin, django_capture_on_commit_callbacks):
    actor = UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory())
    with django_capture_on_commit_callbacks(execute=True):
        result = services.partner_employer_add(
            actor=actor, name="Thornaby Freight Services", postcode="TS17 6BL",
            companies_house_number="09887123",
        )
    result.employer.refresh_from_db()
    assert result.employer.companies_house_status == "active"
    assert result.employer.companies_house_warning == ""


ORGANISATION = {"name": "Tees Components Ltd", "companies_house_number": "08412736",
                "postcode": "TS18 2NT", "sector": "manufacturing", "size_band": "medium"}


@pytest.mark.django_db
def test_form_accepts_matching_answers(standin):
    form = OrganisationForm(ORGANISATION)
    assert form.is_valid(), form.errors
    assert "companies_house_confirmed" not in form.cleaned_data  # the services never see it


@pytest.mark.django_db
def test_form_warns_on_a_mismatch_until_the_person_confirms(standin):
    form = OrganisationForm({**ORGANISATION, "name": "Tees Widgets", "postcode": "TS17 6BL"})
    assert not form.is_valid()
    [message] = form.non_field_errors()
    assert message == (
        "Companies House has a different record for 08412736: the name there is TEES COMPONENTS "
        "LTD; the registered office postcode is TS18 2NT. Check your answers, or confirm they "
        "are right")
    assert 'type="checkbox"' in str(form["companies_house_confirmed"])
    confirmed = OrganisationForm({**ORGANISATION, "name": "Tees Widgets",
                                  "postcode": "TS17 6BL", "companies_house_confirmed": "on"})
    assert confirmed.is_valid(), confirmed.errors
    assert not Employer.objects.exists()  # the form saves nothing itself


@pytest.mark.django_db
def test_form_warns_about_a_dissolved_company_and_an_unknown_number(standin):
    form = OrganisationForm({**ORGANISATION, "name": "Stockton Bakery Ltd",
                             "companies_house_number": "05432198", "postcode": "TS18 1QN"})
    assert not form.is_valid()
    assert "the company is dissolved" in form.non_field_errors()[0]
    form = OrganisationForm({**ORGANISATION, "companies_house_number": "01010101"})
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Companies House has no company numbered 01010101. Check the number, or leave it blank"]


@pytest.mark.django_db
def test_form_finds_the_number_from_the_name(standin):
    form = PartnerEmployerForm({**ORGANISATION, "companies_house_number": "",
                                "requires_employer_signoff": "yes"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["companies_house_number"] == "08412736"


@pytest.mark.django_db
def test_form_carries_on_when_companies_house_is_down(standin, settings):
    settings.COMPANIES_HOUSE_API_URL = "http://127.0.0.1:9"
    assert OrganisationForm({**ORGANISATION, "name": "Anything"}).is_valid()


@pytest.mark.django_db
def test_the_nightly_refresh_picks_up_a_company_dissolved_since(standin):
    import datetime

    from django.utils import timezone

    from brokerage.employers.tasks import employers_companies_house_refresh_task
    from portal.core.beat import collect_beat_schedule

    employer = EmployerFactory(name="Tees Components Ltd", companies_house_number="08412736",
                               postcode="TS18 2NT")
    fresh = EmployerFactory(name="Thornaby Freight Services Ltd",
                            companies_house_number="09887123", postcode="TS17 6BL",
                            companies_house_checked_at=timezone.now(),
                            companies_house_status="active")
    Employer.objects.filter(pk=employer.pk).update(
        companies_house_checked_at=timezone.now() - datetime.timedelta(days=8),
        companies_house_status="active")
    standin.companies["08412736"]["company_status"] = "dissolved"
    standin.companies["09887123"]["company_status"] = "dissolved"
    assert employers_companies_house_refresh_task() == 1
    employer.refresh_from_db()
    fresh.refresh_from_db()
    assert employer.companies_house_status == "dissolved"
    assert fresh.companies_house_status == "active"  # checked today: asked again next week
    assert "employers-companies-house-refresh" in collect_beat_schedule()
