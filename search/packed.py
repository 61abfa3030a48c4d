"""Matching candidates packed into columns, kept per process and scored a column at a time.

The database backend ranks every candidate for a request. Instead of reading thousands of rows
and adding up each one's score in Python, each process keeps the candidate side packed: one
``Pack`` of the opportunities that could match anyone (live, places left) and one of the
participants who could (consenting, open, job ready or getting ready). Each column is held as
a numpy array; a column of lists, dates or places holds a small integer code per row, and the
distinct values (a few hundred outward codes, skills lists, start dates, ...) are kept once.

A request then:

1. syncs the pack (``Pack.sync``): one small query returns the table's row count and highest
   id and the ``search.models.MatchingChange`` rows written since the pack last looked (the
   signals in ``search.signals`` write one, in the same transaction, for every saved or deleted
   opportunity or participant, so every process sees a change as soon as it is committed).
   Only the records named are read again; the pack is read again whole when it cannot account
   for the table (a rolled-back change, rows added without signals, pruned changes);
2. works out every hard filter and each of the six score parts with the functions of
   ``search.scoring`` once per *distinct* value of the columns it depends on (a place, a
   skills list, a start date, ...), for the person or opportunity asked about and as of today
   (closing dates, start dates and ages are never stored as results);
3. gathers those per-value results onto the rows with numpy indexing, adds up the whole-number
   parts, keeps the rows passing every filter and sorts them by ``scoring.rank_key``.

So the scores, the filters and the order are exactly those of ``scoring.match`` on every pair
(tests/search/test_matching_equivalence.py): no arithmetic is redone in numpy, only integers
are added and values looked up.
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import numpy as np
from django.db import connections
from django.db.models import F, Q
from django.utils import timezone

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant
from brokerage.reference.ages import age_on, years_before
from brokerage.reference.geometry import EARTH_RADIUS_MILES, haversine_miles
from brokerage.reference.vocabulary import sector_normalise
from search import scoring
from search.indexing import OPPORTUNITY, PARTICIPANT
from search.models import MatchingChange

#: A pack that has not looked for changes for this long is read again whole (changes are
#: pruned after ``CHANGES_KEPT``, so it could otherwise miss some).
STALE_AFTER_SECONDS = 3600
#: How long ``MatchingChange`` rows are kept (``changes_prune``).
CHANGES_KEPT = datetime.timedelta(days=1)
#: A change committed up to this long after it was noted is still applied (see ``Pack.sync``).
LATE_COMMIT_SECONDS = 60
#: More changes than this at once: reading the table again is quicker than record by record.
MAX_CHANGES_APPLIED = 2000

_OFFER_SETS = scoring.OFFER_SET_FIELDS
_SEEKER_SETS = scoring.SEEKER_SET_FIELDS
_NO_AGE = -1
_NO_ID = -1
_OPEN = np.iinfo(np.int64).max  # the closing day of an opportunity that does not close


def change_record(model_label: str, pk: int, kind: str, *, using: str | None = None) -> None:
    """Note a change to one opportunity or participant (in the caller's transaction)."""
    MatchingChange.objects.using(using or "default").create(
        model_label=model_label, object_id=pk, kind=kind, token=uuid.uuid4().hex
    )


def changes_prune(*, now: datetime.datetime) -> int:
    """Delete changes older than ``CHANGES_KEPT``; returns how many went."""
    deleted, _ = MatchingChange.objects.filter(changed_at__lt=now - CHANGES_KEPT).delete()
    return deleted


class Codes:
    """Distinct values of a column, each with a small integer code (in the order first seen)."""

    __slots__ = ("values", "_code", "_derived")

    def __init__(self):
        self.values: list = []
        self._code: dict = {}
        self._derived: dict = {}

    def arrays(self, build: Callable) -> tuple:
        """``build(values)`` (numpy arrays over the distinct values), kept until values are added."""
        kept = self._derived.get(build)
        if kept is None or kept[0] != len(self.values):
            kept = self._derived[build] = (len(self.values), build(self.values))
        return kept[1]

    def __call__(self, value) -> int:
        code = self._code.get(value)
        if code is None:
            code = self._code[value] = len(self.values)
            self.values.append(value)
        return code

    def table(self, compute: Callable, dtype=np.int64) -> np.ndarray:
        """``compute(value)`` for every distinct value, indexed by code."""
        return np.fromiter((compute(v) for v in self.values), dtype=dtype, count=len(self.values))


def _day(value: datetime.date | None, missing: int) -> int:
    return missing if value is None else value.toordinal()


@functools.lru_cache(maxsize=50_000)
def _prepared_set(prepare: Callable, values: tuple) -> frozenset:
    return prepare(list(values))


def _as(prepare: Callable, values) -> frozenset:
    """A JSON list column's value as its ``scoring`` set (normalised): rows are coded by the
    set, so lists that differ only in order or spelling share one code."""
    return _prepared_set(prepare, tuple(values or ()))


class Pack:
    """The candidate side of matching for one database, packed into columns.

    Subclasses name the ``fields`` read, the ``live`` filter (rows that could match anyone,
    whatever the day) and ``columns(row)``: the packed values of one row, in ``names`` order
    (a code from ``self.codes[name]`` or a number).
    """

    model: type
    label: str
    fields: tuple[str, ...]
    live: Q
    names: tuple[str, ...]

    def __init__(self, alias: str):
        self.alias = alias
        self.codes: dict[str, Codes] = {}
        self.lock = threading.Lock()
        self.loaded = False
        self.tail: tuple[int, str] | None = None  # the last change applied: (id, token)
        self.count = 0  # rows in the whole table, and its highest id, when last synced
        self.top = 0
        self.synced_at = 0.0
        self.rebuilds = 0
        self.applied: dict[tuple[int, str], float] = {}  # changes applied lately: when

    # --- reading the table ------------------------------------------------------------------
    def columns(self, row: tuple) -> tuple:
        raise NotImplementedError

    def _rows(self, pks: Iterable[int] | None = None) -> list[tuple]:
        qs = self.model._default_manager.using(self.alias).filter(self.live).order_by()
        if pks is not None:
            qs = qs.filter(pk__in=list(pks))
        return list(qs.values_list(*self.fields))

    def _fingerprint(self) -> tuple[int, int]:
        table = self.model._meta.db_table
        with connections[self.alias].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), MAX(id) FROM {connections[self.alias].ops.quote_name(table)}")
            count, top = cursor.fetchone()
        return count, top or 0

    def rebuild(self) -> None:
        """Read every live row again (and where the change log stands first, so that a change
        committed meanwhile is applied again at the next sync)."""
        changes = MatchingChange.objects.using(self.alias).filter(model_label=self.label)
        last = changes.order_by("-id").values_list("id", "token").first()
        since = timezone.now() - datetime.timedelta(seconds=LATE_COMMIT_SECONDS)
        now = time.monotonic()
        self.applied = {
            tuple(key): now
            for key in changes.filter(changed_at__gte=since).values_list("id", "token")
        }
        self.count, self.top = self._fingerprint()
        self.tail = tuple(last) if last else None
        self.codes = {}
        rows = self._rows()
        self.pk = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        self.row_of = {int(pk): i for i, pk in enumerate(self.pk)}
        self.alive = np.ones(len(rows), dtype=bool)
        packed = [self.columns(row) for row in rows]
        self.col = {
            name: np.array([values[i] for values in packed], dtype=self.dtypes[name])
            if packed else np.zeros(0, dtype=self.dtypes[name])
            for i, name in enumerate(self.names)
        }
        self.loaded = True
        self.rebuilds += 1
        self.synced_at = time.monotonic()

    def apply(self, pks: set[int]) -> None:
        """Read just these records again (gone, or no longer live: dropped from the pack)."""
        found = {row[0]: self.columns(row) for row in self._rows(pks)}
        new = []
        for pk in pks:
            i = self.row_of.get(pk)
            values = found.get(pk)
            if i is None:
                if values is not None:
                    new.append((pk, values))
                continue
            self.alive[i] = values is not None
            if values is not None:
                for name, value in zip(self.names, values, strict=True):
                    self.col[name][i] = value
        if new:
            start = len(self.pk)
            self.pk = np.concatenate([self.pk, np.array([pk for pk, _ in new], dtype=np.int64)])
            self.alive = np.concatenate([self.alive, np.ones(len(new), dtype=bool)])
            for j, name in enumerate(self.names):
                extra = np.array([values[j] for _, values in new], dtype=self.dtypes[name])
                self.col[name] = np.concatenate([self.col[name], extra])
            for k, (pk, _) in enumerate(new):
                self.row_of[pk] = start + k

    def sync(self) -> None:
        """Bring the pack up to date with what is committed: one query when nothing changed.

        Change ids are handed out before commit, so one committed late can have an id below
        the last applied: the query also returns every change noted in the last
        ``LATE_COMMIT_SECONDS``, and those already applied (``applied``) are skipped."""
        if not self.loaded or time.monotonic() - self.synced_at > STALE_AFTER_SECONDS:
            self.rebuild()
            return
        connection = connections[self.alias]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        changes = quote(MatchingChange._meta.db_table)
        since = timezone.now() - datetime.timedelta(seconds=LATE_COMMIT_SECONDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT t.n, t.top, c.id, c.token, c.kind, c.object_id, c.changed_at "
                f"FROM (SELECT COUNT(*) AS n, MAX(id) AS top FROM {table}) t "
                f"LEFT JOIN {changes} c ON c.model_label = %s AND (c.id >= %s OR c.changed_at >= %s) "
                f"ORDER BY c.id",
                [self.label, self.tail[0] if self.tail else 0,
                 connection.ops.adapt_datetimefield_value(since)],
            )
            rows = cursor.fetchall()
        count, top = rows[0][0], rows[0][1] or 0
        found = [row[2:6] for row in rows if row[2] is not None]
        if self.tail is not None and self.tail not in {(cid, token) for cid, token, _, _ in found}:
            self.rebuild()  # the change last applied has gone (rolled back, or pruned)
            return
        new = [row for row in found if (row[0], row[1]) not in self.applied]
        created = [pk for _, _, kind, pk in new if kind == MatchingChange.CREATED]
        deleted = sum(1 for _, _, kind, _ in new if kind == MatchingChange.DELETED)
        accounted = (
            count == self.count + len(created) - deleted
            and top <= max([self.top, *created])
        )
        if not accounted or len(new) > MAX_CHANGES_APPLIED:
            self.rebuild()  # rows came or went without a change noted (bulk loads, tests)
            return
        if new:
            self.apply({pk for _, _, _, pk in new})
            self.tail = max(self.tail or (0, ""), *((cid, token) for cid, token, _, _ in new))
            self.count, self.top = count, top
            now = time.monotonic()
            self.applied.update({(cid, token): now for cid, token, _, _ in new})
        self._forget_applied()
        self.synced_at = time.monotonic()

    def _forget_applied(self) -> None:
        """Drop applied changes old enough never to be returned again."""
        cutoff = time.monotonic() - 2 * LATE_COMMIT_SECONDS
        if self.applied and min(self.applied.values()) < cutoff:
            self.applied = {key: at for key, at in self.applied.items() if at >= cutoff}


class OpportunityPack(Pack):
    """Opportunities live with places left (closing dates are checked at request time)."""

    model = Opportunity
    label = OPPORTUNITY
    live = Q(status=OpportunityStatus.LIVE, places_filled__lt=F("places"))
    fields = (
        "pk", "rolling", "closing_date", "ring_fenced", "programme_id", "min_age", "max_age",
        "remote", "latitude", "longitude", "required_licences", "essential_skills",
        "desirable_skills", "sector", "opportunity_type", "hours_per_week", "start_date",
        "adjustments",
    )
    names = (
        "closes", "ring_fenced", "programme", "min_age", "max_age", "place", "licences",
        "essential", "desirable", "sector", "type", "hours", "start", "adjustments",
    )
    dtypes = {
        "closes": np.int64, "ring_fenced": bool, "programme": np.int64, "min_age": np.int64,
        "max_age": np.int64, "place": np.int64, "licences": np.int64, "essential": np.int64,
        "desirable": np.int64, "sector": np.int64, "type": np.int64, "hours": np.int64,
        "start": np.int64, "adjustments": np.int64,
    }

    def columns(self, row: tuple) -> tuple:
        (_pk, rolling, closing, ring_fenced, programme_id, min_age, max_age, remote, lat, lon,
         licences, essential, desirable, sector, kind, hours, start, adjustments) = row
        code = self._code
        return (
            _OPEN if rolling or closing is None else closing.toordinal(),
            bool(ring_fenced),
            _NO_ID if programme_id is None else programme_id,
            _NO_AGE if min_age is None else min_age,
            _NO_AGE if max_age is None else max_age,
            code("place", (True, None, None) if remote else (False, lat, lon)),
            code("licences", _as(_OFFER_SETS["required_licences"], licences)),
            code("essential", _as(_OFFER_SETS["essential_skills"], essential)),
            code("desirable", _as(_OFFER_SETS["desirable_skills"], desirable)),
            code("sector", sector or ""),
            code("type", kind or ""),
            code("hours", None if hours is None else float(hours)),
            code("start", start),
            code("adjustments", _as(_OFFER_SETS["adjustments"], adjustments)),
        )

    def _code(self, name: str, value) -> int:
        codes = self.codes.get(name)
        if codes is None:
            codes = self.codes[name] = Codes()
        return codes(value)


class ParticipantPack(Pack):
    """Participants who could match anyone: consenting, open, job ready or getting ready
    (eligibility, readiness asked for, ages and who may see them are checked at request time)."""

    model = Participant
    label = PARTICIPANT
    live = (
        Q(consent_employer_profile=True, erased_at__isnull=True,
          readiness__in=scoring.readiness_allowed(True))
        & ~Q(status__in=scoring.CLOSED_PARTICIPANT_STATUSES)
    )
    fields = (
        "pk", "readiness", "programme_id", "date_of_birth", "latitude", "longitude",
        "max_travel_miles", "licences", "skills", "sector_interests", "hours_min", "hours_max",
        "available_from", "adjustments_needed",
    )
    names = (
        "job_ready", "programme", "born", "place", "licences", "skills", "sectors", "hours",
        "available", "adjustments",
    )
    dtypes = {
        "job_ready": bool, "programme": np.int64, "born": np.int64, "place": np.int64,
        "licences": np.int64, "skills": np.int64, "sectors": np.int64, "hours": np.int64,
        "available": np.int64, "adjustments": np.int64,
    }

    def columns(self, row: tuple) -> tuple:
        (_pk, readiness, programme_id, born, lat, lon, travel, licences, skills, sectors,
         hours_min, hours_max, available, adjustments) = row
        code = self._code
        return (
            readiness == scoring.JOB_READY,
            _NO_ID if programme_id is None else programme_id,
            _day(born, _OPEN),
            code("place", (lat, lon, travel)),
            code("licences", _as(_SEEKER_SETS["licences"], licences)),
            code("skills", _as(_SEEKER_SETS["skills"], skills)),
            code("sectors", _as(_SEEKER_SETS["sector_interests"], sectors)),
            code("hours", (hours_min, hours_max)),
            code("available", available),
            code("adjustments", _as(_SEEKER_SETS["adjustments_needed"], adjustments)),
        )

    _code = OpportunityPack._code


# --- packs per database, kept by the process ---------------------------------------------------

_packs: dict[tuple, Pack] = {}
_packs_lock = threading.Lock()


def pack_for(kind: type[Pack], alias: str = "default") -> Pack:
    """This process's pack of ``kind`` for the database ``alias``, synced with what is committed."""
    settings = connections[alias].settings_dict
    key = (kind, alias, settings["NAME"], settings.get("HOST"), settings.get("PORT"))
    with _packs_lock:
        pack = _packs.get(key)
        if pack is None:
            pack = _packs[key] = kind(alias)
    with pack.lock:
        pack.sync()
    return pack


def packs_forget() -> None:
    """Drop every pack (the next request reads its table again): for tests and benchmarks."""
    with _packs_lock:
        _packs.clear()


# --- per distinct value, then gathered onto the rows --------------------------------------------

_OUT = (False, 0.0, 0)


def _parts(name: str, codes: Codes | None, value: Callable) -> np.ndarray:
    """Whole points of component ``name`` for every distinct value of a column."""
    if codes is None:
        return np.zeros(0, dtype=np.int64)
    return codes.table(lambda v: scoring.part_points(name, value(v)))


def _flags(codes: Codes | None, test: Callable) -> np.ndarray:
    if codes is None:
        return np.zeros(0, dtype=bool)
    return codes.table(test, dtype=bool)


def _values(codes: Codes | None) -> list:
    return [] if codes is None else codes.values


def _shares_each(wanted: list[frozenset], held: frozenset) -> np.ndarray:
    """``scoring.share_of(w, held)`` for each ``w`` (NaN for None), the same division."""
    return np.fromiter((len(w & held) / len(w) if w else np.nan for w in wanted), dtype=float,
                       count=len(wanted))


def _shares_in(wanted: frozenset, held: list[frozenset]) -> np.ndarray:
    """``scoring.share_of(wanted, h)`` for each ``h`` (NaN for None), the same division."""
    if not wanted:
        return np.full(len(held), np.nan)
    size = len(wanted)
    return np.fromiter((len(wanted & h) / size for h in held), dtype=float, count=len(held))


def _skills_points(
    essential: np.ndarray, desirable: np.ndarray, licences: np.ndarray, e_codes, d_codes, l_codes
) -> np.ndarray:
    """The skills part per row from the three shares of each row's codes (NaN where nothing
    is asked): each distinct combination of shares present is scored once by ``scoring``."""
    if not (len(essential) and len(desirable) and len(licences)):
        return np.zeros(len(e_codes), dtype=np.int64)
    (e_values, e_at), (d_values, d_at), (l_values, l_at) = (
        np.unique(shares, return_inverse=True) for shares in (essential, desirable, licences))
    nd, nl = len(d_values), len(l_values)
    combined = (e_at[e_codes] * nd + d_at[d_codes]) * nl + l_at[l_codes]
    present, back = np.unique(combined, return_inverse=True)
    e_values, d_values, l_values = (
        [None if v != v else v for v in values.tolist()]
        for values in (e_values, d_values, l_values))
    table = np.fromiter(
        (scoring.part_points("skills", scoring.skills_from_shares(
            e_values[key // (nd * nl)], d_values[key // nl % nd], l_values[key % nl]))
         for key in present.tolist()),
        dtype=np.int64, count=len(present),
    )
    return table[back.reshape(-1)]


#: Slack on the numpy distance when choosing places to measure exactly (float noise is ~1e-12).
_NEAR_SLACK = 1e-6


def _places(codes: Codes | None, measure: Callable, worth: Callable) -> tuple:
    """(within reach, distance, distance points) per distinct place, from ``measure(place)``
    (``_OUT`` beyond reach), called only for the places ``worth(codes)`` lists (a numpy
    pre-check: the rest are beyond reach)."""
    size = 0 if codes is None else len(codes.values)
    ok, distance, points = np.zeros(size, bool), np.zeros(size), np.zeros(size, np.int64)
    if size:
        values = codes.values
        for i in worth(codes).tolist():
            ok[i], distance[i], points[i] = measure(values[i])
    return ok, distance, points


def _opportunity_places(values: list) -> tuple:
    """(remote, latitude, longitude) arrays over the distinct places of opportunities."""
    remote = np.array([v[0] for v in values], dtype=bool)
    lat = np.array([np.nan if v[1] is None else v[1] for v in values], dtype=float)
    lon = np.array([np.nan if v[2] is None else v[2] for v in values], dtype=float)
    return remote, lat, lon


def _participant_places(values: list) -> tuple:
    """(latitude, longitude, travel limit) arrays over the distinct places of participants."""
    lat = np.array([np.nan if v[0] is None else v[0] for v in values], dtype=float)
    lon = np.array([np.nan if v[1] is None else v[1] for v in values], dtype=float)
    travel = np.array([
        scoring.DEFAULT_TRAVEL_MILES if v[2] is None else min(v[2], scoring.MAX_TRAVEL_MILES)
        for v in values], dtype=float)
    return lat, lon, travel


def _miles(lat: np.ndarray, lon: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """Approximate great-circle miles from ``origin`` (numpy; NaN where unknown), only to choose
    the places worth measuring exactly with ``haversine_miles``."""
    lat, lon = np.radians(lat), np.radians(lon)
    lat0, lon0 = np.radians(origin[0]), np.radians(origin[1])
    h = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin((lon - lon0) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def _ranked(pack: Pack, keep: np.ndarray, points: np.ndarray, distance: np.ndarray,
            limit: int | None) -> list[tuple[int, float, int]]:
    """(-score, distance, pk) for the rows kept, in ``scoring.rank_key`` order."""
    rows = np.flatnonzero(keep)
    pks, negative, dist = pack.pk[rows], -points[rows], distance[rows]
    order = np.lexsort((pks, dist, negative))
    if limit is not None:
        order = order[:limit]
    return list(zip(negative[order].tolist(), dist[order].tolist(), pks[order].tolist(),
                    strict=True))


def _without(pack: Pack, pks: Iterable[int]) -> np.ndarray:
    """True for the rows not in ``pks``."""
    pks = list(pks)
    if not pks:
        return np.ones(len(pack.pk), dtype=bool)
    return ~np.isin(pack.pk, np.array(pks, dtype=np.int64))


def opportunities_ranked(
    pack: OpportunityPack, seeker: scoring.Seeker, *, filters, today: datetime.date,
    archived: Iterable[int], limit: int | None,
) -> list[tuple[int, float, int]]:
    """Opportunities for a participant who passed their own filters (``seeker_matchable``)."""
    c, codes = pack.col, pack.codes
    keep = pack.alive & (c["closes"] >= today.toordinal())
    own_programme = _NO_ID - 1 if seeker.programme_id is None else seeker.programme_id
    keep &= ~c["ring_fenced"] | (c["programme"] == _NO_ID) | (c["programme"] == own_programme)
    age = age_on(seeker.date_of_birth, today)
    if age is None:
        keep &= (c["min_age"] == _NO_AGE) & (c["max_age"] == _NO_AGE)
    else:
        keep &= (c["min_age"] == _NO_AGE) | (c["min_age"] <= age)
        keep &= (c["max_age"] == _NO_AGE) | (c["max_age"] >= age)
    required = _values(codes.get("licences"))
    held = seeker.licences
    licence_ok = np.fromiter(
        (not ((r - held) & scoring.NOT_FUNDABLE_LICENCES) for r in required), dtype=bool,
        count=len(required))
    keep &= licence_ok[c["licences"]] if len(required) else False
    for name, wanted in (("sector", filters.sector), ("type", filters.opportunity_type)):
        if wanted:
            code = codes[name]._code.get(wanted) if name in codes else None
            keep &= c[name] == (-1 if code is None else code)
    keep &= _without(pack, archived)

    travel_limit = seeker.travel_limit
    reach = min(travel_limit, filters.within_miles) if filters.within_miles else travel_limit
    at_home = scoring.part_points("distance", scoring.distance_value(None, travel_limit))
    located = seeker.latitude is not None and seeker.longitude is not None
    origin = (seeker.latitude, seeker.longitude)

    def measure(place) -> tuple[bool, float, int]:
        remote, lat, lon = place
        if remote:
            return True, 0.0, at_home
        distance = haversine_miles(origin, (lat, lon))
        if distance > reach:
            return _OUT
        return True, distance, scoring.part_points(
            "distance", scoring.distance_value(distance, travel_limit))

    def worth(place_codes: Codes) -> np.ndarray:
        remote, lat, lon = place_codes.arrays(_opportunity_places)
        if not located:
            return np.flatnonzero(remote)
        with np.errstate(invalid="ignore"):
            return np.flatnonzero(remote | (_miles(lat, lon, origin) <= reach + _NEAR_SLACK))

    in_reach, distance, distance_points = _places(codes.get("place"), measure, worth)
    if not len(in_reach):
        return []
    keep &= in_reach[c["place"]]

    skills = seeker.skills
    essential = _values(codes.get("essential"))
    desirable = _values(codes.get("desirable"))
    adjustments = _values(codes.get("adjustments"))
    points = (
        _skills_points(_shares_each(essential, skills), _shares_each(desirable, skills),
                       _shares_each(required, held),
                       c["essential"], c["desirable"], c["licences"])
        + _parts("sector", codes.get("sector"),
                 lambda v: scoring.sector_value(sector_normalise(v), seeker.sectors))[c["sector"]]
        + distance_points[c["place"]]
        + _parts("hours", codes.get("hours"),
                 lambda v: scoring.hours_value(v, seeker.hours_min, seeker.hours_max))[c["hours"]]
        + _parts("start", codes.get("start"),
                 lambda v: scoring.start_value(v, seeker.available_from, today))[c["start"]]
        + np.fromiter((scoring.part_points("adjustments", scoring.adjustments_value(
            seeker.adjustments, a)) for a in adjustments), dtype=np.int64,
            count=len(adjustments))[c["adjustments"]]
    )
    if filters.strong_only:
        keep &= points >= scoring.STRONG_MATCH_SCORE
        keep &= ~_flags(codes.get("hours"), lambda v: scoring.hours_dealbreaker(
            v, seeker.hours_min, seeker.hours_max))[c["hours"]]
        keep &= ~_flags(codes.get("start"), lambda v: scoring.start_dealbreaker(
            v, seeker.available_from, today))[c["start"]]
        keep &= ~np.fromiter((scoring.adjustments_dealbreaker(seeker.adjustments, a)
                              for a in adjustments), dtype=bool,
                             count=len(adjustments))[c["adjustments"]]
    return _ranked(pack, keep, points, distance[c["place"]], limit)


def participants_ranked(
    pack: ParticipantPack, offer: scoring.Offer, *, filters, today: datetime.date,
    archived: Iterable[int], visible: Iterable[int] | None,
    eligible_of: Callable[[dict[int, int | None]], set[int]], limit: int | None,
) -> tuple[list[tuple[int, float, int]], set[int]]:
    """Participants for an open opportunity, and the ids found not eligible now (of those
    otherwise ranked: ``eligible_of`` is ``search.eligibility.ineligible_ids``)."""
    c, codes = pack.col, pack.codes
    if not offer.remote and (offer.latitude is None or offer.longitude is None):
        return [], set()
    keep = pack.alive.copy()
    if not filters.include_getting_ready:
        keep &= c["job_ready"]
    if offer.ring_fenced and offer.programme_id:
        keep &= c["programme"] == offer.programme_id
    if offer.min_age is not None:
        keep &= c["born"] <= years_before(today, offer.min_age).toordinal()
    if offer.max_age is not None:
        keep &= (c["born"] > years_before(today, offer.max_age + 1).toordinal()) & (
            c["born"] != _OPEN)
    licences = _values(codes.get("licences"))
    needed = offer.required_licences & scoring.NOT_FUNDABLE_LICENCES
    licence_ok = np.fromiter((needed <= held for held in licences), dtype=bool,
                             count=len(licences))
    keep &= licence_ok[c["licences"]] if len(licences) else False
    if filters.sector:
        keep &= _flags(codes.get("sectors"), lambda held: filters.sector in held)[c["sectors"]]
    keep &= _without(pack, archived)
    if visible is not None:
        keep &= np.isin(pack.pk, np.fromiter(visible, dtype=np.int64))

    within = filters.within_miles
    target = (offer.latitude, offer.longitude)

    def measure(place) -> tuple[bool, float, int]:
        lat, lon, travel = place
        travel_limit = (scoring.DEFAULT_TRAVEL_MILES if travel is None
                        else min(travel, scoring.MAX_TRAVEL_MILES))
        if offer.remote:
            return True, 0.0, scoring.part_points(
                "distance", scoring.distance_value(None, travel_limit))
        distance = haversine_miles((lat, lon), target)
        if distance > travel_limit or (within and distance > within):
            return _OUT
        return True, distance, scoring.part_points(
            "distance", scoring.distance_value(distance, travel_limit))

    def worth(place_codes: Codes) -> np.ndarray:
        lat, lon, travel = place_codes.arrays(_participant_places)
        if offer.remote:
            return np.arange(len(lat))
        limit_here = np.minimum(travel, within) if within else travel
        with np.errstate(invalid="ignore"):
            return np.flatnonzero(_miles(lat, lon, target) <= limit_here + _NEAR_SLACK)

    in_reach, distance, distance_points = _places(codes.get("place"), measure, worth)
    if not len(in_reach):
        return [], set()
    keep &= in_reach[c["place"]]

    skills = _values(codes.get("skills"))
    sectors = _values(codes.get("sectors"))
    adjustments = _values(codes.get("adjustments"))
    points = (
        _skills_points(_shares_in(offer.essential_skills, skills),
                       _shares_in(offer.desirable_skills, skills),
                       _shares_in(offer.required_licences, licences),
                       c["skills"], c["skills"], c["licences"])
        + np.fromiter((scoring.part_points("sector", scoring.sector_value(offer.sector, s))
                       for s in sectors), dtype=np.int64, count=len(sectors))[c["sectors"]]
        + distance_points[c["place"]]
        + _parts("hours", codes.get("hours"),
                 lambda v: scoring.hours_value(offer.hours, v[0], v[1]))[c["hours"]]
        + _parts("start", codes.get("available"),
                 lambda v: scoring.start_value(offer.start_date, v, today))[c["available"]]
        + np.fromiter((scoring.part_points("adjustments", scoring.adjustments_value(
            a, offer.adjustments)) for a in adjustments), dtype=np.int64,
            count=len(adjustments))[c["adjustments"]]
    )
    if filters.strong_only:
        keep &= points >= scoring.STRONG_MATCH_SCORE
        keep &= ~_flags(codes.get("hours"), lambda v: scoring.hours_dealbreaker(
            offer.hours, v[0], v[1]))[c["hours"]]
        keep &= ~_flags(codes.get("available"), lambda v: scoring.start_dealbreaker(
            offer.start_date, v, today))[c["available"]]
        keep &= ~np.fromiter((scoring.adjustments_dealbreaker(a, offer.adjustments)
                              for a in adjustments), dtype=bool,
                             count=len(adjustments))[c["adjustments"]]
    rows = np.flatnonzero(keep)
    programme = c["programme"][rows].tolist()
    ineligible = eligible_of({
        pk: (None if p == _NO_ID else p)
        for pk, p in zip(pack.pk[rows].tolist(), programme, strict=True)
    }) if len(rows) else set()
    if ineligible:
        keep &= _without(pack, ineligible)
    return _ranked(pack, keep, points, distance[c["place"]], limit), ineligible
