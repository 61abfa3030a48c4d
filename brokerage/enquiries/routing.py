"""Which partner owns which part of an enquiry. Decisions from data; no writes. Runs in the
caller's transaction and locks the candidate partners, so that enquiries routed at the same
moment count each other's items and never put a partner over its capacity.

For each thing the employer asked for:

1. Find the active routing rules that match it: the rule's area is the enquiry's area (from the
   postcode's outward code) or blank; its type is the enquiry type or blank; its programme is
   blank or a programme that covers the area.
2. Try the most specific rules first (area and type, then area only, then type only, then
   catch-all). A partner is eligible if its standing is active and it holds fewer open items
   than its capacity.
3. Among the eligible partners of that tier, the best measured responsiveness wins (shortest
   median time to first response; a partner with no history yet counts as answering in
   ``NO_HISTORY_HOURS``); ties go to the partner with more spare capacity, then by name.
4. When no rule gives an eligible partner, the fallback owner of the programme owns it.

Parts that go to the same partner become one routed item, so every item has exactly one owner.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from brokerage.enquiries.models import EnquiryType, RoutingRule
from brokerage.enquiries.selectors import open_item_counts, partner_responsiveness
from brokerage.reference.models import Area, Partner, PartnerStanding, Programme

NO_HISTORY_HOURS = 24.0


class RoutingError(Exception):
    """No partner at all could take the enquiry (no rules, no fallback, no active partner)."""


@dataclass
class Route:
    partner: Partner
    programme: Programme | None
    types: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    working_days: int | None = None

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)[:300]


def _programmes_for(area: Area | None, today: datetime.date) -> list[Programme]:
    programmes = Programme.objects.filter(start_date__lte=today, end_date__gte=today)
    if area is not None:
        covering = list(programmes.filter(areas=area).select_related("fallback_partner"))
        if covering:
            return covering
    return list(programmes.select_related("fallback_partner"))


def _matching_rules(area: Area | None, enquiry_type: str, programmes: list[Programme]) -> list[RoutingRule]:
    area_q = Q(area__isnull=True) | (Q(area=area) if area is not None else Q(pk__in=[]))
    return list(
        RoutingRule.objects.filter(active=True)
        .filter(area_q)
        .filter(Q(enquiry_type="") | Q(enquiry_type=enquiry_type))
        .filter(Q(programme__isnull=True) | Q(programme__in=programmes))
        .select_related("partner", "programme")
    )


def route_enquiry(
    *, area: Area | None, types: list[str], now: datetime.datetime | None = None
) -> list[Route]:
    """Decide one route per partner for the enquiry types asked for."""
    now = now or timezone.now()
    programmes = _programmes_for(area, timezone.localdate(now))
    rules_by_type = {t: _matching_rules(area, t, programmes) for t in types}
    partner_ids = {rule.partner_id for rules in rules_by_type.values() for rule in rules}
    # In a fixed order, so two routings waiting on each other's partners cannot deadlock.
    list(Partner.objects.select_for_update().filter(pk__in=partner_ids).order_by("pk").values_list("pk"))
    loads = open_item_counts(partner_ids)
    speed = partner_responsiveness(partner_ids, now=now)
    routes: dict[int, Route] = {}
    labels = dict(EnquiryType.choices)

    for enquiry_type in types:
        chosen = _best_rule(rules_by_type[enquiry_type], loads, speed, already=routes)
        if chosen is not None:
            partner, programme = chosen.partner, chosen.programme or _programme_of(chosen.partner, programmes)
            reason = f"{labels.get(enquiry_type, enquiry_type)}: rule '{chosen.name}'"
            working_days = chosen.response_working_days
        else:
            partner, programme = _fallback(programmes, loads)
            reason = (
                f"{labels.get(enquiry_type, enquiry_type)}: no partner available under the rules, "
                f"so the {'fallback owner of ' + programme.name if programme else 'least busy partner'}"
            )
            working_days = None
        route = routes.get(partner.pk)
        if route is None:
            route = routes[partner.pk] = Route(partner=partner, programme=programme, working_days=working_days)
            loads[partner.pk] = loads.get(partner.pk, 0) + 1
        elif working_days and (route.working_days is None or working_days < route.working_days):
            route.working_days = working_days
        route.types.append(enquiry_type)
        route.reasons.append(reason)
    return list(routes.values())


def working_days_for(*, partner: Partner, area: Area | None, types: list[str], now: datetime.datetime) -> int | None:
    """The response time a partner owes for these parts: the shortest ``response_working_days`` of
    the active rules that would route any of them to this partner (``None``: the standard time).
    Used when an item is passed on, so the new owner gets the deadline its own rules set."""
    programmes = _programmes_for(area, timezone.localdate(now))
    days = [
        rule.response_working_days
        for enquiry_type in types
        for rule in _matching_rules(area, enquiry_type, programmes)
        if rule.partner_id == partner.pk and rule.response_working_days
    ]
    return min(days, default=None)


def _eligible(partner: Partner, loads: dict[int, int], already: dict) -> bool:
    if partner.standing != PartnerStanding.ACTIVE:
        return False
    if partner.pk in already:  # already holds part of this enquiry: no extra item
        return True
    return loads.get(partner.pk, 0) < partner.capacity


def _best_rule(rules: list[RoutingRule], loads, speed, *, already) -> RoutingRule | None:
    for tier in sorted({rule.specificity for rule in rules}, reverse=True):
        eligible = [
            rule for rule in rules if rule.specificity == tier and _eligible(rule.partner, loads, already)
        ]
        if eligible:
            return min(eligible, key=lambda rule: _rank(rule.partner, loads, speed))
    return None


def _rank(partner: Partner, loads, speed) -> tuple:
    measure = speed.get(partner.pk)
    hours = measure.median_hours if measure and measure.median_hours is not None else NO_HISTORY_HOURS
    spare = partner.capacity - loads.get(partner.pk, 0)
    return (hours, -spare, partner.name)


def _programme_of(partner: Partner, programmes: list[Programme]) -> Programme | None:
    partner_programmes = set(partner.programmes.values_list("pk", flat=True))
    for programme in programmes:
        if programme.pk in partner_programmes:
            return programme
    return programmes[0] if programmes else None


def _fallback(programmes: list[Programme], loads: dict[int, int]) -> tuple[Partner, Programme | None]:
    for programme in programmes:
        if programme.fallback_partner is not None:
            return programme.fallback_partner, programme
    # No programme names a fallback owner: the least busy active partner still owns it.
    active = list(Partner.objects.filter(standing=PartnerStanding.ACTIVE))
    counts = open_item_counts([p.pk for p in active])
    partner = min(active, key=lambda p: (counts.get(p.pk, 0), p.name), default=None)
    if partner is None:
        raise RoutingError("No partner is set up to take enquiries")
    return partner, programmes[0] if programmes else None
