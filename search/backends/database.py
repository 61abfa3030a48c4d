"""The database backend: ordinary ORM queries on SQLite or PostgreSQL; always available.

The tables are the index, so ``index``/``remove`` have nothing to do. Matching runs the hard
filters in SQL (status, places, readiness, consent, programme ring-fence, age, licences that
cannot be bought, a bounding box for the travel limit), reads only the columns matching needs
for the candidates left, and scores them in Python with ``search.scoring``. One or two queries
per request, whatever the number of results.

A request can have a few thousand candidates, so (1) the rows are read lean (``_LeanRows``: no
ORDER BY; each column converted as Django would, but once per distinct stored value, list columns
straight to the sets matching uses); (2) each candidate's score is first bounded from its plain
columns (the skills lists, and some other lists, are not even parsed) and candidates are then
scored exactly, best bound first, until no bound left can reach the 20th score (``_best``);
(3) components shared between candidates are computed once (``scoring.Scorer``); (4) ``Match``
objects are built only for the results returned. Results, scores, order and reasons are exactly
those of ``scoring.match`` on every pair (tests/search/test_matching_equivalence.py).
"""

from __future__ import annotations

import datetime
import heapq
import math
from decimal import Decimal
from itertools import chain
from operator import itemgetter

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce, Least
from django.db.models.sql.constants import MULTI

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant
from brokerage.participants.selectors import json_list_has, participants_for_user
from search import scoring
from search.backends.base import MatchFilters
from search.models import ArchivedMatch
from search.scoring import (
    DEFAULT_TRAVEL_MILES,
    MAX_TRAVEL_MILES,
    MILES_PER_DEGREE_LATITUDE,
    NOT_FUNDABLE_LICENCES,
    OFFER_FIELDS,
    OFFER_SET_FIELDS,
    SEEKER_FIELDS,
    SEEKER_SET_FIELDS,
    STRONG_MATCH_SCORE,
    Match,
)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _LeanRows:
    """``qs.values_list(*fields)`` in one query, converted cheaply and only as far as needed.

    Each column gets Django's own converters (dates and booleans on SQLite, JSON, decimals) and,
    for the list columns in ``sets``, the ``scoring`` set function, but once per distinct stored
    value: candidates repeat the same dates, hours and lists many times. ``scalars`` converts
    the plain columns of a row and the list columns named in ``early`` (enough to bound its
    score); ``complete`` the other list columns too.
    """

    def __init__(self, qs, fields: tuple[str, ...], sets: dict, early: tuple[str, ...] = ()):
        # No ORDER BY: the rows are ranked in Python, and sorting them in SQL costs a temp B-tree.
        compiler = qs.order_by().values_list(*fields).query.get_compiler(using=qs.db)
        chunks = compiler.execute_sql(MULTI)  # an empty iterator when the filters match nothing
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        self.connection = compiler.connection
        self.scalar_plan, self.set_plan = [], []
        for pos, name in enumerate(fields):
            convs, expression = converters.get(pos, ((), None))
            step = (pos, tuple(convs), expression, sets.get(name), {})
            if name in sets and name not in early:
                self.set_plan.append(step)
            elif convs or name in sets:
                self.scalar_plan.append(step)
        self.rows = list(chain.from_iterable(chunks))

    def _apply(self, row: list, plan) -> list:
        for pos, convs, expression, prepare, seen in plan:
            raw = row[pos]
            try:
                row[pos] = seen[raw]
                continue
            except KeyError:
                pass
            except TypeError:  # an unhashable raw value: convert it without remembering it
                seen = None
            value = raw
            for convert in convs:
                value = convert(value, expression, self.connection)
            if prepare is not None:
                value = prepare(value)
            if seen is not None:
                seen[raw] = value
            row[pos] = value
        return row

    def scalars(self, row) -> list:
        return self._apply(list(row), self.scalar_plan)

    def complete(self, row: list) -> list:
        return self._apply(row, self.set_plan)


#: Added to every upper bound so that rounding in a different order can never cut a candidate.
_SLACK = 1e-6


def _best(candidates, evaluate, *, filters: MatchFilters, limit: int | None, today) -> list[Match]:
    """The ranked matches among ``candidates``: (upper bound of the score, row) pairs.

    ``evaluate(row)`` returns the (seeker, offer) pair or None. Candidates are scored exactly
    (``scoring.eligible`` and ``scoring.Scorer``, the same numbers as ``scoring.match``) best
    bound first; once ``limit`` matches are held, a candidate whose bound is below the lowest
    score held cannot enter the list (nor tie: ties need an equal score), and neither can any
    after it. The order is ``scoring.rank_key``; ``Match`` objects are only built for the
    matches returned.
    """
    if limit is not None and limit <= 0:
        return []
    include = filters.include_getting_ready
    within = filters.within_miles
    floor = STRONG_MATCH_SCORE if filters.strong_only else None
    scorer = scoring.Scorer(today)
    eligible = scoring.eligible
    candidates.sort(key=itemgetter(0), reverse=True)
    held: list[int] = []  # the best ``limit`` scores so far (a min-heap)
    ranked = []
    for bound, row in candidates:
        cap = math.ceil(bound)
        if floor is not None and cap < floor:
            break
        if limit is not None and len(held) >= limit and cap < held[0]:
            break
        pair = evaluate(row)
        if pair is None:
            continue
        seeker, offer = pair
        fit = eligible(seeker, offer, today=today, include_getting_ready=include)
        if fit is None:
            continue
        distance = fit.distance
        if within and distance is not None and distance > within:
            continue
        points = scorer.score(seeker, offer, fit)
        if floor is not None and points < floor:
            continue
        if limit is not None:
            (heapq.heappush if len(held) < limit else heapq.heappushpop)(held, points)
        # scoring.rank_key, without building the Match; (offer pk, seeker pk) is unique.
        ranked.append((-points, distance if distance is not None else 0.0, offer.pk, seeker.pk,
                       seeker, offer, fit))
    best = heapq.nsmallest(limit, ranked) if limit is not None else sorted(ranked)
    return [Match(seeker, offer, fit, -neg, today) for neg, _, _, _, seeker, offer, fit in best]


def _memo(cache: dict, key, compute):
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute(key)
        return value


def _words(text: str) -> list[str]:
    return [w for w in (text or "").split() if w][:8]


class DatabaseBackend:
    """Searches with ordinary ORM queries on SQLite or PostgreSQL; always available."""

    name = "database"

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
        qs = Opportunity.objects.filter(status=OpportunityStatus.LIVE, places_filled__lt=F("places"))
        qs = qs.filter(Q(ring_fenced=False) | Q(programme__isnull=True) | Q(programme_id=seeker.programme_id))
        age = scoring.age_on(seeker.date_of_birth, today)
        if age is None:
            qs = qs.filter(min_age__isnull=True, max_age__isnull=True)
        else:
            qs = qs.filter(Q(min_age__isnull=True) | Q(min_age__lte=age))
            qs = qs.filter(Q(max_age__isnull=True) | Q(max_age__gte=age))
        for licence in sorted(NOT_FUNDABLE_LICENCES - seeker.licences):
            qs = qs.exclude(json_list_has("required_licences", licence))
        miles = seeker.travel_limit
        if filters.within_miles:
            miles = min(miles, filters.within_miles)
        if seeker.latitude is None or seeker.longitude is None:
            qs = qs.filter(remote=True)
        else:
            low_lat, high_lat, low_lon, high_lon = scoring.bounding_box(seeker.latitude, seeker.longitude, miles)
            qs = qs.filter(
                Q(remote=True)
                | Q(latitude__gte=low_lat, latitude__lte=high_lat, longitude__gte=low_lon, longitude__lte=high_lon)
            )
        if filters.sector:
            qs = qs.filter(sector=filters.sector)
        if filters.opportunity_type:
            qs = qs.filter(opportunity_type=filters.opportunity_type)
        return qs.exclude(
            pk__in=ArchivedMatch.objects.filter(participant_id=seeker.pk).values("opportunity_id")
        )

    def opportunities_for_participant(
        self, participant, *, filters: MatchFilters, today: datetime.date, limit: int | None = None
    ) -> list[Match]:
        seeker = scoring.seeker_from(participant)
        if not scoring.seeker_matchable(seeker, include_getting_ready=filters.include_getting_ready):
            return []
        needs = seeker.adjustments
        lean = _LeanRows(self.opportunity_candidates(seeker, filters=filters, today=today),
                         OFFER_FIELDS, OFFER_SET_FIELDS, early=("adjustments",) if needs else ())
        # Bound each candidate's score from its plain columns (and the adjustments offered, when
        # the person needs some): sector, distance, hours, start and adjustments exactly,
        # skills (30) at most. Pairs the travel limit
        # excludes are dropped here already (the same test as ``scoring.eligible``).
        within = filters.within_miles
        limit_miles = seeker.travel_limit
        home = (seeker.latitude, seeker.longitude)
        sector_of, hours_of, start_of, miles_to, adjustments_of = {}, {}, {}, {}, {}
        sectors, hours_min, hours_max = seeker.sectors, seeker.hours_min, seeker.hours_max
        available = seeker.available_from
        w = scoring.WEIGHTS
        candidates = []
        for raw in lean.rows:
            row = lean.scalars(raw)
            # OFFER_FIELDS: ... 8 remote, 9 latitude, 10 longitude, 14 sector, 15 adjustments,
            # 16 hours, 17 start
            if row[8]:
                distance = None
            else:
                if None in home or row[9] is None or row[10] is None:
                    continue
                # Candidates share a few outward-code centroids: one distance per place.
                distance = _memo(miles_to, (row[9], row[10]),
                                 lambda v: scoring.haversine_miles(home[0], home[1], *v))
                if distance > limit_miles or (within and distance > within):
                    continue
            hours = row[16]
            bound = (
                w["skills"]
                + w["sector"] * _memo(sector_of, row[14] or "", lambda v: scoring.sector_value(v, sectors))
                + w["distance"] * scoring.distance_value(distance, limit_miles)
                + w["hours"] * _memo(hours_of, hours, lambda v: scoring.hours_value(
                    float(v) if isinstance(v, (Decimal, int, float)) else None, hours_min, hours_max))
                + w["start"] * _memo(start_of, row[17], lambda v: scoring.start_value(v, available, today))
                + w["adjustments"] * (
                    _memo(adjustments_of, row[15], lambda v: scoring.adjustments_value(needs, v))
                    if needs else 1.0
                )
                + _SLACK
            )
            candidates.append((bound, row))
        offer_from_row = scoring.offer_from_row
        return _best(
            candidates, lambda row: (seeker, offer_from_row(lean.complete(row), prepared=True)),
            filters=filters, limit=limit, today=today,
        )

    # --- participants for an opportunity ---------------------------------------------------
    def participant_candidates(self, offer: scoring.Offer, *, filters: MatchFilters, today, user=None):
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
            qs = qs.filter(date_of_birth__lte=_years_before(today, offer.min_age))
        if offer.max_age is not None:
            qs = qs.filter(date_of_birth__gt=_years_before(today, offer.max_age + 1))
        for licence in sorted(offer.required_licences & NOT_FUNDABLE_LICENCES):
            qs = qs.filter(json_list_has("licences", licence))
        if not offer.remote:
            if offer.latitude is None or offer.longitude is None:
                return qs.none()
            limit = Least(
                Coalesce(F("max_travel_miles"), Value(DEFAULT_TRAVEL_MILES)),
                Value(filters.within_miles or MAX_TRAVEL_MILES),
                output_field=FloatField(),
            )
            widest = MAX_TRAVEL_MILES / MILES_PER_DEGREE_LATITUDE
            lon_scale = MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(abs(offer.latitude) + widest)), 0.01)
            qs = qs.annotate(
                _dlat=limit / Value(MILES_PER_DEGREE_LATITUDE, output_field=FloatField()),
                _dlon=limit / Value(lon_scale, output_field=FloatField()),
            ).filter(
                latitude__gte=Value(offer.latitude) - F("_dlat"),
                latitude__lte=Value(offer.latitude) + F("_dlat"),
                longitude__gte=Value(offer.longitude) - F("_dlon"),
                longitude__lte=Value(offer.longitude) + F("_dlon"),
            )
        if filters.sector:
            qs = qs.filter(json_list_has("sector_interests", filters.sector))
        return qs.exclude(
            pk__in=ArchivedMatch.objects.filter(opportunity_id=offer.pk).values("participant_id")
        )

    def participants_for_opportunity(
        self, opportunity, *, filters: MatchFilters, today: datetime.date, user=None,
        limit: int | None = None,
    ) -> list[Match]:
        offer = scoring.offer_from(opportunity)
        if not scoring.offer_open(offer):
            return []
        lean = _LeanRows(self.participant_candidates(offer, filters=filters, today=today, user=user),
                         SEEKER_FIELDS, SEEKER_SET_FIELDS, early=("sector_interests", "adjustments_needed"))
        # Bound each candidate's score from its plain columns and two short lists: sector,
        # distance, hours, start and adjustments exactly, skills (30) at most. Pairs the travel limit
        # excludes are dropped here already (the same test as ``scoring.eligible``).
        within = filters.within_miles
        hours_of, start_of, miles_to, sector_of, adjustments_of = {}, {}, {}, {}, {}
        w = scoring.WEIGHTS
        candidates = []
        for raw in lean.rows:
            row = lean.scalars(raw)
            # SEEKER_FIELDS: ... 6 latitude, 7 longitude, 8 max travel, 11 sectors, 12 adjustments,
            # 13-14 hours, 15 available
            travel = row[8]
            limit_miles = DEFAULT_TRAVEL_MILES if travel is None else min(travel, MAX_TRAVEL_MILES)
            if offer.remote:
                distance = None
            else:
                if row[6] is None or row[7] is None:
                    continue
                # Candidates share a few outward-code centroids: one distance per place.
                distance = _memo(miles_to, (row[6], row[7]), lambda v: scoring.haversine_miles(
                    v[0], v[1], offer.latitude, offer.longitude))
                if distance > limit_miles or (within and distance > within):
                    continue
            bound = (
                w["skills"]
                + w["sector"] * _memo(sector_of, row[11], lambda v: scoring.sector_value(offer.sector, v))
                + w["distance"] * scoring.distance_value(distance, limit_miles)
                + w["hours"] * _memo(hours_of, (row[13], row[14]),
                                     lambda v: scoring.hours_value(offer.hours, *v))
                + w["start"] * _memo(start_of, row[15],
                                     lambda v: scoring.start_value(offer.start_date, v, today))
                + w["adjustments"] * _memo(adjustments_of, row[12],
                                           lambda v: scoring.adjustments_value(v, offer.adjustments))
                + _SLACK
            )
            candidates.append((bound, row))
        seeker_from_row = scoring.seeker_from_row
        return _best(
            candidates, lambda row: (seeker_from_row(lean.complete(row), prepared=True), offer),
            filters=filters, limit=limit, today=today,
        )

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
        return list(qs.order_by("last_name", "first_name", "pk").values_list("pk", flat=True)[:limit])
