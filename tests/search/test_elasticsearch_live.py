"""The portal against a live Elasticsearch 8 node: index sync after commit, pending updates
through an outage, falling back to the database, /healthz, rebuild_index, Wagtail's page search
and a real Celery worker. Runs when ELASTICSEARCH_URL is set (CI's PostgreSQL pass)."""

import io
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from elasticsearch import Elasticsearch

from brokerage.opportunities.models import OpportunityStatus
from portal.accounts.roles import Role
from search import backends, tasks
from search.indexing import OPPORTUNITY, PARTICIPANT
from search.models import PendingIndexUpdate
from tests.search.conftest import elasticsearch_backend

pytestmark = [
    pytest.mark.elasticsearch,
    pytest.mark.skipif(
        not os.environ.get("ELASTICSEARCH_URL"),
        reason="Elasticsearch case: set ELASTICSEARCH_URL to a live cluster to run it",
    ),
]

LAUNCHER = Path(settings.BASE_DIR) / "tools" / "elasticsearch" / "run"


@pytest.fixture
def portal_on(settings):
    """use(backend): the portal's search runs on that Elasticsearch backend for this test."""
    used = []

    def use(backend):
        settings.SEARCH_BACKEND = "elasticsearch"
        settings.ELASTICSEARCH_URL = backend.url
        settings.SEARCH_INDEX_PREFIX = backend.prefix
        backends._backend_for.cache_clear()
        used.append(backend)
        for label in (OPPORTUNITY, PARTICIPANT):
            backend.reset(label)
        return backends.get_backend()

    yield use
    backends._backend_for.cache_clear()
    for backend in used:
        try:
            backend.drop()
        except Exception:
            pass


def _indexed_ids(url: str, index: str) -> set[int]:
    client = Elasticsearch(url, request_timeout=10)
    client.indices.refresh(index=index)
    hits = client.search(index=index, query={"match_all": {}}, size=100)["hits"]["hits"]
    return {int(hit["_id"]) for hit in hits}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """A second node of our own (tools/elasticsearch/run), to stop and start in a test."""

    def __init__(self, home: Path):
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self, timeout: float = 120) -> None:
        url_file = self.home / "url"
        url_file.unlink(missing_ok=True)
        log = (self.home / "node.log").open("ab")
        self.process = subprocess.Popen(
            [str(LAUNCHER), str(self.home / "es"), str(self.port), str(url_file)],
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not url_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.home / "node.log").read_text(errors="replace")[-3000:]
                pytest.fail(f"Elasticsearch node did not start:\n{tail}")
            time.sleep(0.5)
        Elasticsearch(self.url, request_timeout=30).cluster.health(wait_for_status="yellow", timeout="30s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


@pytest.fixture
def own_node(tmp_path):
    node = Node(tmp_path)
    node.start()
    yield node
    if node.process.poll() is None:
        node.stop()


@pytest.mark.django_db(transaction=True)
def test_changes_reach_the_index_after_commit_and_closing_removes(portal_on, make_opportunity, make_participant):
    backend = portal_on(elasticsearch_backend())
    opportunity = make_opportunity(title="Warehouse operative")
    person = make_participant()
    assert _indexed_ids(backend.url, backend.index_name(OPPORTUNITY)) == {opportunity.pk}
    assert _indexed_ids(backend.url, backend.index_name(PARTICIPANT)) == {person.pk}
    assert not PendingIndexUpdate.objects.exists()

    opportunity.status = OpportunityStatus.CLOSED
    opportunity.save()
    person.consent_employer_profile = False
    person.save()
    assert _indexed_ids(backend.url, backend.index_name(OPPORTUNITY)) == set()
    assert _indexed_ids(backend.url, backend.index_name(PARTICIPANT)) == set()
    assert not PendingIndexUpdate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_updates_made_while_the_node_is_down_are_applied_when_it_returns(
    portal_on, own_node, make_opportunity, make_participant, client, make_user
):
    backend = portal_on(elasticsearch_backend(own_node.url))
    stays = make_opportunity(title="Forklift driver")
    closes = make_opportunity(title="Night picker")
    person = make_participant()
    assert _indexed_ids(own_node.url, backend.index_name(OPPORTUNITY)) == {stays.pk, closes.pk}

    own_node.stop()
    closes.status = OpportunityStatus.CLOSED
    closes.save()
    opened = make_opportunity(title="Van driver")
    person.consent_employer_profile = False
    person.save()
    # nothing lost: each change waits as a pending update; the pages still answer
    assert set(PendingIndexUpdate.objects.values_list("model_label", "object_id")) == {
        (OPPORTUNITY, closes.pk), (OPPORTUNITY, opened.pk), (PARTICIPANT, person.pk),
    }
    viewer = make_user(Role.KEY_WORKER)
    client.force_login(viewer)  # /healthz gives each check's detail to staff (or with its token)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["search"] == {
        "ok": False, "detail": "elasticsearch not answering (3 index updates pending)",
    }
    assert tasks.index_pending_task() == 0
    page = client.get(reverse("search:staff_search"), {"q": "driver"}).content.decode()
    assert "The search service is not answering" in page
    assert "Forklift driver" in page and "Van driver" in page  # the database answered

    own_node.start()
    assert tasks.index_pending_task() == 3
    assert not PendingIndexUpdate.objects.exists()
    assert _indexed_ids(own_node.url, backend.index_name(OPPORTUNITY)) == {stays.pk, opened.pk}
    assert _indexed_ids(own_node.url, backend.index_name(PARTICIPANT)) == set()
    assert client.get("/healthz").json()["checks"]["search"]["ok"] is True
    page = client.get(reverse("search:staff_search"), {"q": "driver"}).content.decode()
    assert "The search service is not answering" not in page
    assert "Forklift driver" in page and "Van driver" in page


@pytest.mark.django_db(transaction=True)
def test_matching_pages_fall_back_to_the_database_and_say_so(portal_on, make_opportunity, make_participant, client):
    backend = portal_on(elasticsearch_backend())
    opportunity = make_opportunity(title="Warehouse operative")
    person = make_participant()
    client.force_login(person.key_worker)
    url = reverse("search:participant_matches", args=[person.reference])
    backend.refresh()  # searchable at once, not within the second Elasticsearch allows itself
    page = client.get(url).content.decode()
    assert "Warehouse operative" in page and "The search service is not answering" not in page
    candidates_url = reverse("search:opportunity_candidates", args=[opportunity.pk])
    candidates = client.get(candidates_url).content.decode()
    assert person.reference in candidates and "The search service is not answering" not in candidates

    backend.client = Elasticsearch(f"http://127.0.0.1:{_free_port()}", request_timeout=2)  # nothing listens
    page = client.get(url).content.decode()
    assert "The search service is not answering" in page
    assert "Warehouse operative" in page
    candidates = client.get(candidates_url).content.decode()
    assert "The search service is not answering" in candidates and person.reference in candidates


def test_rebuild_index_fills_elasticsearch_with_a_progress_bar(portal_on, make_opportunity, make_participant):
    backend = portal_on(elasticsearch_backend())
    live = [make_opportunity(), make_opportunity()]
    make_opportunity(status=OpportunityStatus.DRAFT)
    person = make_participant()
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_index", stdout=out, stderr=err)
    assert "opportunities.opportunity: 2 indexed (elasticsearch backend)" in out.getvalue()
    assert "participants.participant: 1 indexed (elasticsearch backend)" in out.getvalue()
    assert "100%" in err.getvalue() and "2/2" in err.getvalue()  # tqdm's bar
    assert _indexed_ids(backend.url, backend.index_name(OPPORTUNITY)) == {o.pk for o in live}
    assert _indexed_ids(backend.url, backend.index_name(PARTICIPANT)) == {person.pk}


def test_rebuild_index_says_clearly_when_elasticsearch_is_down(portal_on, settings, make_opportunity):
    from django.core.management.base import CommandError

    make_opportunity()
    portal_on(elasticsearch_backend())
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    backends._backend_for.cache_clear()
    with pytest.raises(CommandError, match="Elasticsearch is not answering .* the rebuild stopped"):
        call_command("rebuild_index", stdout=io.StringIO(), stderr=io.StringIO())


def test_wagtail_page_search_runs_on_elasticsearch(db, make_user, client, django_capture_on_commit_callbacks):
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from cms.demo import home_page_ensure
    from cms.models import StandardPage

    assert settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].endswith("elasticsearch8")
    call_command("update_index", backend_name="default", stdout=io.StringIO())  # mappings, as deployed
    with django_capture_on_commit_callbacks(execute=True):  # Wagtail indexes after commit
        page = home_page_ensure().add_child(
            instance=StandardPage(title="Quokka recruitment guide", slug="quokka-guide")
        )
        page.save_revision().publish()
    get_search_backend("default").get_index_for_model(StandardPage).refresh()
    found = Page.objects.live().public().search("quokka")
    assert [p.pk for p in found] == [page.pk]
    client.force_login(make_user(Role.COORDINATOR))
    html = client.get(reverse("search:staff_search"), {"q": "quokka"}).content.decode()
    assert "Quokka recruitment guide" in html


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_brings_the_index_up_to_date(portal_on, make_opportunity):
    from tests.test_celery_worker import worker_for_database

    backend = portal_on(elasticsearch_backend())
    with worker_for_database(extra_env={
        "ELASTICSEARCH_URL": backend.url, "SEARCH_INDEX_PREFIX": backend.prefix,
        "SEARCH_BACKEND": "elasticsearch",
    }) as queue:
        opportunity = make_opportunity(title="Baker")  # committed: the task goes to the broker
        result = tasks.index_sync_task.apply_async((OPPORTUNITY, opportunity.pk), queue=queue)
        assert result.get(timeout=90) == "indexed"
    assert _indexed_ids(backend.url, backend.index_name(OPPORTUNITY)) == {opportunity.pk}
    assert not PendingIndexUpdate.objects.exists()
