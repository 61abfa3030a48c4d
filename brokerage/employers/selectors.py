"""Reads of employer records, scoped to what each user may see.

Seeing an employer is not the same as acting for it. Partner staff see employers in their
partner's areas, employers they have been in touch with and employers they have asked to work
with (a declined request shows nothing). They may act for an employer (change its record,
post and withdraw its opportunities) only through a relationship in force: accepted by one of
the employer's admins or approved by a coordinator, and not ended (``relationships_in_force``).
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import CharField, Count, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from brokerage.employers.matching import email_domain
from brokerage.employers.models import (
    RIGHTS_STATUSES,
    DuplicateDismissal,
    Employer,
    EmployerInvitation,
    EmployerJoinRequest,
    EmployerMembership,
    EmployerSite,
    Interaction,
    JoinRequestStatus,
    MembershipRole,
    PartnerRelationship,
    RelationshipStatus,
)
from portal.accounts.permissions import is_active_user, is_signed_in
from portal.accounts.roles import Role


def _live() -> QuerySet[Employer]:
    return Employer.objects.filter(merged_into__isnull=True)


def _coordinator_areas(user):
    """The areas a coordinator covers: their own list, else every area of their programmes."""
    from brokerage.reference.models import Area

    if user.areas.exists():
        return user.areas.all()
    return Area.objects.filter(programmes__staff=user).distinct()


def employers_for_user(user) -> QuerySet[Employer]:
    """Employers this user may see.

    - employer users: the organisations they belong to;
    - partner staff: employers their partner works with or has asked to work with (a
      relationship that was not declined), has recorded contact with, or that sit in the
      partner's areas (so they can see who already works with an employer before contacting
      it). Seeing is not acting: see ``employers_partner_can_act_for``;
    - coordinators: employers in their programmes' areas, and records with no area yet;
    - superusers: every record.
    Merged-away duplicates are never listed.
    """
    if not is_active_user(user):
        return Employer.objects.none()
    if user.is_superuser:
        return _live()
    scope = Q(pk__in=[])
    if user.has_role(Role.EMPLOYER):
        scope |= Q(memberships__user=user)
    if user.has_role(Role.PARTNER_STAFF) and user.partner_id:
        scope |= Q(
            pk__in=PartnerRelationship.objects.filter(partner_id=user.partner_id)
            .exclude(status=RelationshipStatus.DECLINED)
            .values("employer")
        )
        scope |= Q(interactions__partner_id=user.partner_id)
        scope |= Q(area__partners__id=user.partner_id)
    if user.has_role(Role.COORDINATOR):
        scope |= Q(area__in=_coordinator_areas(user)) | Q(area__isnull=True)
    ids = _live().filter(scope).values("pk")
    return _live().filter(pk__in=ids)


def employer_for_user_or_404(user, pk) -> Employer:
    """One employer the user may see, or 404 (never revealing that it exists)."""
    try:
        return (
            employers_for_user(user)
            .select_related("area", "created_by", "created_by_partner")
            .get(pk=pk)
        )
    except (Employer.DoesNotExist, ValueError, TypeError):
        raise Http404("No such employer") from None


def merged_record_for_user(user, pk) -> Employer | None:
    """If ``pk`` was merged away, the record it now lives in (when the user may see that)."""
    target = Employer.objects.filter(pk=pk, merged_into__isnull=False).values_list(
        "merged_into", flat=True
    ).first() if str(pk).isdigit() else None
    if target is None:
        return None
    return employers_for_user(user).filter(pk=target).first()


def employer_staff_list(user, *, query: str = "") -> QuerySet[Employer]:
    employers = employers_for_user(user).select_related("area").annotate(
        member_count=Count("memberships", distinct=True),
        partner_count=Count(
            "partner_relationships", distinct=True,
            filter=Q(
                partner_relationships__status__in=RIGHTS_STATUSES,
                partner_relationships__ended_at__isnull=True,
            ),
        ),
    )
    query = (query or "").strip()
    if query:
        employers = employers.filter(
            Q(name__icontains=query) | Q(companies_house_number__iexact=query.replace(" ", ""))
            | Q(postcode__istartswith=query)
        )
    return employers.order_by("name", "pk")


def memberships_for_user(user) -> QuerySet[EmployerMembership]:
    return (
        EmployerMembership.objects.filter(user=user, employer__merged_into__isnull=True)
        .select_related("employer", "employer__area")
        .order_by("employer__name")
    )


def membership_for(user, employer: Employer) -> EmployerMembership | None:
    if not is_signed_in(user):
        return None
    return EmployerMembership.objects.filter(user=user, employer=employer).first()


def employer_for_member_or_404(
    user, pk, *, admin: bool = False
) -> tuple[Employer, EmployerMembership]:
    """The organisation ``pk`` if the user belongs to it (and is an admin, when asked)."""
    membership = (
        EmployerMembership.objects.select_related("employer", "employer__area")
        .filter(user=user, employer_id=pk, employer__merged_into__isnull=True)
        .first()
        if is_signed_in(user) and str(pk).isdigit()
        else None
    )
    if membership is None or (admin and membership.role != MembershipRole.ADMIN):
        raise Http404("No such organisation")
    return membership.employer, membership


def employer_join_candidates(user) -> QuerySet[Employer]:
    """Organisations whose email domain matches the user's (the 'ask to join' suggestions)."""
    domain = email_domain(getattr(user, "email", ""))
    if not domain:
        return Employer.objects.none()
    return (
        _live().filter(email_domain=domain)
        .exclude(memberships__user=user)
        .select_related("area")
        .order_by("name")
    )


def pending_join_requests_for_user(user) -> QuerySet[EmployerJoinRequest]:
    return EmployerJoinRequest.objects.filter(
        user=user, status=JoinRequestStatus.PENDING
    ).select_related("employer")


def employer_profile(employer: Employer) -> Employer:
    """The employer with its sites and contacts loaded (for the profile pages)."""
    return (
        Employer.objects.select_related("area", "created_by", "created_by_partner")
        .prefetch_related(
            Prefetch("sites", queryset=EmployerSite.objects.select_related("area")), "contacts"
        )
        .get(pk=employer.pk)
    )


def employer_members(employer: Employer) -> QuerySet[EmployerMembership]:
    return employer.memberships.select_related("user").order_by("-role", "user__email")


def employer_open_invitations(employer: Employer) -> QuerySet[EmployerInvitation]:
    return employer.invitations.filter(
        accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")


def employer_pending_join_requests(employer: Employer) -> QuerySet[EmployerJoinRequest]:
    return employer.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")


@dataclass(frozen=True)
class JoinOwner:
    """Who decides a request to join an organisation: ``kind`` is "admins", "partner" or
    "coordinators"; ``name`` says it to the person asking; ``users`` are the deciders."""

    kind: str
    name: str
    users: QuerySet


def join_request_owner(employer: Employer) -> JoinOwner:
    """A request to join always has an owner: the organisation's active admins; without any,
    the partner working with it (a relationship in force, else the partner that created the
    record); else the coordinators covering its area. An email domain match only suggests the
    organisation; it never makes anyone a member."""
    from django.contrib.auth import get_user_model

    admins = employer_admins(employer)
    if admins.exists():
        return JoinOwner("admins", f"the admins of {employer.name}", admins)
    users = get_user_model().objects.filter(is_active=True)
    partner_staff = users.filter(groups__name=Role.PARTNER_STAFF.label)
    partner_ids = list(
        employer.partner_relationships.filter(
            status__in=RIGHTS_STATUSES, ended_at__isnull=True
        ).values_list("partner_id", flat=True)
    ) or ([employer.created_by_partner_id] if employer.created_by_partner_id else [])
    if partner_ids:
        staff = partner_staff.filter(partner_id__in=partner_ids).distinct()
        if staff.exists():
            partner = staff.first().partner
            return JoinOwner("partner", str(partner), staff)
    coordinators = users.filter(groups__name=Role.COORDINATOR.label)
    local = coordinators.filter(areas=employer.area) if employer.area_id else coordinators.none()
    if not local.exists():
        local = coordinators.filter(areas__isnull=True)
    if not local.exists():
        local = coordinators
    return JoinOwner("coordinators", "the programme's coordinators", local.distinct())


def employer_lookalikes(*, name: str, companies_house_number: str = "",
                        domain: str = "") -> QuerySet[Employer]:
    """Live organisations that look like the one being created: the same Companies House
    number, the same (non-webmail) email domain, or the same name once case, punctuation and
    legal suffixes are set aside."""
    from brokerage.employers.matching import normalise_employer_name

    match = Q(normalised_name=normalise_employer_name(name)) & ~Q(normalised_name="")
    if companies_house_number:
        match |= Q(companies_house_number=companies_house_number)
    if domain:
        match |= Q(email_domain=domain)
    return _live().filter(match, merged_into__isnull=True).select_related("area").order_by("name")


def employer_lookalikes_by_pk(user, pks: list[int]) -> QuerySet[Employer]:
    """The live organisations with these ids the user is not a member of (join suggestions)."""
    return _live().filter(pk__in=pks, merged_into__isnull=True).exclude(
        memberships__user=user
    ).select_related("area").order_by("name")


def join_requests_to_decide(user) -> QuerySet[EmployerJoinRequest]:
    """Pending requests to join organisations with no admin that this member of staff owns."""
    pending = EmployerJoinRequest.objects.filter(status=JoinRequestStatus.PENDING).select_related(
        "employer", "user"
    )
    return pending.filter(
        pk__in=[r.pk for r in pending if join_request_owner(r.employer).users.filter(pk=user.pk).exists()]
    ).order_by("created_at")


def employer_admins(employer: Employer) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        employer_memberships__employer=employer,
        employer_memberships__role=MembershipRole.ADMIN,
        is_active=True,
    )


def employer_timeline(employer: Employer) -> QuerySet[Interaction]:
    """Every interaction by every partner, newest first."""
    return employer.interactions.select_related("partner", "recorded_by")


def employer_partners(employer: Employer) -> dict:
    """Who works with this employer: partner relationships (not declined), and partners who
    have been in touch."""
    relationships = list(
        employer.partner_relationships.exclude(status=RelationshipStatus.DECLINED)
        .select_related("partner", "created_by")
        .order_by("partner__name")
    )
    related_ids = {r.partner_id for r in relationships}
    contacts = (
        employer.interactions.filter(partner__isnull=False)
        .exclude(partner_id__in=related_ids)
        .values("partner_id", "partner__name")
        .annotate(count=Count("id"))
        .order_by("partner__name")
    )
    return {"relationships": relationships, "other_contacts": list(contacts)}


def employer_partner_activity(employer: Employer) -> QuerySet:
    """What partners did to the employer's record, or to anything that belongs to it, newest first.

    The employer's own timeline of actions taken for it: every audit event about the record
    (or a record it was merged from) or about a row that points at it (its opportunities,
    pledges, placements...), made by partner staff or on the employer's behalf, and every
    decision about a partner relationship. The employer's own members' actions are left out,
    except their decisions about partners.
    """
    from brokerage.audit.models import AuditEvent
    from brokerage.employers.merge import employer_references

    def as_text(queryset):
        return queryset.annotate(_pk_text=Cast("pk", CharField())).values("_pk_text")

    about = Q(
        object_type=Employer._meta.label_lower,
        object_id__in=as_text(Employer.objects.filter(Q(pk=employer.pk) | Q(merged_into=employer))),
    )
    for model, field_name in employer_references():
        if model in (Employer, DuplicateDismissal):
            continue
        about |= Q(
            object_type=model._meta.label_lower,
            object_id__in=as_text(model._default_manager.filter(**{field_name: employer})),
        )
    members = EmployerMembership.objects.filter(employer=employer).values("user")
    for_them = (Q(actor__partner__isnull=False) | ~Q(acting_for="")) & Q(actor__isnull=False) & ~Q(
        actor__in=members
    )
    about_partners = Q(action__startswith="employer.relationship_")
    return (
        AuditEvent.objects.filter(about)
        .filter(for_them | about_partners)
        .select_related("actor", "actor__partner")
        .order_by("-created_at", "-id")
    )


# --- partners acting for employers --------------------------------------------------------


def relationships_in_force() -> QuerySet[PartnerRelationship]:
    """Relationships that let a partner act for an employer: accepted or approved, not ended."""
    return PartnerRelationship.objects.filter(status__in=RIGHTS_STATUSES, ended_at__isnull=True)


def relationship_for(partner, employer: Employer) -> PartnerRelationship | None:
    """The partner's current relationship with an employer (in any state), if any."""
    if partner is None or employer is None:
        return None
    return PartnerRelationship.objects.filter(
        partner=partner, employer=employer, ended_at__isnull=True
    ).select_related("decided_by").first()


def relationship_in_force(partner_id, employer: Employer) -> PartnerRelationship | None:
    """The relationship through which the partner may act for the employer, if there is one."""
    if not partner_id or employer is None:
        return None
    return (
        relationships_in_force().filter(partner_id=partner_id, employer=employer)
        .select_related("partner").first()
    )


def employers_partner_can_act_for(user) -> QuerySet[Employer]:
    """Employers the user's partner may act for (partner staff only; see
    ``relationships_in_force``)."""
    if (
        not is_signed_in(user)
        or not user.partner_id
        or not user.has_role(Role.PARTNER_STAFF)
    ):
        return Employer.objects.none()
    return (
        _live()
        .filter(pk__in=relationships_in_force().filter(partner_id=user.partner_id).values("employer"))
        .order_by("name")
    )


def user_can_act_for(user, employer: Employer) -> bool:
    """Partner staff whose partner's relationship with the employer is in force."""
    return employers_partner_can_act_for(user).filter(pk=employer.pk).exists()


def employer_has_members(employer: Employer) -> bool:
    return EmployerMembership.objects.filter(employer=employer).exists()


def employer_pending_partner_requests(employer: Employer) -> QuerySet[PartnerRelationship]:
    """Partners waiting for this employer's answer, oldest first."""
    return (
        employer.partner_relationships.filter(
            status=RelationshipStatus.REQUESTED, ended_at__isnull=True
        )
        .select_related("partner", "requested_by")
        .order_by("requested_at", "pk")
    )


def employer_partners_in_force(employer: Employer) -> QuerySet[PartnerRelationship]:
    return (
        relationships_in_force().filter(employer=employer)
        .select_related("partner", "decided_by")
        .order_by("partner__name")
    )


def employer_partner_request_or_404(employer: Employer, pk) -> PartnerRelationship:
    """One of this employer's partner relationships (never another employer's)."""
    relationship = (
        employer.partner_relationships.select_related("partner", "requested_by", "employer")
        .filter(pk=pk).first()
        if str(pk).isdigit() else None
    )
    if relationship is None:
        raise Http404("No such request")
    return relationship


def partner_requests_for_user(user) -> QuerySet[PartnerRelationship]:
    """The requests a user follows: their partner's own (every state), or, for a coordinator,
    requests in their scope still waiting for an answer."""
    base = PartnerRelationship.objects.select_related(
        "partner", "employer", "requested_by", "decided_by"
    ).filter(employer__merged_into__isnull=True)
    if not is_signed_in(user):
        return base.none()
    if user.has_role(Role.COORDINATOR):
        return base.filter(
            employer__in=employers_for_user(user),
            status=RelationshipStatus.REQUESTED, ended_at__isnull=True,
        ).order_by("requested_at", "pk")
    if user.has_role(Role.PARTNER_STAFF) and user.partner_id:
        return base.filter(partner_id=user.partner_id).order_by("-requested_at", "-pk")
    return base.none()


def partner_request_for_coordinator_or_404(user, pk) -> PartnerRelationship:
    """A relationship with an employer in the coordinator's scope, or 404."""
    if not user.has_role(Role.COORDINATOR) or not str(pk).isdigit():
        raise Http404("No such request")
    relationship = (
        PartnerRelationship.objects.select_related(
            "partner", "employer", "requested_by", "decided_by"
        )
        .filter(pk=pk, employer__in=employers_for_user(user))
        .first()
    )
    if relationship is None:
        raise Http404("No such request")
    return relationship


# --- duplicates -----------------------------------------------------------------------------


REASON_COMPANIES_HOUSE = "Same Companies House number"
REASON_EMAIL_DOMAIN = "Same email domain"
REASON_NAME_POSTCODE = "Same name and postcode"


@dataclass
class DuplicatePair:
    first: Employer
    second: Employer
    reasons: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.first.pk, self.second.pk)


def employer_duplicates(
    *, employers: QuerySet[Employer] | None = None, employer: Employer | None = None
) -> list[DuplicatePair]:
    """Pairs of live records that look like the same organisation, with the reasons.

    Reasons: the same Companies House number; the same (non-webmail) email domain; the same
    normalised name at the same postcode (main address or any site). Pairs a coordinator has
    marked as different employers are left out. ``employers`` limits the records considered
    (e.g. to a coordinator's scope); ``employer`` keeps only the pairs involving it.
    """
    scope = employers if employers is not None else _live()
    scope = scope.filter(merged_into__isnull=True)
    if employer is not None:
        scope = scope.filter(
            Q(pk=employer.pk)
            | (
                Q(companies_house_number=employer.companies_house_number)
                & ~Q(companies_house_number="")
            )
            | (Q(email_domain=employer.email_domain) & ~Q(email_domain=""))
            | (Q(normalised_name=employer.normalised_name) & ~Q(normalised_name=""))
        )
    groups: dict[tuple[int, int], set[str]] = defaultdict(set)

    def collect(rows, reason):
        buckets = defaultdict(set)
        for key, pk in rows:
            if key:
                buckets[key].add(pk)
        for pks in buckets.values():
            for a, b in itertools.combinations(sorted(pks), 2):
                groups[(a, b)].add(reason)

    dup_numbers = (
        scope.exclude(companies_house_number="").values("companies_house_number")
        .annotate(n=Count("id")).filter(n__gt=1).values("companies_house_number")
    )
    collect(
        scope.filter(companies_house_number__in=dup_numbers).values_list(
            "companies_house_number", "pk"
        ),
        REASON_COMPANIES_HOUSE,
    )
    dup_domains = (
        scope.exclude(email_domain="").values("email_domain")
        .annotate(n=Count("id")).filter(n__gt=1).values("email_domain")
    )
    collect(
        scope.filter(email_domain__in=dup_domains).values_list("email_domain", "pk"),
        REASON_EMAIL_DOMAIN,
    )
    dup_names = (
        scope.exclude(normalised_name="").values("normalised_name")
        .annotate(n=Count("id")).filter(n__gt=1).values("normalised_name")
    )
    named = scope.filter(normalised_name__in=dup_names)
    name_postcodes = [
        ((n, p), pk) for n, p, pk in named.values_list("normalised_name", "postcode", "pk") if p
    ]
    name_postcodes += [
        ((n, p), pk)
        for n, p, pk in EmployerSite.objects.filter(employer__in=named).values_list(
            "employer__normalised_name", "postcode", "employer_id"
        )
    ]
    collect(name_postcodes, REASON_NAME_POSTCODE)

    if employer is not None:
        groups = {k: v for k, v in groups.items() if employer.pk in k}
    if not groups:
        return []
    dismissed = set(
        DuplicateDismissal.objects.filter(
            employer_low__in={a for a, _ in groups}, employer_high__in={b for _, b in groups}
        ).values_list("employer_low_id", "employer_high_id")
    )
    keys = [k for k in groups if k not in dismissed]
    records = Employer.objects.select_related("area").annotate(
        member_count=Count("memberships", distinct=True),
    ).in_bulk({pk for k in keys for pk in k})
    order = [REASON_COMPANIES_HOUSE, REASON_NAME_POSTCODE, REASON_EMAIL_DOMAIN]
    pairs = [
        DuplicatePair(records[a], records[b], sorted(groups[(a, b)], key=order.index))
        for a, b in keys
    ]
    pairs.sort(
        key=lambda p: (-len(p.reasons), order.index(p.reasons[0]), p.first.name.lower(), p.key)
    )
    return pairs


def duplicate_pair_or_404(user, first_pk, second_pk) -> DuplicatePair:
    """The suspected pair, both visible to the coordinator; the reasons are recomputed."""
    first = employer_for_user_or_404(user, first_pk)
    second = employer_for_user_or_404(user, second_pk)
    if first.pk == second.pk:
        raise Http404("Choose two different employers")
    for pair in employer_duplicates(employer=first):
        if second.pk in pair.key:
            return pair
    return DuplicatePair(first, second, [])


@dataclass
class MergeRow:
    label: str
    count: int
    detail: str = ""


@dataclass
class MergePreview:
    keep: Employer
    merge: Employer
    rows: list[MergeRow]
    filled: list[tuple[str, str]]
    conflicts: list[str]
    staying: list[MergeRow] = field(default_factory=list)


def employer_merge_preview(*, keep: Employer, merge: Employer) -> MergePreview:
    """What a merge would move from ``merge`` to ``keep``: every related record, by kind."""
    from brokerage.employers.merge import (
        MERGE_FILL_FIELDS,
        employer_references,
        refuses_bulk_update,
    )

    rows, staying = [], []
    for model, field_name in employer_references():
        if model is DuplicateDismissal:
            continue
        if model is Employer and field_name == "merged_into":
            count = Employer.objects.filter(merged_into=merge).count()
            label = "earlier merged records"
        else:
            count = model._default_manager.filter(**{field_name: merge}).count()
            label = str(model._meta.verbose_name_plural)
        label = label[:1].upper() + label[1:]
        if count and refuses_bulk_update(model):
            staying.append(MergeRow(label=label, count=count))
        elif count:
            rows.append(MergeRow(label=label, count=count))
    conflicts = []
    shared_users = EmployerMembership.objects.filter(employer=merge).filter(
        user__in=EmployerMembership.objects.filter(employer=keep).values("user")
    ).select_related("user")
    for membership in shared_users:
        conflicts.append(
            f"{membership.user.email} belongs to both; they keep "
            "one membership (admin if they are an admin of either)"
        )
    shared_partners = PartnerRelationship.objects.filter(employer=merge).filter(
        partner__in=PartnerRelationship.objects.filter(employer=keep).values("partner")
    ).select_related("partner")
    for relationship in shared_partners:
        conflicts.append(
            f"{relationship.partner} works with both; they keep one "
            "relationship (sign-off needed if either needed it)"
        )
    filled = []
    for name in MERGE_FILL_FIELDS:
        if not getattr(keep, name) and getattr(merge, name):
            model_field = Employer._meta.get_field(name)
            value = getattr(merge, name)
            display = getattr(merge, f"get_{name}_display")() if model_field.choices else str(value)
            filled.append((str(model_field.verbose_name).capitalize(), display))
    return MergePreview(
        keep=keep, merge=merge, rows=rows, filled=filled, conflicts=conflicts, staying=staying
    )
