"""/healthz: the overall status for anyone; each check's detail only for staff or a monitor with
the token (HEALTHZ_TOKEN), so the public is not told which backends the portal runs on."""

import pytest
from django.test import Client

from portal.accounts.roles import Role
from portal.core import health
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "healthz-token-for-tests-0123456789abcdef"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


@pytest.fixture(params=["staff", "token"])
def entitled(request, client):
    """A client that may read the details: signed-in staff, or a monitor sending the token."""
    if request.param == "staff":
        client.force_login(UserFactory(role=Role.KEY_WORKER))
        return client
    return Client(headers={"Authorization": f"Bearer {TOKEN}"})


def test_healthz_is_200_when_every_check_passes(entitled):
    response = entitled.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "celery_broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["database"]["detail"] in ("sqlite", "postgresql")
    assert response["Cache-Control"].startswith("max-age=0")  # never cached by a proxy


def test_healthz_is_503_when_the_database_is_down(entitled, monkeypatch):
    from django.db import OperationalError

    class UnreachableDatabase:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", UnreachableDatabase())
    response = entitled.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_is_503_when_the_cache_fails(entitled, monkeypatch):
    monkeypatch.setattr(health, "check_cache", lambda: (False, "ConnectionError"))
    response = entitled.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "detail": "ConnectionError"}


def test_the_public_gets_only_the_status(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # no backend names, versions or queue sizes
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_public_gets_only_the_status_when_unhealthy(client, monkeypatch):
    monkeypatch.setattr(health, "check_cache", lambda: (False, "ConnectionError"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {TOKEN[:-1]}",  # nearly
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",  # not a bearer token
        TOKEN,
        "Bearer ",
        "Bearer",
    ],
)
def test_a_wrong_token_gets_only_the_status(authorization):
    response = Client(headers={"Authorization": authorization}).get("/healthz")
    assert response.json() == {"status": "ok"}


def test_no_token_is_accepted_when_none_is_configured(settings):
    settings.HEALTHZ_TOKEN = ""
    for authorization in ("Bearer ", "Bearer", "Bearer None"):
        assert Client(headers={"Authorization": authorization}).get("/healthz").json() == {"status": "ok"}


def test_signed_in_users_who_are_not_staff_get_only_the_status(client):
    client.force_login(UserFactory(role=Role.EMPLOYER))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_token_is_compared_in_constant_time(monkeypatch):
    import hmac

    compared = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b))
    Client(headers={"Authorization": "Bearer guess"}).get("/healthz")
    assert compared == [(b"guess", TOKEN.encode())]


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code in (200, 503)  # never a redirect to sign in
