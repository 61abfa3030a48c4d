"""Duplicate employer records: telling two apart, and merging one into the other.

``employer_merge`` moves everything that points at the merged-away record onto the kept one,
including foreign keys that other apps add later (``employer_references``), and marks the
merged-away record as merged into it. Immutable facts (outcome records) stay where they are.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import (
    DuplicateDismissal,
    Employer,
    EmployerJoinRequest,
    EmployerMembership,
    InteractionKind,
    JoinRequestStatus,
    MembershipRole,
    PartnerRelationship,
    RelationshipStatus,
)
from portal.accounts.models import User

# Profile fields a merge fills on the kept record when it has no value of its own.
MERGE_FILL_FIELDS = (
    "companies_house_number",
    "sector",
    "size_band",
    "postcode",
    "area",
    "email_domain",
    "website",
    "disability_confident",
)


def _reopen_automatic_acceptances(relationships) -> None:
    """Acceptances the portal made while nobody represented the employer become requests."""
    for relationship in relationships:
        if (
            relationship.status == RelationshipStatus.ACCEPTED
            and relationship.decided_by_id is None
            and relationship.ended_at is None
        ):
            relationship.status = RelationshipStatus.REQUESTED
            relationship.decided_at = None
            relationship.decision_reason = ""
            relationship.save(update_fields=["status", "decided_at", "decision_reason"])


def _ordered(a: Employer, b: Employer) -> tuple[Employer, Employer]:
    return (a, b) if a.pk < b.pk else (b, a)


def employer_duplicate_dismiss(*, actor: User, first: Employer, second: Employer) -> DuplicateDismissal:
    if first.pk == second.pk:
        raise ValidationError("Choose two different employers")
    low, high = _ordered(first, second)
    with transaction.atomic():
        dismissal, _ = DuplicateDismissal.objects.get_or_create(
            employer_low=low, employer_high=high, defaults={"dismissed_by": actor}
        )
        for employer, other in ((low, high), (high, low)):
            audit_event_record(
                actor=actor, action="employer.duplicate_dismissed", obj=employer,
                summary=f"Marked as a different employer from {other.name} (#{other.pk})",
                data={"other_id": other.pk},
            )
    return dismissal


def employer_merge(*, actor: User, keep: Employer, merge: Employer) -> Employer:
    """Move everything from ``merge`` onto ``keep`` and mark ``merge`` as merged into it.

    Every model with a foreign key (or many-to-many) to Employer moves, including those other
    apps add later, found through ``Employer._meta.related_objects``. Where both records hold
    the same member or partner relationship, the kept record keeps one (the stronger role).
    One transaction; audited on both records.
    """
    from brokerage.employers.selectors import employer_merge_preview
    from brokerage.employers.services import interaction_record

    if keep.pk == merge.pk:
        raise ValidationError("Choose two different employers to merge")
    with transaction.atomic():
        locked = {
            e.pk: e
            for e in Employer.objects.select_for_update(of=("self",)).filter(
                pk__in=[keep.pk, merge.pk]
            )
        }
        keep, merge = locked[keep.pk], locked[merge.pk]
        if keep.merged_into_id or merge.merged_into_id:
            raise ValidationError("One of these records has already been merged. Start again")
        preview = employer_merge_preview(keep=keep, merge=merge)

        # Conflicts on unique (employer, x) constraints this app knows about.
        for membership in EmployerMembership.objects.filter(employer=merge):
            twin = EmployerMembership.objects.filter(employer=keep, user=membership.user_id).first()
            if twin is not None:
                if membership.role == MembershipRole.ADMIN and twin.role != MembershipRole.ADMIN:
                    twin.role = MembershipRole.ADMIN
                    twin.save(update_fields=["role"])
                membership.delete()
        # Consent: once the merged record has members, acceptances the portal made for a
        # record nobody represented become requests for the employer's admins to answer.
        keep_had_members = EmployerMembership.objects.filter(employer=keep).exists()
        merge_had_members = EmployerMembership.objects.filter(employer=merge).exists()
        if keep_had_members or merge_had_members:
            if not keep_had_members:
                _reopen_automatic_acceptances(PartnerRelationship.objects.filter(employer=keep))
            if not merge_had_members:
                _reopen_automatic_acceptances(PartnerRelationship.objects.filter(employer=merge))
        for relationship in PartnerRelationship.objects.filter(employer=merge):
            twin = PartnerRelationship.objects.filter(
                employer=keep, partner=relationship.partner_id
            ).first()
            if twin is not None:
                twin.requires_employer_signoff = (
                    twin.requires_employer_signoff or relationship.requires_employer_signoff
                )
                twin.started_at = min(twin.started_at, relationship.started_at)
                fields = ["requires_employer_signoff", "started_at"]
                if relationship.grants_rights and not twin.grants_rights:
                    # The stronger consent survives (an admin's or a coordinator's decision).
                    for name in (
                        "status",
                        "ended_at",
                        "decided_by",
                        "decided_at",
                        "decision_reason",
                    ):
                        setattr(twin, name, getattr(relationship, name))
                    fields += ["status", "ended_at", "decided_by", "decided_at", "decision_reason"]
                twin.save(update_fields=fields)
                relationship.delete()
        EmployerJoinRequest.objects.filter(
            employer=merge, status=JoinRequestStatus.PENDING,
            user__in=EmployerMembership.objects.filter(employer=keep).values("user"),
        ).delete()
        DuplicateDismissal.objects.filter(
            models.Q(employer_low=merge) | models.Q(employer_high=merge)
        ).delete()

        moved, left = {}, {}
        for model, field_name in employer_references():
            if model is DuplicateDismissal:
                continue
            rows = model._default_manager.filter(**{field_name: merge})
            if not rows.exists():
                continue
            if model is Employer and field_name == "merged_into":
                count = rows.update(merged_into=keep)
            elif refuses_bulk_update(model):
                # Immutable facts (e.g. outcome records) stay on the merged-away record, which
                # points to the kept one through merged_into.
                left[str(model._meta.verbose_name_plural)] = rows.count()
                continue
            else:
                try:
                    with transaction.atomic():
                        count = rows.update(**{field_name: keep})
                except IntegrityError as exc:
                    raise ValidationError(
                        f"These records cannot be merged automatically: both have "
                        f"{model._meta.verbose_name_plural} that must be unique. "
                        "Resolve them first, then merge"
                    ) from exc
            if count:
                label = str(model._meta.verbose_name_plural)
                moved[label] = moved.get(label, 0) + count

        filled = {}
        for field in MERGE_FILL_FIELDS:
            if not getattr(keep, field) and getattr(merge, field):
                setattr(keep, field, getattr(merge, field))
                filled[field] = str(getattr(merge, field))
        keep.verified = keep.verified or merge.verified
        keep.save()
        merge.merged_into = keep
        merge.merged_at = timezone.now()
        merge.save(update_fields=["merged_into", "merged_at", "updated_at"])

        interaction_record(
            employer=keep, kind=InteractionKind.NOTE, actor=actor,
            summary=f"Merged the duplicate record '{merge.name}' (#{merge.pk}) into this one.",
        )
        data = {
            "kept_id": keep.pk,
            "merged_id": merge.pk,
            "moved": moved,
            "left": left,
            "filled": filled,
            "preview": [row.label for row in preview.rows if row.count],
        }
        audit_event_record(
            actor=actor, action="employer.merged", obj=keep,
            summary=f"Merged {merge.name} (#{merge.pk}) into this record", data=data,
        )
        audit_event_record(
            actor=actor, action="employer.merged_away", obj=merge,
            summary=f"Merged into {keep.name} (#{keep.pk})", data=data,
        )
    return keep


def refuses_bulk_update(model: type[models.Model]) -> bool:
    """True for models whose queryset overrides update() (records that must not change)."""
    queryset_class = type(model._default_manager.get_queryset())
    return queryset_class.update is not models.QuerySet.update


def employer_references() -> list[tuple[type[models.Model], str]]:
    """(model, field name) for every foreign key that points at Employer, in any app."""
    references = []
    for rel in Employer._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            for field in through._meta.fields:
                if field.is_relation and field.related_model is Employer:
                    references.append((through, field.name))
        elif rel.one_to_many or rel.one_to_one:
            references.append((rel.related_model, rel.field.name))
    for field in Employer._meta.many_to_many:  # m2m declared on Employer itself
        for through_field in field.remote_field.through._meta.fields:
            if through_field.is_relation and through_field.related_model is Employer:
                references.append((field.remote_field.through, through_field.name))
    return references
