"""How a participant and an opportunity are matched: hard filters, a score, and reasons.

This module is the one place the rules live. Both search backends use it: the database backend
narrows the candidates in SQL and then adds up each one's ``points`` from the component
functions here (and checks the pairs it returns with ``eligible``); the Elasticsearch
backend narrows and pre-ranks in the cluster (``search.queries`` mirrors the same rules) and
then re-scores the hits here, so the two backends rank and explain in the same way.

Hard filters (a pair failing any is never shown). ``eligible`` is the one check; both backends
narrow with the same rules first (the database backend in SQL, ``search.queries`` in
Elasticsearch) and check every pair they return here; tests/search/test_hard_filters.py runs
each filter through each backend:

- the opportunity is live and has places left;
- its closing date has not passed (as of today: a non-rolling opportunity closing yesterday is
  out at midnight, not when the nightly close task gets to it). A start date already passed
  is taken as "starts now" (as of today) by the start component and the start dealbreaker;
- the participant is job ready (or getting ready, when the key worker asks for them too),
  has consented to an anonymised profile being shared, and their record is open;
- the participant is eligible for their programme now: a coordinator's override, or the
  programme's ``EligibilityRule`` rows (data) evaluated as they stand today by
  ``brokerage.participants.services.eligibility_evaluate`` (``search.eligibility`` calls it);
- a ring-fenced opportunity is only for participants enrolled on its programme;
- the participant's age (today) is within the opportunity's age range, if it has one;
- the participant holds every required licence, or the missing ones are licences the
  flexible fund can pay for (``FUND_OBTAINABLE_LICENCES``) — those pairs are kept but
  flagged so the key worker sees what needs buying;
- the opportunity can be done from home, or is within the participant's travel limit
  (``DEFAULT_TRAVEL_MILES`` when none is recorded), measured as the crow flies between
  the outward-code centroids of the two postcodes (``brokerage.reference.geometry``).

The score (0 to 100) adds up six whole-number parts. Each part is its component (between 0 and
1) times the component's weight (``WEIGHTS``), rounded to the nearest whole point with halves
rounded up (12.5 → 13; ``part_points``); the score is the sum of those parts, so the breakdown
shown on the match page always adds up to the score. The components:

``skills``
    Skills and qualifications: the share of the opportunity's essential skills the person has
    (counts most), of its desirable skills, and of its required licences already held (a
    licence the fund would have to buy counts as not held). 0.5 when the opportunity asks for
    nothing, so that a person whose skills fit ranks above a job that asks for none.
``sector``
    1 when the opportunity's sector is one the person wants to work in, 0 when they named
    other sectors, 0.5 when they have not said.
``distance``
    1 for work from home; otherwise falls in a straight line from 1 (same outward code) to 0
    at the person's travel limit.
``hours``
    1 when the weekly hours are within the person's range; falls by 0.1 for every hour
    outside it; 0.5 when either side has not said.
``start``
    1 when the person is available by the start date; falls to 0 when they become available
    four weeks or more after it; 0.75 when the start date is to be agreed.
``adjustments``
    The share of the adjustments the person needs that the opportunity offers; 1 when they
    need none.

Dealbreakers: a pair that fails a need the person stated is still shown (the key worker may
know better) but is never "strong", and the reason comes first in its list:

- the weekly hours are outside the person's range by more than ``HOURS_DEALBREAKER_MARGIN``;
- the person needs an adjustment the opportunity does not offer;
- the opportunity starts more than ``START_DEALBREAKER_DAYS`` before the person is available.

Skills, sectors and licences are compared after ``brokerage.reference.vocabulary`` has
normalised both sides (case, spaces, punctuation, synonyms), as they are stored.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import Decimal

from brokerage.reference.ages import age_on
from brokerage.reference.choices import Adjustment, Licence, Sector
from brokerage.reference.geometry import haversine_miles
from brokerage.reference.vocabulary import (
    licences_normalise,
    sector_normalise,
    sectors_normalise,
    skills_normalise,
)

# --- the numbers ------------------------------------------------------------------------------

#: Weight of each score component (they add up to 100, so the score reads as a percentage).
WEIGHTS: dict[str, int] = {
    "skills": 30,
    "sector": 20,
    "distance": 20,
    "hours": 10,
    "start": 10,
    "adjustments": 10,
}
COMPONENT_LABELS: dict[str, str] = {
    "skills": "Skills and qualifications",
    "sector": "Sector interest",
    "distance": "Distance",
    "hours": "Hours",
    "start": "Start date",
    "adjustments": "Adjustments",
}

#: A match at or above this score is "strong": it is tagged in lists and sent in digests.
STRONG_MATCH_SCORE = 70
#: The travel limit assumed for a participant who has not given one.
DEFAULT_TRAVEL_MILES = 10
#: The furthest any participant's travel limit is taken to be (bounds the search box).
MAX_TRAVEL_MILES = 100
#: Licences the flexible fund can pay for (training courses, cards and certificates).
FUND_OBTAINABLE_LICENCES = frozenset(
    {
        Licence.CSCS,
        Licence.SIA,
        Licence.FOOD_HYGIENE,
        Licence.FIRST_AID,
        Licence.FORKLIFT,
        Licence.PASMA,
        Licence.DBS,
    }
)
#: Licences only the person can obtain (a driving test); missing ones exclude the pair.
NOT_FUNDABLE_LICENCES = frozenset(set(Licence.values) - FUND_OBTAINABLE_LICENCES)

#: The start component falls to 0 when the person is available this many days after the start.
LATE_START_DAYS = 28

#: Dealbreaker: weekly hours outside the person's range by more than this many hours.
HOURS_DEALBREAKER_MARGIN = 4
#: Dealbreaker: the opportunity starts more than this many days before the person is available.
START_DEALBREAKER_DAYS = 0

JOB_READY = "job_ready"
GETTING_READY = "getting_ready"
LIVE = "live"
CLOSED_PARTICIPANT_STATUSES = frozenset({"closed", "erased"})

_LICENCE = dict(Licence.choices)
_SECTOR = dict(Sector.choices)
_ADJUSTMENT = dict(Adjustment.choices)


# --- the two sides ----------------------------------------------------------------------------


@dataclass(slots=True)
class Seeker:
    """What matching needs to know about a participant."""

    pk: int
    programme_id: int | None
    readiness: str
    status: str = "active"
    consenting: bool = True
    date_of_birth: datetime.date | None = None
    latitude: float | None = None
    longitude: float | None = None
    max_travel_miles: int | None = None
    licences: frozenset = frozenset()
    skills: frozenset = frozenset()
    sectors: frozenset = frozenset()
    adjustments: frozenset = frozenset()
    hours_min: int | None = None
    hours_max: int | None = None
    available_from: datetime.date | None = None
    key_worker_id: int | None = None
    #: Eligible for their programme now (``search.eligibility``); a hard filter.
    eligible: bool = True

    @property
    def travel_limit(self) -> int:
        if self.max_travel_miles is None:
            return DEFAULT_TRAVEL_MILES
        return min(self.max_travel_miles, MAX_TRAVEL_MILES)


@dataclass(slots=True)
class Offer:
    """What matching needs to know about an opportunity."""

    pk: int
    programme_id: int | None = None
    status: str = LIVE
    places_left: int = 1
    ring_fenced: bool = False
    min_age: int | None = None
    max_age: int | None = None
    remote: bool = False
    latitude: float | None = None
    longitude: float | None = None
    required_licences: frozenset = frozenset()
    essential_skills: frozenset = frozenset()
    desirable_skills: frozenset = frozenset()
    sector: str = ""
    adjustments: frozenset = frozenset()
    hours: float | None = None
    start_date: datetime.date | None = None
    closing_date: datetime.date | None = None
    rolling: bool = False

    def closed_by_date(self, today: datetime.date) -> bool:
        """The closing date has passed (a rolling opportunity has none that counts)."""
        return not self.rolling and self.closing_date is not None and self.closing_date < today


SEEKER_FIELDS = (
    "pk", "programme_id", "readiness", "status", "consent_employer_profile", "date_of_birth",
    "latitude", "longitude", "max_travel_miles", "licences", "skills", "sector_interests",
    "adjustments_needed", "hours_min", "hours_max", "available_from", "key_worker_id",
)
OFFER_FIELDS = (
    "pk", "programme_id", "status", "places", "places_filled", "ring_fenced", "min_age",
    "max_age", "remote", "latitude", "longitude", "required_licences", "essential_skills",
    "desirable_skills", "sector", "adjustments", "hours_per_week", "start_date", "closing_date",
    "rolling",
)


def _skill_set(values) -> frozenset:
    return frozenset(skills_normalise(values))


def _licence_set(values) -> frozenset:
    return frozenset(licences_normalise(values))


def _sector_set(values) -> frozenset:
    return frozenset(sectors_normalise(values))


def _as_set(values) -> frozenset:
    return frozenset(values or ())


#: How each list column becomes a set on a ``Seeker``/``Offer`` (normalised by
#: ``brokerage.reference.vocabulary``). A backend reading many rows may apply these once per
#: distinct stored value and pass ``prepared=True`` to the row functions.
SEEKER_SET_FIELDS = {"licences": _licence_set, "skills": _skill_set,
                     "sector_interests": _sector_set, "adjustments_needed": _as_set}
OFFER_SET_FIELDS = {"required_licences": _licence_set, "essential_skills": _skill_set,
                    "desirable_skills": _skill_set, "adjustments": _as_set}


def seeker_from_row(row, *, prepared: bool = False) -> Seeker:
    """A ``Seeker`` from a ``values_list(*SEEKER_FIELDS)`` row (list columns already sets when
    ``prepared``)."""
    (pk, programme_id, readiness, status, consent, dob, lat, lon, travel, licences, skills,
     sectors, adjustments, hours_min, hours_max, available_from, key_worker_id) = row
    if not prepared:
        licences, skills = _licence_set(licences), _skill_set(skills)
        sectors, adjustments = _sector_set(sectors), _as_set(adjustments)
    return Seeker(
        pk=pk, programme_id=programme_id, readiness=readiness, status=status,
        consenting=bool(consent), date_of_birth=dob, latitude=lat, longitude=lon,
        max_travel_miles=travel, licences=licences, skills=skills,
        sectors=sectors, adjustments=adjustments,
        hours_min=hours_min, hours_max=hours_max, available_from=available_from,
        key_worker_id=key_worker_id,
    )


def seeker_from(participant) -> Seeker:
    return seeker_from_row(tuple(
        participant.consent_employer_profile if name == "consent_employer_profile"
        else getattr(participant, name)
        for name in SEEKER_FIELDS
    ))


def offer_from_row(row, *, prepared: bool = False) -> Offer:
    """An ``Offer`` from a ``values_list(*OFFER_FIELDS)`` row (list columns already sets when
    ``prepared``)."""
    (pk, programme_id, status, places, filled, ring_fenced, min_age, max_age, remote, lat, lon,
     licences, essential, desirable, sector, adjustments, hours, start_date, closing_date,
     rolling) = row
    if not prepared:
        licences, essential = _licence_set(licences), _skill_set(essential)
        desirable, adjustments = _skill_set(desirable), _as_set(adjustments)
    return Offer(
        pk=pk, programme_id=programme_id, status=status, places_left=max(places - filled, 0),
        ring_fenced=ring_fenced, min_age=min_age, max_age=max_age, remote=remote,
        latitude=lat, longitude=lon, required_licences=licences,
        essential_skills=essential, desirable_skills=desirable,
        sector=sector_normalise(sector), adjustments=adjustments,
        hours=float(hours) if isinstance(hours, (Decimal, int, float)) else None,
        start_date=start_date, closing_date=closing_date, rolling=bool(rolling),
    )


def offer_from(opportunity) -> Offer:
    return offer_from_row(tuple(getattr(opportunity, name) for name in OFFER_FIELDS))


# --- hard filters -----------------------------------------------------------------------------


def readiness_allowed(include_getting_ready: bool) -> tuple[str, ...]:
    return (JOB_READY, GETTING_READY) if include_getting_ready else (JOB_READY,)


def seeker_matchable(seeker: Seeker, *, include_getting_ready: bool = False) -> bool:
    """The participant's own hard filters: consent, an open record, readiness, eligibility."""
    return (
        seeker.consenting
        and seeker.status not in CLOSED_PARTICIPANT_STATUSES
        and seeker.readiness in readiness_allowed(include_getting_ready)
        and seeker.eligible
    )


def offer_open(offer: Offer, *, today: datetime.date) -> bool:
    """The opportunity's own hard filters: live, places left, closing date not passed."""
    return offer.status == LIVE and offer.places_left > 0 and not offer.closed_by_date(today)


@dataclass(slots=True)
class Fit:
    """A pair that passed the hard filters: its distance and licences the fund must buy."""

    distance: float | None
    fund_licences: tuple[str, ...] = ()


def eligible(
    seeker: Seeker, offer: Offer, *, today: datetime.date, include_getting_ready: bool = False
) -> Fit | None:
    """``Fit`` when the pair passes every hard filter, else None."""
    if not (
        offer_open(offer, today=today)
        and seeker_matchable(seeker, include_getting_ready=include_getting_ready)
    ):
        return None
    if offer.ring_fenced and offer.programme_id and offer.programme_id != seeker.programme_id:
        return None
    if offer.min_age is not None or offer.max_age is not None:
        age = age_on(seeker.date_of_birth, today)
        if age is None:
            return None
        if offer.min_age is not None and age < offer.min_age:
            return None
        if offer.max_age is not None and age > offer.max_age:
            return None
    missing = offer.required_licences - seeker.licences
    if missing & NOT_FUNDABLE_LICENCES:
        return None
    distance = None
    if not offer.remote:
        if None in (offer.latitude, offer.longitude, seeker.latitude, seeker.longitude):
            return None
        distance = haversine_miles(
            (seeker.latitude, seeker.longitude), (offer.latitude, offer.longitude)
        )
        if distance > seeker.travel_limit:
            return None
    return Fit(distance=distance, fund_licences=tuple(sorted(missing)))


# --- the score --------------------------------------------------------------------------------


def share_of(wanted: frozenset, held: frozenset) -> float | None:
    """The share of ``wanted`` found in ``held``; None when nothing is wanted."""
    return len(wanted & held) / len(wanted) if wanted else None


#: Within the skills component: essential skills count most, then desirable skills, then licences.
SKILLS_PART_WEIGHTS = (0.6, 0.25, 0.15)


def skills_from_shares(
    essential: float | None, desirable: float | None, licences: float | None
) -> float:
    """The skills component from the three shares (None where the opportunity asks for nothing)."""
    parts = [
        (w, v)
        for w, v in zip(SKILLS_PART_WEIGHTS, (essential, desirable, licences), strict=True)
        if v is not None
    ]
    return sum(w * v for w, v in parts) / sum(w for w, _ in parts) if parts else 0.5


def skills_value(essential: frozenset, desirable: frozenset, required: frozenset,
                 skills: frozenset, licences: frozenset) -> float:
    return skills_from_shares(share_of(essential, skills), share_of(desirable, skills),
                              share_of(required, licences))


def sector_value(sector: str, sectors: frozenset) -> float:
    if not sectors:
        return 0.5
    return 1.0 if sector and sector in sectors else 0.0


def distance_value(distance: float | None, travel_limit: int) -> float:
    if distance is None:
        return 1.0
    return max(0.0, 1.0 - distance / max(travel_limit, 1))


def hours_value(hours: float | None, hours_min: int | None, hours_max: int | None) -> float:
    if hours is None or (hours_min is None and hours_max is None):
        return 0.5
    low = hours_min or 0
    high = hours_max if hours_max is not None else 168
    gap = max(low - hours, hours - high, 0.0)
    return max(0.0, 1.0 - gap / 10)


def start_value(start_date: datetime.date | None, available_from: datetime.date | None,
                today: datetime.date) -> float:
    if start_date is None:
        return 0.75
    available = available_from or today
    late = (available - max(start_date, today)).days
    return 1.0 if late <= 0 else max(0.0, 1.0 - late / LATE_START_DAYS)


def adjustments_value(needed: frozenset, offered: frozenset) -> float:
    if not needed:
        return 1.0
    return share_of(needed, offered)


def components(seeker: Seeker, offer: Offer, fit: Fit, *, today: datetime.date) -> dict[str, float]:
    """Each component between 0 and 1 (see the module docstring)."""
    return {
        "skills": skills_value(
            offer.essential_skills,
            offer.desirable_skills,
            offer.required_licences,
            seeker.skills,
            seeker.licences,
        ),
        "sector": sector_value(offer.sector, seeker.sectors),
        "distance": distance_value(fit.distance, seeker.travel_limit),
        "hours": hours_value(offer.hours, seeker.hours_min, seeker.hours_max),
        "start": start_value(offer.start_date, seeker.available_from, today),
        "adjustments": adjustments_value(seeker.adjustments, offer.adjustments),
    }


def part_points(name: str, value: float) -> int:
    """One component's whole points: ``WEIGHTS[name] * value`` rounded to the nearest whole
    number, halves up (12.5 → 13, 62.5 → 63). The product is first rounded to 9 decimal places,
    so float noise (12.4999999997) cannot move a half."""
    return math.floor(round(WEIGHTS[name] * value, 9) + 0.5)


def points(skills: float, sector: float, distance: float, hours: float, start: float,
           adjustments: float) -> int:
    """The score: the sum of the six whole-number parts (``part_points``)."""
    return (
        part_points("skills", skills) + part_points("sector", sector)
        + part_points("distance", distance) + part_points("hours", hours)
        + part_points("start", start) + part_points("adjustments", adjustments)
    )


def parts(seeker: Seeker, offer: Offer, fit: Fit, *, today: datetime.date) -> dict[str, int]:
    """Each component's whole points; they add up to ``score``."""
    return {
        name: part_points(name, value)
        for name, value in components(seeker, offer, fit, today=today).items()
    }


def score(seeker: Seeker, offer: Offer, fit: Fit, *, today: datetime.date) -> int:
    return sum(parts(seeker, offer, fit, today=today).values())


# --- dealbreakers -----------------------------------------------------------------------------


def hours_dealbreaker(hours: float | None, hours_min: int | None, hours_max: int | None) -> bool:
    """The hours are outside the person's range by more than ``HOURS_DEALBREAKER_MARGIN``."""
    if hours is None:
        return False
    return (hours_min is not None and hours < hours_min - HOURS_DEALBREAKER_MARGIN) or (
        hours_max is not None and hours > hours_max + HOURS_DEALBREAKER_MARGIN
    )


def start_dealbreaker(start_date: datetime.date | None, available_from: datetime.date | None,
                      today: datetime.date) -> bool:
    """It starts (as of today) more than ``START_DEALBREAKER_DAYS`` before they are available."""
    if start_date is None or available_from is None:
        return False
    return (available_from - max(start_date, today)).days > START_DEALBREAKER_DAYS


def adjustments_dealbreaker(needed: frozenset, offered: frozenset) -> bool:
    """They need an adjustment the opportunity does not offer."""
    return bool(needed - offered)


def dealbreaker_components(seeker: Seeker, offer: Offer, *, today: datetime.date) -> list[str]:
    """The components (hours, start, adjustments) where the pair fails a stated need."""
    found = []
    if hours_dealbreaker(offer.hours, seeker.hours_min, seeker.hours_max):
        found.append("hours")
    if start_dealbreaker(offer.start_date, seeker.available_from, today):
        found.append("start")
    if adjustments_dealbreaker(seeker.adjustments, offer.adjustments):
        found.append("adjustments")
    return found


# --- reasons ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Reason:
    """One plain-words reason; ``kind`` is "dealbreaker", "good", "warning" or "gap"."""

    text: str
    kind: str = "good"
    component: str = ""


def _miles(distance: float) -> str:
    if distance < 1:
        return "less than 1 mile"
    whole = round(distance)
    return f"{whole} mile{'s' if whole != 1 else ''}"


def _hours(value: float) -> str:
    return f"{value:g}"


def _date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _join(words: list[str]) -> str:
    words = sorted(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def reasons(seeker: Seeker, offer: Offer, fit: Fit, *, today: datetime.date) -> list[Reason]:
    """Why this pair matches (and where it falls short), in words a key worker can check."""
    out: list[Reason] = []
    if fit.distance is None:
        out.append(Reason("can be done from home", "good", "distance"))
    else:
        out.append(
            Reason(f"{_miles(fit.distance)} — within {seeker.travel_limit}", "good", "distance")
        )

    for code in sorted(offer.required_licences & seeker.licences):
        out.append(Reason(f"holds {_LICENCE.get(code, code)}", "good", "skills"))
    for code in fit.fund_licences:
        out.append(
            Reason(
                f"needs {_LICENCE.get(code, code)} — the flexible fund can pay for it",
                "warning",
                "skills",
            )
        )
    held = offer.essential_skills & seeker.skills
    if held:
        out.append(Reason(f"has {_join(list(held))}", "good", "skills"))
    lacking = offer.essential_skills - seeker.skills
    if lacking:
        out.append(Reason(f"does not have {_join(list(lacking))} yet", "gap", "skills"))
    nice = offer.desirable_skills & seeker.skills
    if nice:
        out.append(Reason(f"also has {_join(list(nice))} (desirable)", "good", "skills"))

    sector_label = _SECTOR.get(offer.sector, offer.sector).lower() if offer.sector else ""
    if sector_label:
        if offer.sector in seeker.sectors:
            out.append(Reason(f"wants {sector_label}", "good", "sector"))
        elif seeker.sectors:
            out.append(Reason(f"has not said they want {sector_label}", "gap", "sector"))

    if offer.hours is not None and (seeker.hours_min is not None or seeker.hours_max is not None):
        low, high = seeker.hours_min, seeker.hours_max
        if low is not None and high is not None:
            wanted = f"{low} to {high}"
        elif high is not None:
            wanted = f"up to {high}"
        else:
            wanted = f"at least {low}"
        within = (low is None or offer.hours >= low) and (high is None or offer.hours <= high)
        out.append(Reason(
            f"{_hours(offer.hours)} hours a week — wants {wanted}",
            "good" if within else "gap", "hours",
        ))

    if offer.start_date is not None:
        available = seeker.available_from or today
        if available <= max(offer.start_date, today):
            text = f"starts {_date(offer.start_date)} — available"
            if seeker.available_from and seeker.available_from > today:
                text += f" from {_date(seeker.available_from)}"
            else:
                text += " now"
            out.append(Reason(text, "good", "start"))
        else:
            out.append(Reason(
                f"starts {_date(offer.start_date)} — not available until {_date(available)}",
                "gap", "start",
            ))

    for code in sorted(seeker.adjustments & offer.adjustments):
        out.append(Reason(f"offers {_ADJUSTMENT.get(code, code).lower()}", "good", "adjustments"))
    for code in sorted(seeker.adjustments - offer.adjustments):
        out.append(Reason(
            f"does not say it offers {_ADJUSTMENT.get(code, code).lower()}", "gap", "adjustments"
        ))
    # A failed stated need is a dealbreaker: said first, whatever the score.
    broken = set(dealbreaker_components(seeker, offer, today=today))
    if broken:
        for reason in out:
            if reason.kind == "gap" and reason.component in broken:
                reason.kind = "dealbreaker"
        out.sort(key=lambda reason: reason.kind != "dealbreaker")
    return out


# --- one scored pair --------------------------------------------------------------------------


@dataclass(slots=True)
class Match:
    """A participant and an opportunity that fit, with the score and (on demand) the reasons.

    Backends return these ranked; views load the objects only for the page shown.
    """

    seeker: Seeker
    offer: Offer
    fit: Fit
    score: int
    today: datetime.date
    participant: object = None
    opportunity: object = None
    _reasons: list[Reason] | None = field(default=None, repr=False)

    @property
    def participant_id(self) -> int:
        return self.seeker.pk

    @property
    def opportunity_id(self) -> int:
        return self.offer.pk

    @property
    def distance(self) -> float | None:
        return self.fit.distance

    @property
    def dealbreakers(self) -> list[str]:
        """Components where the pair fails a need the person stated (see the module docstring)."""
        return dealbreaker_components(self.seeker, self.offer, today=self.today)

    @property
    def strong(self) -> bool:
        """A high score and no dealbreaker."""
        return self.score >= STRONG_MATCH_SCORE and not self.dealbreakers

    @property
    def needs_funding(self) -> bool:
        return bool(self.fit.fund_licences)

    @property
    def reasons(self) -> list[Reason]:
        if self._reasons is None:
            self._reasons = reasons(self.seeker, self.offer, self.fit, today=self.today)
        return self._reasons

    @property
    def components(self) -> list[tuple[str, int, int]]:
        """(label, points, out of) per component, for the breakdown: the same whole-number parts
        the score adds up (``parts``), so they sum to ``score``."""
        return [
            (COMPONENT_LABELS[name], points, WEIGHTS[name])
            for name, points in parts(self.seeker, self.offer, self.fit, today=self.today).items()
        ]


def match(
    seeker: Seeker, offer: Offer, *, today: datetime.date, include_getting_ready: bool = False
) -> Match | None:
    """Score one pair, or None when a hard filter excludes it."""
    fit = eligible(seeker, offer, today=today, include_getting_ready=include_getting_ready)
    if fit is None:
        return None
    return Match(seeker, offer, fit, score(seeker, offer, fit, today=today), today)


def rank_key(m: Match) -> tuple:
    """Best first: higher score, then nearer, then the older record."""
    return (
        -m.score,
        m.fit.distance if m.fit.distance is not None else 0.0,
        m.offer.pk,
        m.seeker.pk,
    )
