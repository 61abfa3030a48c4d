"""The database backend: ordinary ORM queries on SQLite or PostgreSQL; always available.

The tables are the index, so ``index``/``remove`` have nothing to do. Matching runs the hard
filters in SQL (status, places, readiness, consent, programme ring-fence, age, licences that
cannot be bought, a bounding box for the travel limit) and reads the columns the score needs
for every candidate in one query. The exact travel limit and the score are then worked out in
Python with ``search.scoring``, so both backends rank and explain alike.

A request can have a few thousand candidates, and they repeat the same few values: the same
outward-code centroids, sectors, hours, start dates and skills lists. So each candidate's score
is added up from components remembered per distinct stored value (``_Memo``; a skills list is
decoded once per request, not once per row), and the rows stay as the database driver returned
them. The result is a ``RankedMatches``: every match ranked, but ``Match`` objects (with whole
records, ``scoring.eligible`` checked again and reasons) built only for the ones read, such as
the page shown — one more query per read. Results, scores, order and reasons are exactly those
of ``scoring.match`` on every pair (tests/search/test_matching_equivalence.py).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import heapq
import json
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

from django.db.models import CharField, F, FloatField, Q, Value
from django.db.models.functions import Abs, Cast, Coalesce, Least
from django.db.models.sql.constants import MULTI

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant
from brokerage.participants.selectors import json_list_has, participants_for_user
from brokerage.reference.ages import age_on, years_before
from brokerage.reference.geometry import (
    MILES_PER_DEGREE_LATITUDE,
    bounding_box,
    haversine_miles,
    miles_per_degree_longitude,
)
from brokerage.reference.vocabulary import sector_normalise
from search import scoring
from search.backends.base import MatchFilters
from search.eligibility import ineligible_ids, participant_eligible_now
from search.models import ArchivedMatch
from search.scoring import (
    DEFAULT_TRAVEL_MILES,
    MAX_TRAVEL_MILES,
    NOT_FUNDABLE_LICENCES,
    OFFER_FIELDS,
    OFFER_SET_FIELDS,
    SEEKER_FIELDS,
    SEEKER_SET_FIELDS,
    STRONG_MATCH_SCORE,
    Match,
)


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


class _Memo(dict):
    """``memo[key]`` is ``compute(key)``, computed the first time the key is asked for."""

    __slots__ = ("compute",)

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


@functools.lru_cache(maxsize=50_000)
def _stored_set(prepare, text: str) -> frozenset:
    """A JSON list column's stored text as a ``scoring`` set (``prepare``): the same text always
    gives the same set, so it is kept across requests (candidates share a few thousand lists)."""
    return prepare(json.loads(text))


class _Columns:
    """``qs.values_list(*fields)`` in one query, read column by column.

    ``raw[name]`` holds a column's values as the database driver returned them, one per row, in
    the same row order for every column. ``convert[name](raw)`` turns one into the value Django
    would give (its converters, e.g. booleans on SQLite) and, for the JSON list columns in
    ``sets``, into the ``scoring`` set. Dates are read as ISO text and decimals as floats, so
    that candidates repeating the same value can share one conversion (``_Memo``).
    """

    def __init__(self, qs, fields: tuple[str, ...], sets: dict):
        opts = qs.model._meta
        kinds = {
            name: "" if name == "pk" else opts.get_field(name).get_internal_type()
            for name in fields
        }
        read_as = {"DateField": CharField, "DecimalField": FloatField}
        columns = [
            Cast(name, read_as[kinds[name]]()) if kinds[name] in read_as else name
            for name in fields
        ]
        # No ORDER BY: the rows are ranked in Python, and sorting them in SQL costs a temp B-tree.
        compiler = qs.order_by().values_list(*columns).query.get_compiler(using=qs.db)
        chunks = compiler.execute_sql(MULTI)  # an empty iterator when the filters match nothing
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        connection = compiler.connection

        def converter(pos: int, name: str):
            if kinds[name] == "DateField":
                return lambda raw: None if raw is None else datetime.date.fromisoformat(raw)
            if name in sets and kinds[name] == "JSONField" and opts.get_field(name).decoder is None:
                prepare = sets[name]
                return lambda raw: (
                    _stored_set(prepare, raw) if isinstance(raw, str) else prepare(raw)
                )
            convs, expression = converters.get(pos, ((), None))
            prepare = sets.get(name)

            def convert(raw):
                value = raw
                for func in convs:
                    value = func(value, expression, connection)
                return value if prepare is None else prepare(value)

            return convert

        self.convert = {name: converter(pos, name) for pos, name in enumerate(fields)}
        rows = list(chain.from_iterable(chunks))
        self.raw = (
            dict(zip(fields, zip(*rows, strict=True), strict=True))
            if rows
            else dict.fromkeys(fields, ())
        )


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


def _each(memo: _Memo, *columns) -> map:
    """``memo[value]`` for each row, lazily: a column's values, or several columns' as tuples."""
    return map(memo.__getitem__, columns[0] if len(columns) == 1 else zip(*columns, strict=True))


def _add(*parts: int) -> int:
    return sum(parts)


def _scores(*components) -> map:
    """Each row's score from its six component columns (in ``scoring.WEIGHTS`` order): the sum
    of ``scoring.part_points``, worked out once per distinct component value — the same
    whole-number parts as ``scoring.points``."""
    return map(_add, *(
        _each(_Memo(functools.partial(scoring.part_points, name)), values)
        for name, values in zip(scoring.WEIGHTS, components, strict=True)
    ))


#: What ``place`` memos give for a pair beyond the travel limit (or with no location).
_OUT_OF_REACH = (None, 0.0)


def _ranked(
    entries: list[tuple[int, float, int]], limit: int | None
) -> list[tuple[int, float, int]]:
    return heapq.nsmallest(limit, entries) if limit is not None else sorted(entries)


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


#: The columns the score needs (``RankedMatches`` reads the whole record for matches it builds).
_OFFER_SCORE_FIELDS = (
    "pk",
    "remote",
    "latitude",
    "longitude",
    "essential_skills",
    "desirable_skills",
    "required_licences",
    "sector",
    "hours_per_week",
    "start_date",
    "adjustments",
)
_SEEKER_SCORE_FIELDS = (
    "pk",
    "programme_id",
    "latitude",
    "longitude",
    "max_travel_miles",
    "skills",
    "licences",
    "sector_interests",
    "hours_min",
    "hours_max",
    "available_from",
    "adjustments_needed",
)


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
    def opportunity_candidates(self, seeker: scoring.Seeker, *, filters: MatchFilters, today):
        """The SQL part: opportunities passing the hard filters that SQL can check."""
        qs = Opportunity.objects.filter(
            status=OpportunityStatus.LIVE, places_filled__lt=F("places")
        )
        qs = qs.filter(Q(rolling=True) | Q(closing_date__isnull=True) | Q(closing_date__gte=today))
        qs = qs.filter(
            Q(ring_fenced=False) | Q(programme__isnull=True) | Q(programme_id=seeker.programme_id)
        )
        age = age_on(seeker.date_of_birth, today)
        if age is None:
            qs = qs.filter(min_age__isnull=True, max_age__isnull=True)
        else:
            qs = qs.filter(Q(min_age__isnull=True) | Q(min_age__lte=age))
            qs = qs.filter(Q(max_age__isnull=True) | Q(max_age__gte=age))
        miles = seeker.travel_limit
        if filters.within_miles:
            miles = min(miles, filters.within_miles)
        if seeker.latitude is None or seeker.longitude is None:
            qs = qs.filter(remote=True)
        else:
            low_lat, high_lat, low_lon, high_lon = bounding_box(
                (seeker.latitude, seeker.longitude), miles
            )
            qs = qs.filter(
                Q(remote=True)
                | Q(
                    latitude__gte=low_lat,
                    latitude__lte=high_lat,
                    longitude__gte=low_lon,
                    longitude__lte=high_lon,
                )
            )
        # After the box, so that the database tests the lists only of opportunities near enough.
        for licence in sorted(NOT_FUNDABLE_LICENCES - seeker.licences):
            qs = qs.exclude(json_list_has("required_licences", licence))
        if filters.sector:
            qs = qs.filter(sector=filters.sector)
        if filters.opportunity_type:
            qs = qs.filter(opportunity_type=filters.opportunity_type)
        return qs.exclude(
            pk__in=ArchivedMatch.objects.filter(participant_id=seeker.pk).values("opportunity_id")
        )

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
        rows = _Columns(
            self.opportunity_candidates(seeker, filters=filters, today=today),
            _OFFER_SCORE_FIELDS,
            OFFER_SET_FIELDS,
        )
        convert, column = rows.convert, rows.raw
        travel_limit = seeker.travel_limit
        reach = min(travel_limit, filters.within_miles) if filters.within_miles else travel_limit
        floor = STRONG_MATCH_SCORE if filters.strong_only else 0

        def place(key) -> tuple[float | None, float]:
            """(distance, distance component) for a (remote, latitude, longitude)."""
            remote, lat, lon = key
            if remote:
                return None, scoring.distance_value(None, travel_limit)
            if lat is None or lon is None:
                return _OUT_OF_REACH
            distance = haversine_miles((seeker.latitude, seeker.longitude), (lat, lon))
            return (
                (distance, scoring.distance_value(distance, travel_limit))
                if distance <= reach
                else _OUT_OF_REACH
            )

        # Column by column, each component once per distinct stored value (the person's side is
        # fixed): candidates share a few places, sectors, hours, dates and lists.
        places = list(
            _each(_Memo(place), column["remote"], column["latitude"], column["longitude"])
        )
        skills = _each(
            _Memo(lambda shares: scoring.skills_from_shares(*shares)),
            _each(
                _Memo(
                    lambda raw: scoring.share_of(convert["essential_skills"](raw), seeker.skills)
                ),
                column["essential_skills"],
            ),
            _each(
                _Memo(
                    lambda raw: scoring.share_of(convert["desirable_skills"](raw), seeker.skills)
                ),
                column["desirable_skills"],
            ),
            _each(
                _Memo(
                    lambda raw: scoring.share_of(convert["required_licences"](raw), seeker.licences)
                ),
                column["required_licences"],
            ),
        )
        sector = _each(
            _Memo(lambda raw: scoring.sector_value(
                sector_normalise(convert["sector"](raw)), seeker.sectors)),
            column["sector"],
        )
        hours = _each(
            _Memo(
                lambda raw: scoring.hours_value(
                    convert["hours_per_week"](raw), seeker.hours_min, seeker.hours_max
                )
            ),
            column["hours_per_week"],
        )
        start = _each(
            _Memo(
                lambda raw: scoring.start_value(
                    convert["start_date"](raw), seeker.available_from, today
                )
            ),
            column["start_date"],
        )
        adjustments = _each(
            _Memo(
                lambda raw: scoring.adjustments_value(
                    seeker.adjustments, convert["adjustments"](raw)
                )
            ),
            column["adjustments"],
        )
        scores = _scores(skills, sector, map(itemgetter(1), places), hours, start, adjustments)
        entries = [
            (-points, where[0] or 0.0, pk)
            for pk, where, points in zip(column["pk"], places, scores, strict=True)
            if where is not _OUT_OF_REACH and points >= floor
        ]
        if filters.strong_only and entries:
            # Strong means no dealbreaker too: hours, start or adjustments failing a stated need.
            kept = {pk for _, _, pk in entries}
            blocked = {
                pk for pk, hours_raw, start_raw, adjustments_raw in zip(
                    column["pk"], column["hours_per_week"], column["start_date"],
                    column["adjustments"], strict=True,
                ) if pk in kept and (
                    scoring.hours_dealbreaker(
                        convert["hours_per_week"](hours_raw), seeker.hours_min, seeker.hours_max)
                    or scoring.start_dealbreaker(
                        convert["start_date"](start_raw), seeker.available_from, today)
                    or scoring.adjustments_dealbreaker(
                        seeker.adjustments, convert["adjustments"](adjustments_raw))
                )
            }
            entries = [entry for entry in entries if entry[2] not in blocked]

        def build(wanted: list[tuple[int, int]]) -> list[Match]:
            offers = {row[0]: scoring.offer_from_row(row) for row in Opportunity.objects.filter(
                pk__in=[pk for pk, _ in wanted]).values_list(*OFFER_FIELDS)}
            return _matches(((seeker, offers.get(pk), points) for pk, points in wanted),
                            filters=filters, today=today)

        return RankedMatches(_ranked(entries, limit), build)

    # --- participants for an opportunity ---------------------------------------------------
    def participant_candidates(
        self, offer: scoring.Offer, *, filters: MatchFilters, today, user=None
    ):
        """The SQL part: participants passing the hard filters that SQL can check."""
        qs = Participant.objects.filter(
            consent_employer_profile=True,
            erased_at__isnull=True,
            readiness__in=scoring.readiness_allowed(filters.include_getting_ready),
        ).exclude(status__in=scoring.CLOSED_PARTICIPANT_STATUSES)
        if user is not None:
            qs = qs.filter(pk__in=participants_for_user(user).values("pk"))
        if offer.ring_fenced and offer.programme_id:
            qs = qs.filter(programme_id=offer.programme_id)
        if offer.min_age is not None:
            qs = qs.filter(date_of_birth__lte=years_before(today, offer.min_age))
        if offer.max_age is not None:
            qs = qs.filter(date_of_birth__gt=years_before(today, offer.max_age + 1))
        if not offer.remote:
            if offer.latitude is None or offer.longitude is None:
                return qs.none()
            # A box around the opportunity as wide as each person's travel limit, in floating
            # point (exact numeric arithmetic on every row is slow on PostgreSQL).
            limit = Cast(Least(Coalesce(F("max_travel_miles"), Value(DEFAULT_TRAVEL_MILES)),
                               Value(filters.within_miles or MAX_TRAVEL_MILES)), FloatField())
            lon_scale = miles_per_degree_longitude(offer.latitude, MAX_TRAVEL_MILES)
            qs = qs.alias(
                _limit=limit,
                _north_south=Abs(F("latitude") - Value(offer.latitude))
                * Value(MILES_PER_DEGREE_LATITUDE),
                _east_west=Abs(F("longitude") - Value(offer.longitude)) * Value(lon_scale),
            ).filter(_north_south__lte=F("_limit"), _east_west__lte=F("_limit"))
        # After the box, so that the database tests the lists only of people near enough.
        for licence in sorted(offer.required_licences & NOT_FUNDABLE_LICENCES):
            qs = qs.filter(json_list_has("licences", licence))
        if filters.sector:
            qs = qs.filter(json_list_has("sector_interests", filters.sector))
        return qs.exclude(
            pk__in=ArchivedMatch.objects.filter(opportunity_id=offer.pk).values("participant_id")
        )

    @_gc_paused()
    def participants_for_opportunity(
        self, opportunity, *, filters: MatchFilters, today: datetime.date, user=None,
        limit: int | None = None,
    ) -> Sequence[Match]:
        offer = scoring.offer_from(opportunity)
        if not scoring.offer_open(offer, today=today):
            return []
        rows = _Columns(self.participant_candidates(offer, filters=filters, today=today, user=user),
                        _SEEKER_SCORE_FIELDS, SEEKER_SET_FIELDS)
        convert, column = rows.convert, rows.raw
        ineligible = ineligible_ids(dict(zip(column["pk"], column["programme_id"], strict=True)))
        within = filters.within_miles
        floor = STRONG_MATCH_SCORE if filters.strong_only else 0

        def place(key) -> tuple[float | None, float]:
            """(distance, distance component) for a (latitude, longitude, travel limit given)."""
            lat, lon, travel = key
            travel_limit = DEFAULT_TRAVEL_MILES if travel is None else min(travel, MAX_TRAVEL_MILES)
            if offer.remote:
                return None, scoring.distance_value(None, travel_limit)
            if lat is None or lon is None:
                return _OUT_OF_REACH
            distance = haversine_miles((lat, lon), (offer.latitude, offer.longitude))
            if distance > travel_limit or (within and distance > within):
                return _OUT_OF_REACH
            return distance, scoring.distance_value(distance, travel_limit)

        def skill_shares(raw) -> tuple[float | None, float | None]:
            held = convert["skills"](raw)
            return scoring.share_of(offer.essential_skills, held), scoring.share_of(
                offer.desirable_skills, held
            )

        # Column by column, each component once per distinct stored value (the opportunity's
        # side is fixed): candidates share a few places, sectors, hours, dates and lists.
        places = list(
            _each(_Memo(place), column["latitude"], column["longitude"], column["max_travel_miles"])
        )
        skills = _each(
            _Memo(lambda key: scoring.skills_from_shares(*key[0], key[1])),
            _each(_Memo(skill_shares), column["skills"]),
            _each(
                _Memo(
                    lambda raw: scoring.share_of(offer.required_licences, convert["licences"](raw))
                ),
                column["licences"],
            ),
        )
        sector = _each(
            _Memo(lambda raw: scoring.sector_value(offer.sector, convert["sector_interests"](raw))),
            column["sector_interests"],
        )
        hours = _each(_Memo(lambda wanted: scoring.hours_value(
            offer.hours, convert["hours_min"](wanted[0]), convert["hours_max"](wanted[1]))),
            column["hours_min"], column["hours_max"])
        start = _each(
            _Memo(
                lambda raw: scoring.start_value(
                    offer.start_date, convert["available_from"](raw), today
                )
            ),
            column["available_from"],
        )
        adjustments = _each(
            _Memo(
                lambda raw: scoring.adjustments_value(
                    convert["adjustments_needed"](raw), offer.adjustments
                )
            ),
            column["adjustments_needed"],
        )
        scores = _scores(skills, sector, map(itemgetter(1), places), hours, start, adjustments)
        entries = [
            (-points, where[0] or 0.0, pk)
            for pk, where, points in zip(column["pk"], places, scores, strict=True)
            if where is not _OUT_OF_REACH and points >= floor and pk not in ineligible
        ]
        if filters.strong_only and entries:
            # Strong means no dealbreaker too: hours, start or adjustments failing a stated need.
            kept = {pk for _, _, pk in entries}
            blocked = {
                pk for pk, low, high, available, needed in zip(
                    column["pk"], column["hours_min"], column["hours_max"],
                    column["available_from"], column["adjustments_needed"], strict=True,
                ) if pk in kept and (
                    scoring.hours_dealbreaker(
                        offer.hours, convert["hours_min"](low), convert["hours_max"](high))
                    or scoring.start_dealbreaker(
                        offer.start_date, convert["available_from"](available), today)
                    or scoring.adjustments_dealbreaker(
                        convert["adjustments_needed"](needed), offer.adjustments)
                )
            }
            entries = [entry for entry in entries if entry[2] not in blocked]

        def build(wanted: list[tuple[int, int]]) -> list[Match]:
            seekers = {row[0]: scoring.seeker_from_row(row) for row in Participant.objects.filter(
                pk__in=[pk for pk, _ in wanted]).values_list(*SEEKER_FIELDS)}
            for pk, seeker in seekers.items():
                seeker.eligible = pk not in ineligible
            return _matches(((seekers.get(pk), offer, points) for pk, points in wanted),
                            filters=filters, today=today)

        return RankedMatches(_ranked(entries, limit), build)

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
