"""The Elasticsearch 8 backend, through elasticsearch-dsl documents (``search.documents``).

Matching sends the hard filters and a pre-ranking ``function_score`` to the cluster
(``search.queries``), then re-scores the best hits with ``search.scoring`` using one database
read, so ranking and reasons are the same as on the database backend.

Participant documents hold the anonymised profile only. Staff searching participants by name
therefore asks the database (``participants_for_user``): names and contact details are
personal data that never leave the database. Who may see which participant in matching is
``brokerage.participants.visibility.ParticipantScope.es_filter()``, the database's rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import bulk

from brokerage.opportunities.models import Opportunity
from brokerage.participants.models import Participant
from brokerage.participants.visibility import ParticipantScope
from search import queries, scoring
from search.backends.base import MatchFilters, SearchUnavailable
from search.documents import DOCUMENTS
from search.eligibility import ineligible_ids, participant_eligible_now
from search.indexing import OPPORTUNITY, PARTICIPANT
from search.models import ArchivedMatch
from search.scoring import OFFER_FIELDS, SEEKER_FIELDS, Match


@contextmanager
def _reachable() -> Iterator[None]:
    """Connection failures, time-outs and the cluster's own 429/5xx become ``SearchUnavailable``;
    anything else (a bad query or mapping) is a bug and propagates as it is."""
    try:
        yield
    except TransportError as exc:
        raise SearchUnavailable(f"Elasticsearch is not answering ({type(exc).__name__})") from exc
    except ApiError as exc:
        if exc.meta.status == 429 or exc.meta.status >= 500:
            raise SearchUnavailable(f"Elasticsearch answered {exc.meta.status}") from exc
        raise


class ElasticsearchBackend:
    """Elasticsearch 8 through elasticsearch-dsl documents."""

    name = "elasticsearch"
    keeps_index = True

    def __init__(self, *, url: str, prefix: str, client=None) -> None:
        self.url = url
        self.prefix = prefix
        self.client = client if client is not None else Elasticsearch(url, request_timeout=5)

    def ping(self) -> bool:
        return bool(self.client.ping())

    # --- the index ----------------------------------------------------------------------------
    def index_name(self, model_label: str) -> str:
        return f"{self.prefix}_{model_label.split('.')[1]}"

    def document(self, model_label: str, obj):
        return DOCUMENTS[model_label].from_model(obj)

    def index(self, model_label: str, obj) -> None:
        doc = self.document(model_label, obj)
        with _reachable():
            self.client.index(index=self.index_name(model_label), id=str(obj.pk), document=doc.to_dict())

    def remove(self, model_label: str, pk: int) -> None:
        try:
            with _reachable():
                self.client.delete(index=self.index_name(model_label), id=str(pk))
        except NotFoundError:
            pass

    def reset(self, model_label: str) -> None:
        name = self.index_name(model_label)
        with _reachable():
            self.client.indices.delete(index=name, ignore_unavailable=True)
            DOCUMENTS[model_label].init(index=name, using=self.client)

    def index_many(self, model_label: str, objects) -> int:
        name = self.index_name(model_label)
        actions = (
            {"_index": name, "_id": str(obj.pk), "_source": self.document(model_label, obj).to_dict()}
            for obj in objects
        )
        with _reachable():
            sent, _ = bulk(self.client, actions, chunk_size=500)
        return sent

    def refresh(self) -> None:
        with _reachable():
            self.client.indices.refresh(index=f"{self.prefix}_*")

    def drop(self) -> None:
        with _reachable():
            for label in DOCUMENTS:
                self.client.indices.delete(index=self.index_name(label), ignore_unavailable=True)

    def _ids(self, model_label: str, body: dict) -> list[int]:
        with _reachable():
            response = self.client.search(index=self.index_name(model_label), body=body)
        return [int(hit["_id"]) for hit in response["hits"]["hits"]]

    # --- matching -----------------------------------------------------------------------------
    def opportunities_for_participant(
        self, participant, *, filters: MatchFilters, today: datetime.date, limit: int | None = None
    ) -> list[Match]:
        seeker = scoring.seeker_from(participant)
        if not scoring.seeker_matchable(seeker, include_getting_ready=filters.include_getting_ready):
            return []
        seeker.eligible = participant_eligible_now(participant)
        if not seeker.eligible:
            return []
        archived = list(ArchivedMatch.objects.filter(participant_id=seeker.pk).values_list("opportunity_id", flat=True))
        body = queries.opportunity_match_query(seeker, filters=filters, today=today, exclude_ids=archived)
        hit_ids = self._ids(OPPORTUNITY, body)
        rows = Opportunity.objects.filter(pk__in=hit_ids).values_list(*OFFER_FIELDS)
        found = []
        for row in rows:
            m = scoring.match(seeker, scoring.offer_from_row(row), today=today,
                              include_getting_ready=filters.include_getting_ready)
            if m is not None and (not filters.within_miles or m.distance is None or m.distance <= filters.within_miles):
                if not filters.strong_only or m.strong:
                    found.append(m)
        found.sort(key=scoring.rank_key)
        return found[:limit] if limit is not None else found

    def participants_for_opportunity(
        self, opportunity, *, filters: MatchFilters, today: datetime.date, user=None,
        limit: int | None = None,
    ) -> list[Match]:
        offer = scoring.offer_from(opportunity)
        if not scoring.offer_open(offer, today=today):
            return []
        if not offer.remote and (offer.latitude is None or offer.longitude is None):
            return []
        archived = list(ArchivedMatch.objects.filter(opportunity_id=offer.pk).values_list("participant_id", flat=True))
        body = queries.participant_match_query(
            offer, filters=filters, today=today,
            scope=ParticipantScope.for_user(user) if user is not None else None, exclude_ids=archived,
        )
        hit_ids = self._ids(PARTICIPANT, body)
        rows = list(Participant.objects.filter(pk__in=hit_ids).values_list(*SEEKER_FIELDS))
        # eligibility as the programme's rules stand now (the document's flag may be older)
        ineligible = ineligible_ids({row[0]: row[1] for row in rows})
        found = []
        for row in rows:
            seeker = scoring.seeker_from_row(row)
            seeker.eligible = seeker.pk not in ineligible
            m = scoring.match(seeker, offer, today=today,
                              include_getting_ready=filters.include_getting_ready)
            if m is not None and (not filters.within_miles or m.distance is None or m.distance <= filters.within_miles):
                if not filters.strong_only or m.strong:
                    found.append(m)
        found.sort(key=scoring.rank_key)
        return found[:limit] if limit is not None else found

    # --- staff search -------------------------------------------------------------------------
    def search_opportunities(self, user, text: str, *, limit: int = 20) -> list[int]:
        from brokerage.opportunities.selectors import staff_live_opportunities

        if not (text or "").strip():
            return []
        hit_ids = self._ids(OPPORTUNITY, queries.staff_opportunity_query(text.strip(), size=limit))
        visible = set(staff_live_opportunities(user).filter(pk__in=hit_ids).values_list("pk", flat=True))
        return [pk for pk in hit_ids if pk in visible]

    def search_participants(self, user, text: str, *, limit: int = 20) -> list[int]:
        from search.backends.database import DatabaseBackend

        return DatabaseBackend().search_participants(user, text, limit=limit)
