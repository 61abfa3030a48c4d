import pytest

from portal.core import health

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_every_check_passes(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "celery_broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["detail"] in ("sqlite", "postgresql")
    assert response["Cache-Control"].startswith("max-age=0")  # never cached by a proxy


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    class UnreachableDatabase:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", UnreachableDatabase())
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_is_503_when_the_cache_fails(client, monkeypatch):
    monkeypatch.setattr(health, "check_cache", lambda: (False, "ConnectionError"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "detail": "ConnectionError"}


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code in (200, 503)  # never a redirect to sign in
