"""Reads for enquiries, scoped to what the user may see."""

import datetime
import statistics
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokerage.enquiries.models import OPEN_STATUSES, EnquiryItem, ItemStatus, RoutingRule
from brokerage.reference.models import Partner
from portal.accounts.permissions import is_active_user
from portal.accounts.roles import Role

RESPONSIVENESS_WINDOW = datetime.timedelta(days=365)


def enquiry_items_visible_to(user) -> QuerySet[EnquiryItem]:
    """Partner staff see their partner's items; coordinators their programmes' (and areas')."""
    items = EnquiryItem.objects.select_related(
        "enquiry", "enquiry__area", "partner", "programme"
    )
    if not is_active_user(user):
        return items.none()
    if user.is_superuser:
        return items
    scope = Q(pk__in=[])
    if user.has_role(Role.PARTNER_STAFF) and user.partner_id:
        scope |= Q(partner_id=user.partner_id)
    if user.has_role(Role.COORDINATOR):
        programme_ids = list(user.programmes.values_list("pk", flat=True))
        area_ids = list(user.areas.values_list("pk", flat=True))
        coordinated = Q(programme_id__in=programme_ids)
        if area_ids:
            coordinated &= Q(enquiry__area_id__in=area_ids) | Q(enquiry__area__isnull=True)
        scope |= coordinated
    return items.filter(scope)


def enquiry_item_get(*, user, pk: int) -> EnquiryItem:
    try:
        return enquiry_items_visible_to(user).prefetch_related(
            "events__actor", "events__partner", "events__to_partner", "enquiry__items__partner"
        ).get(pk=pk)
    except EnquiryItem.DoesNotExist as exc:
        raise Http404("No such enquiry") from exc


def enquiry_items_filter(
    items: QuerySet[EnquiryItem],
    *,
    status: str = "",
    enquiry_type: str = "",
    area_id: int | None = None,
    overdue: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[EnquiryItem]:
    now = now or timezone.now()
    if status == "open":
        items = items.filter(status__in=OPEN_STATUSES)
    elif status:
        items = items.filter(status=status)
    if enquiry_type:
        if connection.features.supports_json_field_contains:
            items = items.filter(types__contains=[enquiry_type])
        else:  # SQLite: match the quoted value in the stored JSON list
            items = items.filter(types__icontains=f'"{enquiry_type}"')
    if area_id:
        items = items.filter(enquiry__area_id=area_id)
    if overdue:
        items = overdue_items(items, now=now)
    return items


def overdue_items(items: QuerySet[EnquiryItem], *, now: datetime.datetime) -> QuerySet[EnquiryItem]:
    return items.filter(status__in=OPEN_STATUSES, first_response_at__isnull=True, deadline__lt=now)


def open_item_counts(partner_ids) -> dict[int, int]:
    rows = (
        EnquiryItem.objects.filter(partner_id__in=partner_ids, status__in=OPEN_STATUSES)
        .values("partner_id")
        .annotate(n=Count("id"))
    )
    return {row["partner_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Responsiveness:
    partner_id: int
    responded: int
    measured: int
    median_hours: float | None
    within_deadline: int

    @property
    def share_within_deadline(self) -> float | None:
        return self.within_deadline / self.measured if self.measured else None

    @property
    def percent_within_deadline(self) -> int | None:
        share = self.share_within_deadline
        return None if share is None else round(share * 100)


def partner_responsiveness(
    partner_ids, *, now: datetime.datetime | None = None
) -> dict[int, Responsiveness]:
    """Median hours to first response and the share answered within the deadline.

    Counts the past year's items that were answered, or that are past their deadline
    unanswered (those count against the partner). Items still inside their deadline are left out.
    """
    now = now or timezone.now()
    partner_ids = list(partner_ids)
    rows = EnquiryItem.objects.filter(
        partner_id__in=partner_ids, routed_at__gte=now - RESPONSIVENESS_WINDOW
    ).filter(Q(first_response_at__isnull=False) | Q(deadline__lt=now)).values_list(
        "partner_id", "routed_at", "first_response_at", "deadline"
    )
    hours: dict[int, list[float]] = {pid: [] for pid in partner_ids}
    measured = dict.fromkeys(partner_ids, 0)
    within = dict.fromkeys(partner_ids, 0)
    for partner_id, routed_at, responded_at, deadline in rows:
        measured[partner_id] += 1
        if responded_at is not None:
            hours[partner_id].append(max((responded_at - routed_at).total_seconds(), 0) / 3600)
            if responded_at <= deadline:
                within[partner_id] += 1
    return {
        pid: Responsiveness(
            partner_id=pid,
            responded=len(hours[pid]),
            measured=measured[pid],
            median_hours=statistics.median(hours[pid]) if hours[pid] else None,
            within_deadline=within[pid],
        )
        for pid in partner_ids
    }


@dataclass(frozen=True)
class PartnerResponsivenessRow:
    partner: Partner
    responsiveness: Responsiveness
    open_items: int
    overdue_items: int


def responsiveness_report(*, user, now: datetime.datetime | None = None) -> list[PartnerResponsivenessRow]:
    """For coordinators: every partner that has held items in the user's programmes."""
    now = now or timezone.now()
    items = enquiry_items_visible_to(user)
    partner_ids = set(items.values_list("partner_id", flat=True))
    if user.is_superuser:
        partner_ids |= set(RoutingRule.objects.values_list("partner_id", flat=True))
    else:
        partner_ids |= set(
            RoutingRule.objects.filter(programme__in=user.programmes.all()).values_list(
                "partner_id", flat=True
            )
        )
    partners = Partner.objects.filter(pk__in=partner_ids).order_by("name")
    measures = partner_responsiveness(partner_ids, now=now)
    open_counts = open_item_counts(partner_ids)
    overdue_counts = dict(
        overdue_items(EnquiryItem.objects.filter(partner_id__in=partner_ids), now=now)
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
    )
    return [
        PartnerResponsivenessRow(
            partner=partner,
            responsiveness=measures[partner.pk],
            open_items=open_counts.get(partner.pk, 0),
            overdue_items=overdue_counts.get(partner.pk, 0),
        )
        for partner in partners
    ]


def item_status_counts(items: QuerySet[EnquiryItem]) -> dict[str, int]:
    counts = dict(items.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in ItemStatus.values}
