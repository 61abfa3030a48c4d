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
