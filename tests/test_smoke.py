import pytest

from portal.accounts.roles import Role
from tests.factories.reference import UserFactory


@pytest.mark.django_db
def test_healthz_reports_every_component(client):
    client.force_login(UserFactory(role=Role.COORDINATOR))  # the per-check detail is for staff
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "celery_broker", "search"}
