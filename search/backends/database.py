"""The database backend: SQLite or PostgreSQL; always available.

The tables are the index, so ``index``/``remove`` have nothing to do. Matching ranks against
the candidate side packed into columns and kept by each process (``search.packed``): a request
costs one small query to learn what changed since the pack last looked (every saved or deleted
opportunity or participant writes a ``MatchingChange`` row in its own transaction, so all
processes see it once committed, and re-read just that record), the archived matches, the
eligibility rules, and then every hard filter and score part worked out once per distinct
stored value with ``search.scoring`` and gathered onto the rows with numpy. Dates (closing,
start, ages) are compared as of today at request time.

The result is a ``RankedMatches``: every match ranked, but ``Match`` objects (with whole
records, ``scoring.eligible`` checked again and reasons) built only for the ones read, such as
the page shown — one more query per read. Results, scores, order and reasons are exactly those
of ``scoring.match`` on every pair (tests/search/test_matching_equivalence.py).
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Sequence

from django.db.models import Q

from brokerage.opportunities.models import Opportunity
from brokerage.participants.models import Participant
from brokerage.participants.selectors import participants_for_user
from search import scoring
from search.backends.base import MatchFilters
from search.eligibility import ineligible_ids, participant_eligible_now
from search.models import ArchivedMatch
from search.packed import (
    OpportunityPack,
    ParticipantPack,
    opportunities_ranked,
    pack_for,
    participants_ranked,
)
from search.scoring import OFFER_FIELDS, SEEKER_FIELDS, Match


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while ranking: a request makes thousands of short-lived
    tuples (rows, columns, ranking entries) that hold no cycles and that reference counting
    frees, and the collections their number would set off only scan them in vain (measured:
    p95 a sixth lower, and no 200 ms pauses, in ``bench_matching``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class RankedMatches(Sequence):
    """Matches best first, built only when read.

    ``ranked`` holds (-score, distance, pk) per match, already in ``scoring.rank_key`` order
    (``pk`` is the side that varies: the opportunity for a participant, the participant for an
    opportunity). ``len()`` is the number of matches; an index or a slice calls
    ``build([(pk, score), ...])`` (one query) for just those entries, which returns their
    ``Match`` objects in the same order. Paginators only read the page they show.
    """

    BATCH = 500  # entries built per query when iterating over all of them

    def __init__(self, ranked: list[tuple[int, float, int]], build):
        self._ranked = ranked
        self._build = build

    def __len__(self) -> int:
        return len(self._ranked)

    def _read(self, entries) -> list[Match]:
        return (
            self._build([(pk, -negative) for negative, _distance, pk in entries]) if entries else []
        )

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._read(self._ranked[index])
        return self._read([self._ranked[index]])[0]

    def __iter__(self):
        for start in range(0, len(self._ranked), self.BATCH):
            yield from self._read(self._ranked[start : start + self.BATCH])


def _matches(triples, *, filters: MatchFilters, today: datetime.date) -> list[Match]:
    """``Match`` objects for (seeker, offer, score) triples, in order. ``scoring.eligible`` checks
    each pair again (it agrees with the SQL and the score loop); a record that has gone since it
    was ranked (None) is left out."""
    found = []
    for seeker, offer, points in triples:
        if seeker is None or offer is None:
            continue
        fit = scoring.eligible(
            seeker, offer, today=today, include_getting_ready=filters.include_getting_ready
        )
        if fit is not None:
            found.append(Match(seeker, offer, fit, points, today))
    return found


def _words(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:8]


class DatabaseBackend:
    """Searches with ordinary ORM queries on SQLite or PostgreSQL; always available."""

    name = "database"
    keeps_index = False

    def ping(self) -> bool:
        return True

    # --- the index: the tables themselves ---------------------------------------------------
    def index(self, model_label: str, obj) -> None:
        return None

    def remove(self, model_label: str, pk: int) -> None:
        return None

    def reset(self, model_label: str) -> None:
        return None

    def index_many(self, model_label: str, objects) -> int:
        return sum(1 for _ in objects)

    def refresh(self) -> None:
        return None

    # --- opportunities for a participant ---------------------------------------------------
    @_gc_paused()
    def opportunities_for_participant(
        self, participant, *, filters: MatchFilters, today: datetime.date, limit: int | None = None
    ) -> Sequence[Match]:
        seeker = scoring.seeker_from(participant)
        if not scoring.seeker_matchable(
            seeker, include_getting_ready=filters.include_getting_ready
        ):
            return []
        seeker.eligible = participant_eligible_now(participant)
        if not seeker.eligible:
            return []
        pack = pack_for(OpportunityPack, participant._state.db or "default")
        archived = ArchivedMatch.objects.filter(participant_id=seeker.pk).values_list(
            "opportunity_id", flat=True)
        with pack.lock:  # another thread may be applying a change
            entries = opportunities_ranked(
                pack, seeker, filters=filters, today=today, archived=archived, limit=limit)

        def build(wanted: list[tuple[int, int]]) -> list[Match]:
            offers = {row[0]: scoring.offer_from_row(row) for row in Opportunity.objects.filter(
                pk__in=[pk for pk, _ in wanted]).values_list(*OFFER_FIELDS)}
            return _matches(((seeker, offers.get(pk), points) for pk, points in wanted),
                            filters=filters, today=today)

        return RankedMatches(entries, build)

    # --- participants for an opportunity ---------------------------------------------------
    @_gc_paused()
    def participants_for_opportunity(
        self, opportunity, *, filters: MatchFilters, today: datetime.date, user=None,
        limit: int | None = None,
    ) -> Sequence[Match]:
        offer = scoring.offer_from(opportunity)
        if not scoring.offer_open(offer, today=today):
            return []
        pack = pack_for(ParticipantPack, opportunity._state.db or "default")
        archived = ArchivedMatch.objects.filter(opportunity_id=offer.pk).values_list(
            "participant_id", flat=True)
        visible = (
            None if user is None
            else participants_for_user(user).order_by().values_list("pk", flat=True)
        )
        with pack.lock:  # another thread may be applying a change
            entries, ineligible = participants_ranked(
                pack, offer, filters=filters, today=today, archived=archived, visible=visible,
                eligible_of=ineligible_ids, limit=limit,
            )

        def build(wanted: list[tuple[int, int]]) -> list[Match]:
            seekers = {row[0]: scoring.seeker_from_row(row) for row in Participant.objects.filter(
                pk__in=[pk for pk, _ in wanted]).values_list(*SEEKER_FIELDS)}
            for pk, seeker in seekers.items():
                seeker.eligible = pk not in ineligible
            return _matches(((seekers.get(pk), offer, points) for pk, points in wanted),
                            filters=filters, today=today)

        return RankedMatches(entries, build)

    # --- staff search ----------------------------------------------------------------------
    def search_opportunities(self, user, text: str, *, limit: int = 20) -> list[int]:
        from brokerage.opportunities.selectors import staff_live_opportunities

        words = _words(text)
        if not words:
            return []
        qs = staff_live_opportunities(user)
        for word in words:
            qs = qs.filter(
                Q(title__icontains=word) | Q(description__icontains=word)
                | Q(employer__name__icontains=word) | Q(postcode__istartswith=word)
            )
        return list(qs.order_by("closing_date", "title", "pk").values_list("pk", flat=True)[:limit])

    def search_participants(self, user, text: str, *, limit: int = 20) -> list[int]:
        words = _words(text)
        if not words:
            return []
        qs = participants_for_user(user)
        for word in words:
            qs = qs.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word)
                | Q(reference__iexact=word) | Q(postcode__istartswith=word)
            )
        return list(
            qs.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)[:limit]
        )
