"""Issue 22's API items not covered elsewhere: unknown ids answer 404 in the error shape (and
change nothing), detail endpoints for employers and outcomes keep to the token's partner, only
employers with a consented relationship in force are offered, participants are exactly the
pages' ``ParticipantScope``, and outcomes are counted as the outcome report counts them."""

import datetime

import pytest
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.employers.models import PartnerRelationship, RelationshipStatus
from brokerage.enquiries.models import EnquiryItem
from brokerage.opportunities.models import Opportunity
from brokerage.participants.models import Team, TeamMembership
from brokerage.participants.selectors import participants_for_user
from brokerage.pipeline.models import OutcomeKind
from brokerage.pipeline.services.outcomes import outcome_write
from brokerage.reporting.reports.outcomes import counted_outcomes, outcome_measures
from brokerage.reporting.selectors import report_scope
from portal.accounts.roles import Role
from tests.factories.employers import PartnerRelationshipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory

JSON = "application/json"
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found", "fields": {}}}
UNKNOWN = 987654321


def _state():
    return (
        list(Opportunity.objects.values_list("id", "title", "status")),
        list(EnquiryItem.objects.values_list("id", "status")),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("path", [
    f"/api/v1/employers/{UNKNOWN}",
    f"/api/v1/opportunities/{UNKNOWN}",
    f"/api/v1/enquiries/{UNKNOWN}",
    "/api/v1/participants/NO-SUCH-REF",
    f"/api/v1/outcomes/{UNKNOWN}",
    "/api/v1/outcomes/summary?programme=no-such-programme",
])
def test_an_unknown_id_is_not_found_in_the_error_shape(world, path):
    response = world.a.client.get(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("method, path, body", [
    ("patch", f"/api/v1/opportunities/{UNKNOWN}", {"title": "Changed"}),
    ("post", f"/api/v1/opportunities/{UNKNOWN}/submit", None),
    ("post", f"/api/v1/enquiries/{UNKNOWN}/accept", None),
    ("post", f"/api/v1/enquiries/{UNKNOWN}/contacts",
     {"contact_kind": "phone", "happened_at": "2026-01-05T10:00:00Z", "summary": "Rang"}),
    ("post", f"/api/v1/enquiries/{UNKNOWN}/close", {"outcome": "advice", "notes": ""}),
])
def test_writing_to_an_unknown_id_is_not_found_and_changes_nothing(world, method, path, body):
    before = _state()
    send = getattr(world.a.client, method)
    response = send(path, body, content_type=JSON) if body else send(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert _state() == before


@pytest.mark.parametrize("body, field", [
    ({"contact_kind": "pigeon", "happened_at": "2026-01-05T10:00:00Z", "summary": "x"},
     "contact_kind"),
    ({"contact_kind": "phone", "happened_at": "yesterday", "summary": "x"}, "happened_at"),
    ({"contact_kind": "phone", "summary": "x"}, "happened_at"),
])
def test_a_bad_contact_is_refused_field_by_field_and_nothing_saved(world, body, field):
    before = _state()
    response = world.a.client.post(f"/api/v1/enquiries/{world.a.item.pk}/contacts", body,
                                   content_type=JSON)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"], error
    assert _state() == before


def test_employer_and_outcome_details_keep_to_the_tokens_partner(world):
    a, b = world.a, world.b
    own = a.client.get(f"/api/v1/employers/{a.employer.pk}")
    assert own.status_code == 200 and own.json()["id"] == a.employer.pk
    assert a.client.get(f"/api/v1/employers/{b.employer.pk}").json() == NOT_FOUND
    own = a.client.get(f"/api/v1/outcomes/{a.outcome.pk}")
    assert own.status_code == 200
    assert own.json()["participant_reference"] == a.participant.reference
    assert a.client.get(f"/api/v1/outcomes/{b.outcome.pk}").json() == NOT_FOUND
    # A read-only token reads them too.
    assert a.read_client.get(f"/api/v1/outcomes/{a.outcome.pk}").status_code == 200


@pytest.mark.parametrize("status", [RelationshipStatus.REQUESTED, RelationshipStatus.DECLINED,
                                    "ended"])
def test_only_employers_with_a_consented_relationship_are_offered(world, status):
    a = world.a
    relationship = PartnerRelationshipFactory(
        partner=a.partner, requires_employer_signoff=False,
        status=RelationshipStatus.ACCEPTED if status == "ended" else status,
    )
    if status == "ended":
        PartnerRelationship.objects.filter(pk=relationship.pk).update(ended_at=timezone.now())
    employer = relationship.employer
    draft = OpportunityFactory(employer=employer, acting_partner=a.partner)
    before = _state()

    ids = [row["id"] for row in a.client.get("/api/v1/employers").json()["results"]]
    assert employer.pk not in ids and a.employer.pk in ids
    listed = [row["id"] for row in a.client.get("/api/v1/opportunities").json()["results"]]
    assert draft.pk not in listed
    assert a.client.get(f"/api/v1/opportunities/{draft.pk}").status_code == 404
    response = a.client.post("/api/v1/opportunities", {
        "employer_id": employer.pk, "opportunity_type": "vacancy", "title": "Driver",
    }, content_type=JSON)
    assert response.status_code == 422
    assert "employer_id" in response.json()["error"]["fields"]
    assert a.client.patch(f"/api/v1/opportunities/{draft.pk}", {"title": "Changed"},
                          content_type=JSON).status_code == 404
    assert _state() == before


def test_participants_are_exactly_the_pages_scope_on_the_partners_caseloads(world):
    a = world.a
    colleague = UserFactory(role=Role.KEY_WORKER, partner=a.partner)
    # The colleague's participant: not the admin's, so not on the pages, not in the API ...
    hidden = ParticipantFactory(programme=world.programme, key_worker=colleague)
    # ... until the admin shares the care of one, or is granted the team's caseload.
    shared = ParticipantFactory(programme=world.programme, key_worker=colleague)
    shared.supporting_workers.add(a.admin)

    def api_refs() -> set[str]:
        return {row["reference"] for row in a.client.get(
            "/api/v1/participants?page_size=200").json()["results"]}

    def page_refs() -> set[str]:
        return set(participants_for_user(a.admin).filter(key_worker__partner=a.partner)
                   .values_list("reference", flat=True))

    assert api_refs() == page_refs() == {a.participant.reference, shared.reference}
    assert a.client.get(f"/api/v1/participants/{hidden.reference}").status_code == 404
    assert a.client.get(f"/api/v1/participants/{shared.reference}").status_code == 200

    team = Team.objects.create(name="Stockton team")
    TeamMembership.objects.create(team=team, user=a.admin, sees_team_caseload=True)
    TeamMembership.objects.create(team=team, user=colleague)
    assert hidden.reference in api_refs()
    assert api_refs() == page_refs()
    assert a.client.get(f"/api/v1/participants/{hidden.reference}").status_code == 200
    assert world.b.participant.reference not in api_refs()


def test_outcome_summary_counts_what_the_outcome_report_counts(world):
    a = world.a
    placement = a.outcome.placement
    # Not counted by the report: a missed check and a leaver.
    for kind, measure in [(OutcomeKind.CHECKPOINT_MISSED, "job_starts_4w"),
                          (OutcomeKind.LEAVER, "")]:
        outcome_write(key=f"{kind}:{placement.pk}", kind=kind, measure=measure,
                      placement=placement, occurred_on=timezone.localdate())
    response = a.client.get(f"/api/v1/outcomes/summary?programme={world.programme.slug}")
    assert response.status_code == 200
    body = response.json()
    scope = report_scope(a.admin, world.programme)
    measures = outcome_measures(world.programme)
    records = counted_outcomes(scope, measures).filter(participant__key_worker__partner=a.partner)
    for row in body["measures"]:
        expected = records.filter(measure=row["measure"]).values("participant").distinct().count()
        assert row["people"] == expected, row
    assert next(m for m in body["measures"] if m["measure"] == "starts")["people"] == 1
    assert (body["date_from"], body["date_to"]) == (
        str(scope.date_from), str(scope.date_to))
    # The list holds the counted kinds only.
    kinds = {row["kind"] for row in a.client.get("/api/v1/outcomes").json()["results"]}
    assert kinds == {"start"}
    # A period before the start counts nobody.
    early = datetime.date(2024, 1, 1)
    response = a.client.get(f"/api/v1/outcomes/summary?programme={world.programme.slug}"
                            f"&date_from={early}&date_to={early}")
    assert all(m["people"] == 0 for m in response.json()["measures"])


def test_the_document_lists_every_operation_with_the_error_shape(client, db):
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    operations = {(method.upper(), path.removeprefix("/api/v1"))
                  for path, item in document["paths"].items() for method in item}
    assert {
        ("GET", "/employers"), ("GET", "/employers/{employer_id}"),
        ("GET", "/opportunities"), ("POST", "/opportunities"),
        ("GET", "/opportunities/{opportunity_id}"), ("PATCH", "/opportunities/{opportunity_id}"),
        ("POST", "/opportunities/{opportunity_id}/submit"),
        ("GET", "/enquiries"), ("GET", "/enquiries/{item_id}"),
        ("POST", "/enquiries/{item_id}/accept"), ("POST", "/enquiries/{item_id}/contacts"),
        ("POST", "/enquiries/{item_id}/close"),
        ("GET", "/participants"), ("GET", "/participants/{reference}"),
        ("GET", "/outcomes"), ("GET", "/outcomes/{outcome_id}"), ("GET", "/outcomes/summary"),
    } <= operations
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status in ("401", "404", "422", "429"):
                assert status in operation["responses"], (method, path, status)
            assert operation["security"], (method, path)
