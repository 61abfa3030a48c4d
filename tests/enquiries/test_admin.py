"""Coordinators edit routing rules in the Wagtail admin; partner staff cannot."""

import pytest

from brokerage.enquiries.models import RoutingRule
from portal.accounts.roles import Role, sync_role_groups
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

RULES_URL = "/admin/snippets/enquiries/routingrule/"


@pytest.fixture(autouse=True)
def _role_permissions():
    sync_role_groups()


def test_a_coordinator_adds_a_routing_rule(login, stockton, programme):
    partner = PartnerFactory(name="Stockton Jobcentre Plus")
    client = login(UserFactory(role=Role.COORDINATOR))

    assert client.get(RULES_URL).status_code == 200
    response = client.post(
        RULES_URL + "add/",
        {"name": "Stockton vacancies", "area": stockton.pk, "enquiry_type": "vacancy",
         "programme": programme.pk, "partner": partner.pk, "response_working_days": "", "active": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get()
    assert (rule.area, rule.enquiry_type, rule.partner) == (stockton, "vacancy", partner)
    assert "Stockton vacancies" in client.get(RULES_URL).content.decode()


def test_partner_staff_cannot_edit_routing(login):
    client = login(UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory()))
    assert client.get(RULES_URL).status_code in (302, 403)


def test_a_coordinator_of_one_programme_edits_only_its_rules(login, stockton, programme):
    from tests.factories.enquiries import RoutingRuleFactory
    from tests.factories.reference import ProgrammeFactory

    other = ProgrammeFactory(name="Other programme")
    partner = PartnerFactory(name="Stockton Jobcentre Plus")
    mine = RoutingRuleFactory(name="Ours", programme=programme, partner=partner)
    theirs = RoutingRuleFactory(name="Theirs", programme=other, partner=partner)
    anyone = RoutingRuleFactory(name="Any programme", programme=None, partner=partner)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    client = login(coordinator)

    listing = client.get(RULES_URL).content.decode()
    assert "Ours" in listing and "Theirs" not in listing and "Any programme" not in listing
    assert client.get(f"{RULES_URL}edit/{mine.pk}/").status_code == 200
    for rule in (theirs, anyone):
        assert client.get(f"{RULES_URL}edit/{rule.pk}/").status_code == 404
        assert client.post(f"{RULES_URL}edit/{rule.pk}/", {"name": "Taken over", "partner": partner.pk,
                                                           "programme": programme.pk}).status_code == 404
        assert client.post(f"{RULES_URL}delete/{rule.pk}/").status_code == 404
        client.post(f"/admin/bulk/enquiries/routingrule/delete/?id={rule.pk}")  # the listing's bulk delete
    assert RoutingRule.objects.filter(name="Taken over").count() == 0 and RoutingRule.objects.count() == 3

    form = {"name": "New rule", "area": stockton.pk, "enquiry_type": "vacancy", "partner": partner.pk,
            "response_working_days": "", "active": "on"}
    for programme_given in ("", other.pk):
        response = client.post(RULES_URL + "add/", {**form, "programme": programme_given})
        assert response.status_code == 200, "the form is shown again with the error"
        assert not RoutingRule.objects.filter(name="New rule").exists()
    assert "Choose the programme" in client.post(
        RULES_URL + "add/", {**form, "programme": ""}).content.decode()
    assert client.post(RULES_URL + "add/", {**form, "programme": programme.pk}).status_code == 302
    assert RoutingRule.objects.get(name="New rule").programme == programme


def test_a_coordinator_of_every_programme_sees_every_rule(login, programme):
    from tests.factories.enquiries import RoutingRuleFactory

    partner = PartnerFactory()
    RoutingRuleFactory(name="Any programme", programme=None, partner=partner)
    RoutingRuleFactory(name="Ours", programme=programme, partner=partner)
    listing = login(UserFactory(role=Role.COORDINATOR)).get(RULES_URL).content.decode()
    assert "Any programme" in listing and "Ours" in listing
