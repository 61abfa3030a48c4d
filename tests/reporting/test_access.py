"""Who may see reports: coordinators and finance officers, for their programmes only."""

import pytest

from portal.accounts.roles import Role
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.EMPLOYER, Role.PARTNER_STAFF, Role.EDITOR])
def test_other_roles_are_refused(role, programme, login):
    client = login(UserFactory(role=role))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/test-programme/outcomes/").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, programme):
    response = client.get("/reports/test-programme/outcomes/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_coordinator_sees_only_their_programmes(programme, coordinator, login):
    other = ProgrammeFactory(
        name="Someone Else's", slug="someone-elses", areas=[AreaFactory(name="Elsewhere")]
    )
    client = login(coordinator)
    index = client.get("/reports/").content.decode()
    assert "Test Programme" in index
    assert "Someone Else" not in index
    assert client.get(f"/reports/{other.slug}/outcomes/").status_code == 404
    assert client.get(f"/reports/{other.slug}/outcomes/export/outcomes.csv").status_code == 404


def test_coordinator_with_no_programme_sees_an_empty_state(db, login):
    client = login(UserFactory(role=Role.COORDINATOR))
    page = client.get("/reports/").content.decode()
    assert "You are not assigned to a programme" in page


def test_area_coordinator_sees_only_their_area(records, coordinator, north, south, login):
    coordinator.areas.add(south)
    client = login(coordinator)
    page = client.get("/reports/test-programme/outcomes/").content.decode()
    assert "Southville" in page
    assert "Northtown" not in page
    assert client.get(f"/reports/test-programme/outcomes/?area={north.pk}").status_code == 200
    refused = client.get(f"/reports/test-programme/outcomes/?area={north.pk}").content.decode()
    assert "Select a valid choice" in refused


def test_finance_officer_sees_their_programme(records, finance, login):
    response = login(finance).get("/reports/test-programme/money/")
    assert response.status_code == 200
    assert "Cost per start and per sustained job" in response.content.decode()
