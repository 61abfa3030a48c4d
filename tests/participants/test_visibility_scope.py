"""Who can see a participant: the database filter and the Elasticsearch filter of
``ParticipantScope`` pick the same people, for every kind of user.

The Elasticsearch filter is evaluated here against the participant documents the index holds
(``ParticipantDocument.from_model(...).to_dict()``, where empty fields are absent, as in the
cluster) by a small evaluator of the query clauses it uses; with ELASTICSEARCH_URL set, a live
cluster answers too.
"""

import os
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from brokerage.participants.models import Participant
from brokerage.participants.selectors import participants_for_user
from brokerage.participants.visibility import ParticipantScope
from portal.accounts.roles import Role
from search.documents import ParticipantDocument
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.participants import ParticipantFactory, TeamMembershipFactory
from tests.factories.reference import AreaFactory, PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _matches(clause: dict, doc: dict) -> bool:
    """Whether ``doc`` passes ``clause`` (the clauses ``es_filter`` writes, as Elasticsearch reads them)."""
    ((kind, body),) = clause.items()
    if kind == "match_all":
        return True
    if kind == "term":
        ((field, value),) = body.items()
        held = doc.get(field)
        return value in held if isinstance(held, list) else held == value
    if kind == "terms":
        ((field, values),) = body.items()
        held = doc.get(field)
        held = held if isinstance(held, list) else [held]
        return any(v in values for v in held if v is not None)
    if kind == "exists":
        return doc.get(body["field"]) not in (None, [])
    if kind == "bool":
        def listed(key):
            value = body.get(key, [])
            return value if isinstance(value, list) else [value]

        if not all(_matches(c, doc) for c in listed("filter") + listed("must")):
            return False
        if any(_matches(c, doc) for c in listed("must_not")):
            return False
        should = listed("should")
        if should:
            return sum(_matches(c, doc) for c in should) >= body.get("minimum_should_match", 1)
        return True
    raise AssertionError(f"clause {kind!r} not understood by the test's evaluator")


@pytest.fixture
def world():
    """Two programmes, two areas, three key workers (one team), and people held in each way."""
    north, south = AreaFactory(name="North"), AreaFactory(name="South")
    routes, other_programme = ProgrammeFactory(name="Routes", areas=[north, south]), ProgrammeFactory(name="Other")
    partner, other_partner = PartnerFactory(), PartnerFactory()
    kw = UserFactory(role=Role.KEY_WORKER, partner=partner)
    colleague = UserFactory(role=Role.KEY_WORKER, partner=partner)
    team_kw = UserFactory(role=Role.KEY_WORKER, partner=partner)
    other_kw = UserFactory(role=Role.KEY_WORKER, partner=other_partner)
    people = {
        "held": ParticipantFactory(programme=routes, area=north, key_worker=kw),
        "shared": ParticipantFactory(programme=routes, area=north, key_worker=colleague),
        "team": ParticipantFactory(programme=routes, area=south, key_worker=team_kw),
        "other_partner": ParticipantFactory(programme=routes, area=south, key_worker=other_kw),
        "area_unknown": ParticipantFactory(programme=routes, area=None, key_worker=other_kw),
        "unassigned": ParticipantFactory(programme=routes, area=north, key_worker=None),
        "other_programme": ParticipantFactory(programme=other_programme, area=north, key_worker=other_kw),
    }
    people["shared"].supporting_workers.add(kw)
    granted = TeamMembershipFactory(user=kw, sees_team_caseload=True)
    TeamMembershipFactory(team=granted.team, user=team_kw)
    ungranted = TeamMembershipFactory(user=colleague, sees_team_caseload=False)
    TeamMembershipFactory(team=ungranted.team, user=other_kw)

    def coordinator(programmes=(), areas=(), **kw_args):
        user = UserFactory(role=Role.COORDINATOR, **kw_args)
        user.programmes.set(programmes)
        user.areas.set(areas)
        return user

    users = {
        "key worker": kw,
        "key worker, team caseload not granted": colleague,
        "other partner's key worker": other_kw,
        "key worker holding nobody": UserFactory(role=Role.KEY_WORKER, partner=other_partner),
        "coordinator, one area": coordinator([routes], [north]),
        "coordinator, every area": coordinator([routes]),
        "coordinator, another programme": coordinator([other_programme], [south]),
        "coordinator without a programme": coordinator(),
        "key worker and coordinator": coordinator([other_programme], [north]),
        "inactive key worker": UserFactory(role=Role.KEY_WORKER, is_active=False),
        "employer": EmployerMembershipFactory().user,
        "partner staff": UserFactory(role=Role.PARTNER_STAFF, partner=partner),
        "finance officer": UserFactory(role=Role.FINANCE_OFFICER),
        "editor": UserFactory(role=Role.EDITOR),
        "superuser": UserFactory(is_superuser=True),
        "anonymous": AnonymousUser(),
        "nobody (the system)": None,
    }
    both = users["key worker and coordinator"]
    both.groups.add(*kw.groups.all())
    both.__dict__.pop("roles", None)
    people["both_holds"] = ParticipantFactory(programme=routes, area=south, key_worker=both)
    return users, people


EXPECTED = {
    "key worker": {"held", "shared", "team"},
    "key worker, team caseload not granted": {"shared"},
    "other partner's key worker": {"other_partner", "area_unknown", "other_programme"},
    "key worker holding nobody": set(),
    "coordinator, one area": {"held", "shared", "unassigned", "area_unknown"},
    "coordinator, every area": {
        "held",
        "shared",
        "team",
        "other_partner",
        "area_unknown",
        "unassigned",
        "both_holds",
    },
    "coordinator, another programme": set(),
    "coordinator without a programme": set(),
    "key worker and coordinator": {"both_holds", "other_programme"},
    "inactive key worker": set(),
    "employer": set(),
    "partner staff": set(),
    "finance officer": set(),
    "editor": set(),
    "superuser": {
        "held",
        "shared",
        "team",
        "other_partner",
        "area_unknown",
        "unassigned",
        "other_programme",
        "both_holds",
    },
    "anonymous": set(),
    "nobody (the system)": set(),
}


def _names(people, pks) -> set[str]:
    return {name for name, p in people.items() if p.pk in pks}


def _documents() -> dict[int, dict]:
    return {p.pk: ParticipantDocument.from_model(p).to_dict() for p in Participant.objects.all()}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_database_and_elasticsearch_filters_see_the_same_people(world, who):
    users, people = world
    user = users[who]
    scope = ParticipantScope.for_user(user)

    in_database = set(scope.filter(Participant.objects.all()).values_list("pk", flat=True))
    es_filter = scope.es_filter()
    in_index = {pk for pk, doc in _documents().items() if _matches(es_filter, doc)}

    assert _names(people, in_database) == EXPECTED[who]
    assert _names(people, in_index) == EXPECTED[who]
    if user is not None:
        assert set(participants_for_user(user).values_list("pk", flat=True)) == in_database


def test_an_erased_record_is_left_out_of_the_selector_even_for_its_key_worker(world):
    users, people = world
    people["held"].status = "erased"
    people["held"].save(update_fields=["status"])
    visible = _names(people, set(participants_for_user(users["key worker"]).values_list("pk", flat=True)))
    assert visible == {"shared", "team"}


@pytest.mark.elasticsearch
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"), reason="set ELASTICSEARCH_URL to a live cluster")
def test_a_live_cluster_answers_the_same(world):
    from elasticsearch import Elasticsearch

    users, people = world
    client = Elasticsearch(os.environ["ELASTICSEARCH_URL"])
    index = f"test_visibility_{uuid.uuid4().hex[:8]}"
    ParticipantDocument.init(index=index, using=client)
    try:
        for pk, doc in _documents().items():
            client.index(index=index, id=str(pk), document=doc)
        client.indices.refresh(index=index)
        for who, expected in EXPECTED.items():
            found = client.search(index=index, query={"bool": {"filter": [
                ParticipantScope.for_user(users[who]).es_filter()]}}, size=100)
            assert _names(people, {int(h["_id"]) for h in found["hits"]["hits"]}) == expected, who
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
