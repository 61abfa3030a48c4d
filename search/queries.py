"""Elasticsearch query bodies, built as plain dicts by pure functions (unit-tested).

They mirror ``search.scoring``: the ``bool`` filter applies the same hard filters, and a
``function_score`` with one function per score component (same weights) pre-ranks the hits.
The backend then re-scores the best ``CANDIDATES`` hits with ``search.scoring`` itself, so
the order and the reasons shown are exactly those of the database backend.
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING

from brokerage.reference.ages import age_on, years_before
from search import scoring
from search.backends.base import MatchFilters
from search.scoring import NOT_FUNDABLE_LICENCES, WEIGHTS, Offer, Seeker

if TYPE_CHECKING:
    from brokerage.participants.visibility import ParticipantScope

#: How many pre-ranked hits are re-scored exactly.
CANDIDATES = 500

#: Elasticsearch's arc distance (and its quantised points) differ slightly from
#: ``search.scoring``; distance filters are widened by this much so they never drop a pair the
#: exact check, which runs on every hit, keeps.
_DISTANCE_MARGIN = 1.001


def _within(miles: float, point: dict) -> dict:
    return {
        "geo_distance": {"distance": f"{miles * _DISTANCE_MARGIN + 0.01:.3f}mi", "location": point}
    }


def _one_of(*clauses) -> dict:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


def _linear_distance(lat: float, lon: float, miles: float, weight: int) -> dict:
    # Linear decay reaching 0 at ``miles``: score = decay (0.5) at scale = miles / 2.
    half = max(miles / 2, 0.5)
    return {
        "linear": {
            "location": {"origin": {"lat": lat, "lon": lon}, "scale": f"{half}mi", "decay": 0.5}
        },
        "weight": weight,
    }


def _within_own_travel_limit(point: dict, miles: int) -> dict:
    """The opportunity is within each participant's own travel limit, without scripts.

    Travel limits are whole miles, so one clause per limit below ``miles`` pairs the limit with
    its distance; people whose limit is ``miles`` or more are bounded by the outer filter.
    ``search.scoring`` then checks the exact distance of every hit.
    """
    clauses = [{"range": {"travel_limit_miles": {"gte": miles}}}]
    for limit in range(miles):
        clauses.append({"bool": {"filter": [
            {"term": {"travel_limit_miles": limit}},
            _within(limit, point),
        ]}})
    return _one_of(*clauses)


def opportunity_match_query(
    seeker: Seeker,
    *,
    filters: MatchFilters,
    today: datetime.date,
    exclude_ids=(),
    size: int = CANDIDATES,
) -> dict:
    """Live opportunities a participant fits, pre-ranked."""
    must = [
        {"term": {"status": scoring.LIVE}},
        {"range": {"places_left": {"gte": 1}}},
        # the closing date, as of today (scoring.Offer.closed_by_date)
        _one_of(
            {"term": {"rolling": True}},
            {"bool": {"must_not": {"exists": {"field": "closing_date"}}}},
            {"range": {"closing_date": {"gte": today.isoformat()}}},
        ),
    ]
    must.append(
        _one_of(
            {"term": {"ring_fenced": False}}, {"term": {"programme_id": seeker.programme_id or 0}}
        )
    )
    age = age_on(seeker.date_of_birth, today)
    if age is None:
        must.append({"term": {"age_limited": False}})
    else:
        must.append(_one_of({"term": {"age_limited": False}}, {"term": {"age": age}}))
    miles = seeker.travel_limit
    if filters.within_miles:
        miles = min(miles, filters.within_miles)
    if seeker.latitude is None or seeker.longitude is None:
        must.append({"term": {"remote": True}})
    else:
        must.append(_one_of(
            {"term": {"remote": True}},
            _within(miles, {"lat": seeker.latitude, "lon": seeker.longitude}),
        ))
    if filters.sector:
        must.append({"term": {"sector": filters.sector}})
    if filters.opportunity_type:
        must.append({"term": {"opportunity_type": filters.opportunity_type}})
    must_not = []
    unobtainable = sorted(NOT_FUNDABLE_LICENCES - seeker.licences)
    if unobtainable:
        must_not.append({"terms": {"required_licences": unobtainable}})
    if exclude_ids:
        must_not.append({"ids": {"values": [str(i) for i in exclude_ids]}})

    functions = []
    if seeker.skills:
        functions.append(
            {
                "filter": {"terms": {"essential_skills": sorted(seeker.skills)}},
                "weight": WEIGHTS["skills"],
            }
        )
    if seeker.licences:
        functions.append(
            {"filter": {"terms": {"required_licences": sorted(seeker.licences)}}, "weight": 1}
        )
    if seeker.sectors:
        functions.append(
            {"filter": {"terms": {"sector": sorted(seeker.sectors)}}, "weight": WEIGHTS["sector"]}
        )
    if seeker.latitude is not None and seeker.longitude is not None:
        functions.append(
            _linear_distance(seeker.latitude, seeker.longitude, miles, WEIGHTS["distance"])
        )
    functions.append({"filter": {"term": {"remote": True}}, "weight": WEIGHTS["distance"]})
    if seeker.hours_min is not None or seeker.hours_max is not None:
        functions.append(
            {
                "filter": {
                    "range": {
                        "hours": {
                            k: v
                            for k, v in (("gte", seeker.hours_min), ("lte", seeker.hours_max))
                            if v is not None
                        }
                    }
                },
                "weight": WEIGHTS["hours"],
            }
        )
    available = max(seeker.available_from or today, today)
    functions.append(
        {
            "filter": {"range": {"start_date": {"gte": available.isoformat()}}},
            "weight": WEIGHTS["start"],
        }
    )
    if seeker.adjustments:
        functions.append(
            {
                "filter": {"terms": {"adjustments": sorted(seeker.adjustments)}},
                "weight": WEIGHTS["adjustments"],
            }
        )
    else:
        functions.append({"weight": WEIGHTS["adjustments"]})
    return {
        "size": size,
        "_source": False,
        "query": {
            "function_score": {
                "query": {"bool": {"filter": must, "must_not": must_not}},
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "replace",
            }
        },
        "sort": ["_score", {"pk": "asc"}],
    }


def participant_match_query(
    offer: Offer, *, filters: MatchFilters, today: datetime.date, scope: ParticipantScope | None = None,
    exclude_ids=(), size: int = CANDIDATES,
) -> dict:
    """Consenting participants who fit an opportunity, pre-ranked. Only indexable people are in
    the index (consent given, record open, job ready or getting ready); with ``scope``, only
    those its user may see (``brokerage.participants.visibility``)."""
    must = [
        {"terms": {"readiness": list(scoring.readiness_allowed(filters.include_getting_ready))}},
        # eligible when indexed; the backend checks each hit again as the rules stand now
        {"term": {"eligible": True}},
    ]
    if scope is not None:
        must.append(scope.es_filter())
    if offer.ring_fenced and offer.programme_id:
        must.append({"term": {"programme_id": offer.programme_id}})
    dob = {}
    if offer.min_age is not None:
        dob["lte"] = years_before(today, offer.min_age).isoformat()
    if offer.max_age is not None:
        dob["gt"] = years_before(today, offer.max_age + 1).isoformat()
    if dob:
        must.append({"range": {"date_of_birth": dob}})
    for licence in sorted(offer.required_licences & NOT_FUNDABLE_LICENCES):
        must.append({"term": {"licences": licence}})
    functions = []
    if not offer.remote:
        miles = min(filters.within_miles or scoring.MAX_TRAVEL_MILES, scoring.MAX_TRAVEL_MILES)
        point = {"lat": offer.latitude, "lon": offer.longitude}
        must.append(_within(miles, point))
        must.append(_within_own_travel_limit(point, miles))
        functions.append(
            _linear_distance(
                offer.latitude,
                offer.longitude,
                scoring.DEFAULT_TRAVEL_MILES * 2,
                WEIGHTS["distance"],
            )
        )
    else:
        functions.append({"weight": WEIGHTS["distance"]})
    if filters.sector:
        must.append({"term": {"sector_interests": filters.sector}})
    must_not = []
    if exclude_ids:
        must_not.append({"ids": {"values": [str(i) for i in exclude_ids]}})
    if offer.essential_skills:
        functions.append(
            {
                "filter": {"terms": {"skills": sorted(offer.essential_skills)}},
                "weight": WEIGHTS["skills"],
            }
        )
    if offer.sector:
        functions.append(
            {"filter": {"term": {"sector_interests": offer.sector}}, "weight": WEIGHTS["sector"]}
        )
    if offer.hours is not None:
        # within the person's whole-hour range; a term query cannot take 37.5 on an integer range
        hours = {
            "gte": math.floor(offer.hours),
            "lte": math.ceil(offer.hours),
            "relation": "contains",
        }
        functions.append({"filter": {"range": {"hours": hours}}, "weight": WEIGHTS["hours"]})
    if offer.start_date is not None:
        functions.append({
            "filter": _one_of(
                {"bool": {"must_not": {"exists": {"field": "available_from"}}}},
                {"range": {"available_from": {"lte": max(offer.start_date, today).isoformat()}}},
            ),
            "weight": WEIGHTS["start"],
        })
    if offer.adjustments:
        functions.append(
            {
                "filter": {"terms": {"adjustments_needed": sorted(offer.adjustments)}},
                "weight": WEIGHTS["adjustments"],
            }
        )
    return {
        "size": size,
        "_source": False,
        "query": {
            "function_score": {
                "query": {"bool": {"filter": must, "must_not": must_not}},
                "functions": functions,
                "score_mode": "sum",
                "boost_mode": "replace",
            }
        },
        "sort": ["_score", {"pk": "asc"}],
    }


def staff_opportunity_query(text: str, *, size: int = 20) -> dict:
    """Full-text search over live opportunities (English-analysed, typo-tolerant)."""
    return {
        "size": size,
        "_source": False,
        "query": {
            "bool": {
                "must": [{
                    "multi_match": {
                        "query": text,
                        "fields": ["title^3", "employer_name^2", "description", "postcode"],
                        "fuzziness": "AUTO",
                        "operator": "and",
                    }
                }],
                "filter": [{"term": {"status": scoring.LIVE}}],
            }
        },
    }
