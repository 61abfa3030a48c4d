"""Who may see which reports: the programmes and areas a user may report on, as a ``ReportScope``.

The reports themselves are in ``brokerage.reporting.reports``. Who may see what:

- coordinators see the programmes they are assigned to (none assigned: none);
- finance officers see their programmes, or every programme when none is assigned (as for
  flexible fund budgets);
- a user with areas assigned sees only those areas' rows.

Anyone else sees no programme, and a programme outside a user's list is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from brokerage.reference.models import Area, Programme
from portal.accounts.permissions import can_see_reports, is_coordinator

UK = ZoneInfo("Europe/London")
NO_AREA = "Area not known"
OTHER_AREAS = "Other areas"
#: Row keys for facts outside the programme's area list, and facts with no area.
OTHER, UNKNOWN = 0, -1


def report_programmes(user) -> QuerySet[Programme]:
    if not can_see_reports(user):
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.order_by("name")
    assigned = Programme.objects.filter(staff=user).order_by("name")
    if is_coordinator(user) or assigned.exists():
        return assigned
    return Programme.objects.order_by("name")  # a finance officer with no programme set


def report_programme_get(user, slug: str) -> Programme:
    programme = report_programmes(user).filter(slug=slug).first()
    if programme is None:
        raise Http404("No programme found")
    return programme


def report_areas(user, programme: Programme) -> QuerySet[Area]:
    """The programme's areas this user may report on."""
    areas = programme.areas.order_by("name")
    if not user.is_superuser and user.areas.exists():
        areas = areas.filter(pk__in=user.areas.values("pk"))
    return areas


@dataclass(frozen=True)
class ReportScope:
    programme: Programme
    date_from: datetime.date
    date_to: datetime.date
    areas: tuple[Area, ...]
    restricted: bool  # True when only ``areas`` may be shown (a filter or the user's areas)
    as_at: datetime.date | None = None  # only what had been recorded by the end of this day

    @property
    def area_ids(self) -> list[int]:
        return [a.pk for a in self.areas]

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=UK)

    @property
    def ends_before(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=UK
        )

    @property
    def as_at_date(self) -> datetime.date:
        return self.as_at or timezone.localdate()

    @property
    def recorded_before(self) -> datetime.datetime:
        """The end of the as-at day: records made at or after it are left out."""
        return datetime.datetime.combine(
            self.as_at_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=UK
        )

    def area_q(self, path: str) -> Q:
        """Rows in the scope's areas; every row (other and unknown areas too) when unrestricted."""
        if self.restricted:
            return Q(**{f"{path}__in": self.area_ids})
        return Q()

    def area_key(self, path: str) -> Case:
        """The row each record counts in: its area when listed, ``OTHER`` for an area outside
        the programme's list, ``UNKNOWN`` for no area (a database expression)."""
        return Case(
            When(**{f"{path}__in": self.area_ids}, then=F(path)),
            When(**{f"{path}__isnull": True}, then=Value(UNKNOWN)),
            default=Value(OTHER),
            output_field=IntegerField(),
        )

    def other_area_names(self, records: QuerySet, path: str) -> list[str]:
        """The names of the areas outside the programme's list that ``records`` fall in."""
        if self.restricted:
            return []
        ids = (
            records.exclude(**{f"{path}__in": self.area_ids})
            .exclude(**{f"{path}__isnull": True})
            .values_list(path, flat=True).order_by().distinct()
        )
        return list(Area.objects.filter(pk__in=list(ids)).order_by("name")
                    .values_list("name", flat=True))

    def area_rows(self) -> list[tuple[int, str]]:
        """(row key, name): the areas, then other areas and area not known when unrestricted."""
        rows: list[tuple[int, str]] = [(a.pk, a.name) for a in self.areas]
        if not self.restricted:
            rows += [(OTHER, OTHER_AREAS), (UNKNOWN, NO_AREA)]
        return rows


def report_scope(
    user,
    programme: Programme,
    *,
    date_from=None,
    date_to=None,
    area: Area | None = None,
    as_at: datetime.date | None = None,
) -> ReportScope:
    allowed = report_areas(user, programme)
    areas: tuple[Area, ...]
    user_restricted = not user.is_superuser and user.areas.exists()
    if area is not None:
        if not allowed.filter(pk=area.pk).exists():
            raise Http404("No area found")
        areas, restricted = (area,), True
    else:
        areas, restricted = tuple(allowed), user_restricted
    return ReportScope(
        programme=programme,
        date_from=date_from or programme.start_date,
        date_to=date_to or min(programme.end_date, timezone.localdate()),
        areas=areas,
        restricted=restricted,
        as_at=as_at or timezone.localdate(),
    )
