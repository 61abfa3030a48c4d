"""A token reaches its own partner's records only, on every endpoint; read-only tokens change
nothing; revoked and expired tokens, and tokens whose person has left, open nothing."""

import datetime

import pytest
from django.utils import timezone

from brokerage.api.models import ApiToken
from brokerage.api.services import api_token_revoke
from brokerage.audit.models import AuditEvent
from brokerage.enquiries.models import EnquiryItem
from brokerage.opportunities.models import Opportunity
from tests.api.conftest import bearer

NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def reads(side):
    """Every read endpoint, for the records of ``side``."""
    return [
        f"/api/v1/opportunities/{side.opportunity.pk}",
        f"/api/v1/enquiries/{side.item.pk}",
        f"/api/v1/participants/{side.participant.reference}",
    ]


LISTS = {
    "/api/v1/employers": lambda side: side.employer.pk,
    "/api/v1/opportunities": lambda side: side.opportunity.pk,
    "/api/v1/enquiries": lambda side: side.item.pk,
    "/api/v1/participants": lambda side: side.participant.reference,
    "/api/v1/outcomes": lambda side: side.outcome.pk,
}


def writes(side):
    """Every write endpoint, for the records of ``side``: (path, method, body)."""
    return [
        ("/api/v1/opportunities", "post",
         {"employer_id": side.employer.pk, "opportunity_type": "vacancy", "title": "Driver"}),
        (f"/api/v1/opportunities/{side.opportunity.pk}", "patch", {"title": "Changed"}),
        (f"/api/v1/opportunities/{side.opportunity.pk}/submit", "post", None),
        (f"/api/v1/enquiries/{side.item.pk}/accept", "post", None),
        (f"/api/v1/enquiries/{side.item.pk}/contacts", "post",
         {"contact_kind": "phone", "happened_at": timezone.now().isoformat(), "summary": "Rang"}),
        (f"/api/v1/enquiries/{side.item.pk}/close", "post", {"outcome": "advice", "notes": ""}),
    ]


def send(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=body, content_type="application/json")


def test_lists_hold_only_the_tokens_partner(world):
    for path, key in LISTS.items():
        response = world.a.client.get(path)
        assert response.status_code == 200, path
        ids = [row.get("id", row.get("reference")) for row in response.json()["results"]]
        assert key(world.a) in ids, path
        assert key(world.b) not in ids, path


@pytest.mark.parametrize("index", range(3))
def test_another_partners_record_is_not_found(world, index):
    own, other = reads(world.a)[index], reads(world.b)[index]
    assert world.a.client.get(own).status_code == 200
    response = world.a.client.get(other)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found", "fields": {}}}


@pytest.mark.parametrize("index", range(6))
def test_another_partners_record_cannot_be_changed(world, index):
    path, method, body = writes(world.b)[index]
    before = (
        list(Opportunity.objects.values_list("id", "title", "status")),
        list(EnquiryItem.objects.values_list("id", "status")),
        AuditEvent.objects.count(),
    )
    response = send(world.a.client, method, path, body)
    if index == 0:  # creating for another partner's employer: that employer is not offered
        assert response.status_code == 422
        assert "employer_id" in response.json()["error"]["fields"]
    else:
        assert response.status_code == 404
    assert before == (
        list(Opportunity.objects.values_list("id", "title", "status")),
        list(EnquiryItem.objects.values_list("id", "status")),
        AuditEvent.objects.count(),
    )


def test_outcome_summary_counts_only_the_tokens_partner(world):
    response = world.a.client.get(f"/api/v1/outcomes/summary?programme={world.programme.slug}")
    starts = next(m for m in response.json()["measures"] if m["measure"] == "starts")
    assert starts["people"] == 1  # the other partner's start is not counted


@pytest.mark.parametrize("index", range(6))
def test_read_only_token_cannot_write(world, index):
    path, method, body = writes(world.a)[index]
    count = AuditEvent.objects.count()
    response = send(world.a.read_client, method, path, body)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert AuditEvent.objects.count() == count


def _every_request(side):
    yield from (("get", path, None) for path in [*reads(side), *LISTS])
    yield from ((method, path, body) for path, method, body in writes(side))


def test_revoked_token_opens_nothing(world):
    token = ApiToken.objects.get(prefix=world.a.rw.split("_")[1])
    api_token_revoke(actor=world.a.admin, token=token)
    for method, path, body in _every_request(world.a):
        response = send(world.a.client, method, path, body)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def test_expired_token_opens_nothing(world):
    ApiToken.objects.filter(prefix=world.a.rw.split("_")[1]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for method, path, body in _every_request(world.a):
        assert send(world.a.client, method, path, body).status_code == 401, path


def test_token_stops_when_its_person_leaves_the_partner(world):
    world.a.admin.partner = world.b.partner
    world.a.admin.save()
    assert world.a.client.get("/api/v1/opportunities").status_code == 401
    world.a.admin.partner = world.a.partner
    world.a.admin.is_active = False
    world.a.admin.save()
    assert world.a.client.get("/api/v1/opportunities").status_code == 401


@pytest.mark.parametrize("header", [
    None, "Bearer", "Bearer nonsense", "Token abc", "Bearer obp_00000000_guess",
])
def test_missing_or_unknown_token(world, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/opportunities", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_tampered_token_with_a_real_prefix_is_refused(world):
    raw = world.a.rw
    assert bearer(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB")).get(
        "/api/v1/opportunities").status_code == 401
