"""What a partner's system sees and does through the API: the same rules as the pages, an audit
entry for every write, one error shape, cursor pagination and a rate limit."""

import pytest
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.employers.models import PartnerRelationship
from brokerage.enquiries.models import ItemStatus
from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import AccessLogEntry
from tests.factories.opportunities import OpportunityFactory, in_days

JSON = "application/json"
DRAFT = {
    "opportunity_type": "vacancy", "title": "Forklift driver", "description": "Loading lorries.",
    "sector": "logistics", "postcode": "ts18 1aa", "places": 2, "hours_per_week": 37.5,
    "paid": True, "pay_pence": 1350, "pay_basis": "hour", "start_date": str(in_days(30)),
    "closing_date": str(in_days(20)), "candidate_route": "key_worker",
    "essential_skills": ["Forklift ", "forklift", "Teamwork"],
}


def test_create_update_and_submit_an_opportunity_for_an_employer(world):
    a = world.a
    response = a.client.post("/api/v1/opportunities", {**DRAFT, "employer_id": a.employer.pk},
                             content_type=JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["postcode"], body["employer_id"]) == (
        "draft", "TS18 1AA", a.employer.pk)
    assert body["essential_skills"] == ["forklift", "teamwork"]  # the service's own clean-up
    opportunity = Opportunity.objects.get(pk=body["id"])
    assert opportunity.acting_partner == a.partner and opportunity.created_by == a.admin

    response = a.client.patch(f"/api/v1/opportunities/{opportunity.pk}",
                              {"places": 4, "site_id": a.site.pk}, content_type=JSON)
    assert response.status_code == 200
    assert (response.json()["places"], response.json()["title"]) == (4, "Forklift driver")

    response = a.client.post(f"/api/v1/opportunities/{opportunity.pk}/submit")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == OpportunityStatus.SUBMITTED
    actions = set(AuditEvent.objects.filter(object_id=str(opportunity.pk)).values_list(
        "action", flat=True))
    assert {"opportunity.created", "api.opportunity.created", "opportunity.draft_saved",
            "api.opportunity.updated", "opportunity.submitted",
            "api.opportunity.submitted"} <= actions
    api_event = AuditEvent.objects.get(action="api.opportunity.submitted")
    assert api_event.actor == a.admin and api_event.data["token_prefix"] in a.rw
    assert api_event.acting_for == a.partner.name


def test_a_live_opportunity_cannot_be_changed(world):
    live = OpportunityFactory(employer=world.a.employer, status="live")
    response = world.a.client.patch(f"/api/v1/opportunities/{live.pk}", {"title": "New"},
                                    content_type=JSON)
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "conflict", "message": "You cannot change an opportunity that is live",
        "fields": {}}
    live.refresh_from_db()
    assert live.title != "New"


def test_submit_needs_the_employer_when_the_relationship_says_so(world):
    PartnerRelationship.objects.filter(partner=world.a.partner).update(
        requires_employer_signoff=True)
    response = world.a.client.post(f"/api/v1/opportunities/{world.a.opportunity.pk}/submit")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "The employer must check and submit this opportunity themselves")
    world.a.opportunity.refresh_from_db()
    assert world.a.opportunity.status == OpportunityStatus.DRAFT


@pytest.mark.parametrize("change, field", [
    ({"postcode": "ZZ99 9ZZ"}, "postcode"),
    ({"places": 0}, "places"),
    ({"pay_pence": -5}, "pay_pence"),
    ({"opportunity_type": "spaceship"}, "opportunity_type"),
    ({"title": ""}, "title"),
    ({"strand_id": 999999}, "strand_id"),
    ({"site_id": 999999}, "site_id"),
])
def test_bad_input_is_explained_field_by_field_and_nothing_is_saved(world, change, field):
    count = Opportunity.objects.count()
    response = world.a.client.post(
        "/api/v1/opportunities", {**DRAFT, "employer_id": world.a.employer.pk, **change},
        content_type=JSON)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert Opportunity.objects.count() == count


def test_another_partners_site_is_refused(world):
    response = world.a.client.patch(f"/api/v1/opportunities/{world.a.opportunity.pk}",
                                    {"site_id": world.b.site.pk}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"site_id": ["Not one of this employer's sites"]}


def test_malformed_json_gets_the_error_shape(world):
    response = world.a.client.post("/api/v1/opportunities", "{not json", content_type=JSON)
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_answer_an_enquiry_accept_contact_close(world):
    item, client = world.a.item, world.a.client
    response = client.post(f"/api/v1/enquiries/{item.pk}/accept")
    assert response.status_code == 200 and response.json()["status"] == ItemStatus.ACCEPTED
    again = client.post(f"/api/v1/enquiries/{item.pk}/accept")
    assert again.status_code == 422
    assert "already been accepted" in again.json()["error"]["message"]

    response = client.post(f"/api/v1/enquiries/{item.pk}/contacts", {
        "contact_kind": "phone", "happened_at": timezone.now().isoformat(),
        "summary": "Talked through the vacancy"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["status"] == ItemStatus.CONTACTED
    assert response.json()["first_response_at"] is not None

    response = client.post(f"/api/v1/enquiries/{item.pk}/close",
                           {"outcome": "opportunity", "notes": "Posted it"}, content_type=JSON)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("closed", "opportunity")
    closed = client.post(f"/api/v1/enquiries/{item.pk}/accept")
    assert closed.status_code == 422 and "is closed" in closed.json()["error"]["message"]
    assert set(AuditEvent.objects.filter(object_id=str(item.pk), action__startswith="api.")
               .values_list("action", flat=True)) == {
        "api.enquiry_item.accepted", "api.enquiry_item.contact_recorded",
        "api.enquiry_item.closed"}


def test_a_contact_in_the_future_is_refused(world):
    response = world.a.client.post(f"/api/v1/enquiries/{world.a.item.pk}/contacts", {
        "contact_kind": "email", "happened_at": "2099-01-01T09:00:00Z", "summary": "Later"},
        content_type=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "The date of the contact must be today or in the past"


def test_open_enquiries_filter(world):
    response = world.a.client.get("/api/v1/enquiries?status=closed")
    assert response.json()["results"] == []
    assert len(world.a.client.get("/api/v1/enquiries?status=open").json()["results"]) == 1


def test_reading_a_participant_is_logged_like_the_pages(world):
    participant = world.a.participant
    response = world.a.client.get(f"/api/v1/participants/{participant.reference}")
    assert response.status_code == 200
    assert response.json()["last_name"] == participant.last_name
    entry = AccessLogEntry.objects.get(participant=participant)
    assert (entry.user, entry.page) == (world.a.admin, "Partner API")


def test_outcome_summary_uses_the_reports_definitions(world):
    response = world.a.client.get(f"/api/v1/outcomes/summary?programme={world.programme.slug}")
    assert response.status_code == 200
    body = response.json()
    assert [d["measure"] for d in body["definitions"]][0] == "Starts"
    assert world.a.client.get("/api/v1/outcomes/summary?programme=nope").status_code == 404


def test_cursor_pagination_walks_every_row_once(world):
    for _ in range(4):
        OpportunityFactory(employer=world.a.employer)
    seen, url = [], "/api/v1/opportunities?page_size=2"
    while url:
        body = world.a.client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(Opportunity.objects.filter(employer=world.a.employer)
                    .order_by("-id").values_list("id", flat=True))
    assert seen == expected


@pytest.mark.parametrize("cursor", ["!!!", "cD1hYmM=", "bz0tMQ=="])
def test_a_bad_cursor_is_refused(world, cursor):
    response = world.a.client.get(f"/api/v1/opportunities?cursor={cursor}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_rate_limit_per_token(world, settings):
    settings.PARTNER_API_RATE_LIMIT = "3/m"
    for _ in range(3):
        assert world.a.client.get("/api/v1/employers").status_code == 200
    response = world.a.client.get("/api/v1/employers")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1
    # Another token has its own allowance.
    assert world.b.client.get("/api/v1/employers").status_code == 200


@pytest.mark.parametrize("request_", [
    ("get", "/api/v1/outcomes/summary?programme=tees%00valley", None),
    ("get", "/api/v1/participants/P%00-1", None),
    ("post", "/api/v1/opportunities", '{"title": "Chef\\u0000"}'),
])
def test_a_nul_character_is_a_bad_request_in_the_error_shape(world, request_):
    """PostgreSQL cannot hold a NUL: the request is refused before any query, on both databases."""
    method, path, body = request_
    before = Opportunity.objects.count()
    send = getattr(world.a.client, method)
    response = send(path, body, content_type=JSON) if body else send(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert Opportunity.objects.count() == before
