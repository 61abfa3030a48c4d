"""The database backend: ordinary ORM queries on SQLite or PostgreSQL; always available.

The tables are the index, so ``index``/``remove`` have nothing to do. Matching runs the hard
filters in SQL (status, places, readiness, consent, programme ring-fence, age, licences that
cannot be bought, a bounding box for the travel limit), reads only the columns matching needs
for the candidates left, and scores them in Python with ``search.scoring``. One or two queries
per request, whatever the number of results.

A request can have a few thousand candidates, so the rows are read lean (``_lean_rows``: each
column converted, as Django would, once per distinct stored value, list columns straight to the
sets matching uses), components shared between candidates are computed once
(``scoring.Scorer``), and ``Match`` objects are built only for the results returned.
"""

from __future__ import annotations

import datetime
import heapq
import math
from itertools import chain

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


def _lean_rows(qs, fields: tuple[str, ...], sets: dict):
    """``qs.values_list(*fields)`` as lists, in one query, converted cheaply.

    Each column gets Django's own converters (dates and booleans on SQLite, JSON, decimals),
    then for the columns in ``sets`` the ``scoring`` set function, but once per distinct stored
    value: candidates repeat the same lists, dates and hours many times.
    """
    compiler = qs.values_list(*fields).query.get_compiler(using=qs.db)
    chunks = compiler.execute_sql(MULTI)  # an empty iterator when the filters match nothing
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    plan = []
    for pos, name in enumerate(fields):
        convs, expression = converters.get(pos, ((), None))
        if convs or name in sets:
            plan.append((pos, tuple(convs), expression, sets.get(name), {}))
    connection = compiler.connection
    for row in chain.from_iterable(chunks):
        row = list(row)
        for pos, convs, expression, prepare, seen in plan:
            raw = row[pos]
            try:
                row[pos] = seen[raw]
                continue
            except KeyError:
                pass
            except TypeError:  # an unhashable raw value: convert without remembering it
                seen = None
            value = raw
            for convert in convs:
                value = convert(value, expression, connection)
            if prepare is not None:
                value = prepare(value)
            if seen is not None:
                seen[raw] = value
            row[pos] = value
        yield row


def _top(pairs, *, filters: MatchFilters, limit: int | None, today: datetime.date) -> list[Match]:
    """Ranked ``Match`` objects from (seeker, offer) pairs already past the SQL filters.

    Same hard filters, scores and order (``scoring.rank_key``) as ``scoring.match`` on every
    pair; ``Match`` objects are only built for the pairs returned.
    """
    include = filters.include_getting_ready
    within = filters.within_miles
    strong_only = filters.strong_only
    scorer = scoring.Scorer(today)
    eligible = scoring.eligible
    ranked = []
    for seeker, offer in pairs:
        fit = eligible(seeker, offer, today=today, include_getting_ready=include)
        if fit is None:
            continue
        distance = fit.distance
        if within and distance is not None and distance > within:
            continue
        points = scorer.score(seeker, offer, fit)
        if strong_only and points < STRONG_MATCH_SCORE:
            continue
        # scoring.rank_key, without building the Match; (offer pk, seeker pk) is unique.
        ranked.append((-points, distance if distance is not None else 0.0, offer.pk, seeker.pk,
                       seeker, offer, fit))
    best = heapq.nsmallest(limit, ranked) if limit is not None else sorted(ranked)
    return [Match(seeker, offer, fit, -neg, today) for neg, _, _, _, seeker, offer, fit in best]


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
        rows = _lean_rows(self.opportunity_candidates(seeker, filters=filters, today=today),
                          OFFER_FIELDS, OFFER_SET_FIELDS)
        offer_from_row = scoring.offer_from_row
        pairs = ((seeker, offer_from_row(row, prepared=True)) for row in rows)
        return _top(pairs, filters=filters, limit=limit, today=today)

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
        rows = _lean_rows(self.participant_candidates(offer, filters=filters, today=today, user=user),
                          SEEKER_FIELDS, SEEKER_SET_FIELDS)
        seeker_from_row = scoring.seeker_from_row
        pairs = ((seeker_from_row(row, prepared=True), offer) for row in rows)
        return _top(pairs, filters=filters, limit=limit, today=today)

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
