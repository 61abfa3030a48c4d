import pytest


@pytest.mark.django_db
def test_healthz_reports_every_component(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "celery_broker", "search"}
