"""Reads: opportunities scoped to what each user may see, listings, and the strand table."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from brokerage.employers.models import Employer, EmployerMembership, PartnerRelationship
from brokerage.employers.selectors import relationship_in_force, relationships_in_force
from brokerage.opportunities.models import (
    InterviewPledge,
    Opportunity,
    OpportunityStatus,
    StrandRegistration,
    past_closing_date,
)
from brokerage.reference.geometry import bounding_box, haversine_miles
from brokerage.reference.models import Measure, Programme, Strand, Target
from brokerage.reference.postcodes import centroid
from portal.accounts.permissions import has_role, is_signed_in
from portal.accounts.roles import Role

S = OpportunityStatus
STAFF_ROLES = (Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR)
MODERATION_STATUSES = (S.SUBMITTED, S.IN_REVIEW)
CLOSING_SOON_DAYS = 14


def _with_related(qs: QuerySet) -> QuerySet:
    return qs.select_related("employer", "programme", "strand", "area", "acting_partner")


# --- employers and partners acting for them -----------------------------------------------------


def employers_for_user(user) -> QuerySet:
    """Employers the user may post opportunities for: as a member, or a partner working with it."""
    if not is_signed_in(user):
        return Employer.objects.none()
    member = Q(memberships__user=user)
    if getattr(user, "partner_id", None) and user.has_role(Role.PARTNER_STAFF, Role.COORDINATOR):
        # Only a relationship the employer accepted (or a coordinator approved) lets a partner act.
        member |= Q(
            pk__in=relationships_in_force().filter(partner_id=user.partner_id).values("employer")
        )
    return Employer.objects.filter(member).distinct().order_by("name")


def member_employers(user) -> QuerySet:
    return Employer.objects.filter(memberships__user=user).order_by("name")


def employer_opportunities(user) -> QuerySet:
    """Every opportunity of the employers the user belongs to or acts for."""
    return _with_related(
        Opportunity.objects.filter(employer__in=employers_for_user(user))
    ).order_by("-updated_at", "-id")


def employer_opportunity_get(user, pk: int) -> Opportunity:
    return get_object_or_404(employer_opportunities(user), pk=pk)


def acting_partner_relationship(user, employer: Employer) -> PartnerRelationship | None:
    if EmployerMembership.objects.filter(user=user, employer=employer).exists():
        return None
    return relationship_in_force(user.partner_id, employer)


# --- staff ----------------------------------------------------------------------------------------


def coordinator_programmes(user) -> QuerySet:
    if not user.has_role(Role.COORDINATOR):
        return Programme.objects.none()
    assigned = user.programmes.all()
    return assigned if assigned.exists() else Programme.objects.all()


def moderation_opportunities(user) -> QuerySet:
    """Everything a coordinator may moderate: their programmes, plus those with no programme."""
    if not user.has_role(Role.COORDINATOR):
        return Opportunity.objects.none()
    qs = Opportunity.objects.exclude(status=S.DRAFT)
    if user.programmes.exists():
        qs = qs.filter(Q(programme__in=user.programmes.all()) | Q(programme__isnull=True))
    return _with_related(qs)


def moderation_queue(user) -> QuerySet:
    return moderation_opportunities(user).filter(status__in=MODERATION_STATUSES).order_by(
        "submitted_at", "id"
    )


def moderation_opportunity_get(user, pk: int) -> Opportunity:
    return get_object_or_404(moderation_opportunities(user), pk=pk)


def staff_live_opportunities(user) -> QuerySet:
    """Live opportunities, for key workers, partner staff and coordinators. Drafts never show."""
    if not has_role(user, *STAFF_ROLES):
        return Opportunity.objects.none()
    return _with_related(Opportunity.objects.filter(status=S.LIVE))


def staff_opportunity_get(user, pk: int) -> Opportunity:
    return get_object_or_404(staff_live_opportunities(user), pk=pk)


def public_opportunities(*, today: datetime.date | None = None) -> QuerySet:
    """Live public opportunities still open today (not past their closing date)."""
    today = today or timezone.localdate()
    return _with_related(
        Opportunity.objects.filter(status=S.LIVE, public=True).exclude(past_closing_date(today))
    ).order_by("closing_date", "title")


def public_opportunity_get(pk: int) -> Opportunity:
    return get_object_or_404(public_opportunities(), pk=pk)


#: A public opportunity that was live once and has ended: its page says so (410 Gone).
ENDED_STATUSES = (S.CLOSED, S.FILLED, S.WITHDRAWN)


def public_opportunity_find(pk: int) -> Opportunity | None:
    """A live public opportunity, or one that was published and has since ended (else None)."""
    return _with_related(
        Opportunity.objects.filter(public=True).filter(
            Q(status=S.LIVE) | Q(status__in=ENDED_STATUSES, approved_at__isnull=False)
        )
    ).filter(pk=pk).first()


def sitemap_opportunities(*, today: datetime.date | None = None) -> QuerySet:
    """Live public opportunities still open today for the sitemap, newest change first."""
    today = today or timezone.localdate()
    return Opportunity.objects.filter(status=S.LIVE, public=True).exclude(
        past_closing_date(today)
    ).only("pk", "updated_at").order_by("-updated_at", "-pk")


@dataclass
class ListingFilters:
    opportunity_type: str = ""
    strand: Strand | None = None
    sector: str = ""
    area: object = None
    postcode: str = ""
    within_miles: int | None = None
    closing_soon: bool = False
    query: str = ""


def filter_listing(
    qs: QuerySet, filters: ListingFilters, *, today: datetime.date | None = None
) -> list[Opportunity] | QuerySet:
    """Apply listing filters. With a distance, returns a list sorted by distance (``.distance``)."""
    today = today or timezone.localdate()
    if filters.opportunity_type:
        qs = qs.filter(opportunity_type=filters.opportunity_type)
    if filters.strand:
        qs = qs.filter(strand=filters.strand)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.area:
        qs = qs.filter(area=filters.area)
    if filters.query:
        qs = qs.filter(Q(title__icontains=filters.query) | Q(description__icontains=filters.query))
    if filters.closing_soon:
        qs = qs.filter(
            rolling=False,
            closing_date__gte=today,
            closing_date__lte=today + datetime.timedelta(days=CLOSING_SOON_DAYS),
        )
    qs = qs.order_by("closing_date", "title", "id")
    if filters.postcode and filters.within_miles:
        point = centroid(filters.postcode)
        if point is None:
            return []
        low_lat, high_lat, low_lon, high_lon = bounding_box(point, filters.within_miles)
        near = []
        for opp in qs.filter(
            latitude__gte=low_lat, latitude__lte=high_lat,
            longitude__gte=low_lon, longitude__lte=high_lon,
        ):
            opp.distance = haversine_miles(point, (opp.latitude, opp.longitude))
            if opp.distance <= filters.within_miles:
                near.append(opp)
        near.sort(key=lambda o: (o.distance, o.closing_date or datetime.date.max, o.pk))
        return near
    return qs


# --- strands and targets -----------------------------------------------------------------------

CREATED = Q(opportunities__approved_at__isnull=False)


@dataclass
class StrandRow:
    strand: Strand
    target: int | None
    employers_registered: int
    opportunities_created: int
    live_places: int


@dataclass
class StrandReport:
    programme: Programme
    rows: list[StrandRow]
    target_total: int
    employers_registered_total: int
    opportunities_created_total: int
    distinct_employers: int


def strand_report(programme: Programme, *, on: datetime.date | None = None) -> StrandReport:
    """Per strand: target, employers registered, opportunities created (places that went live).

    Everything is counted from records; totals are sums of the rows, and distinct employers
    are counted once however many strands they are registered in.
    """
    on = on or timezone.localdate()
    strands = (
        Strand.objects.filter(programme=programme)
        .annotate(
            registered=Count("registrations", distinct=True),
        )
        .order_by("order", "name")
    )
    created = dict(
        Opportunity.objects.filter(strand__programme=programme, approved_at__isnull=False)
        .values_list("strand")
        .annotate(total=Sum("places"))
        .values_list("strand", "total")
    )
    live = dict(
        Opportunity.objects.filter(strand__programme=programme, status=S.LIVE)
        .values_list("strand")
        .annotate(total=Sum("places"))
        .values_list("strand", "total")
    )
    targets: dict[int, int] = {}
    for target in (
        Target.objects.filter(
            programme=programme,
            strand__isnull=False,
            area__isnull=True,
            measure=Measure.OPPORTUNITIES_CREATED,
        )
        .filter(Q(period_start__lte=on) | Q(period_start__isnull=True))
        .order_by("period_start")
    ):
        targets[target.strand_id] = target.value  # the latest period that has started wins
    if not targets:
        for target in Target.objects.filter(
            programme=programme, strand__isnull=False, area__isnull=True,
            measure=Measure.OPPORTUNITIES_CREATED,
        ).order_by("period_start"):
            targets.setdefault(target.strand_id, target.value)
    rows = [
        StrandRow(
            strand=strand,
            target=targets.get(strand.pk),
            employers_registered=strand.registered,
            opportunities_created=created.get(strand.pk) or 0,
            live_places=live.get(strand.pk) or 0,
        )
        for strand in strands
    ]
    distinct = (
        StrandRegistration.objects.filter(strand__programme=programme)
        .values("employer").distinct().count()
    )
    return StrandReport(
        programme=programme,
        rows=rows,
        target_total=sum(r.target or 0 for r in rows),
        employers_registered_total=sum(r.employers_registered for r in rows),
        opportunities_created_total=sum(r.opportunities_created for r in rows),
        distinct_employers=distinct,
    )


# --- pledges -------------------------------------------------------------------------------------


@dataclass
class PledgeRow:
    pledge: InterviewPledge
    interviewed: int

    @property
    def shortfall(self) -> int:
        return max(self.pledge.interviews_pledged - self.interviewed, 0)


def pledge_rows(qs: QuerySet) -> list[PledgeRow]:
    qs = qs.select_related("employer", "programme").annotate(interviewed=Count("interviews"))
    return [PledgeRow(pledge=p, interviewed=p.interviewed) for p in qs]


def employer_pledges(user) -> list[PledgeRow]:
    return pledge_rows(InterviewPledge.objects.filter(employer__in=employers_for_user(user)))


def programme_pledges(programme: Programme) -> list[PledgeRow]:
    return pledge_rows(InterviewPledge.objects.filter(programme=programme))
