"""Changes to employer records: organisations, members, partners acting for employers.

Merging duplicate records is ``brokerage.employers.merge`` (its two services are re-exported
here).

Every function owns its transaction and writes an audit event. A partner acting on an
employer's record is audited with ``acting_for`` set to the employer's name, and the employer
sees it on its activity page (``selectors.employer_partner_activity``).

Partners act for an employer only with its consent
---------------------------------------------------
A partner's relationship with an employer is a request (``partner_relationship_request``).
Until one of the employer's admins accepts it (``partner_relationship_decide``), or a
coordinator approves it giving a reason (``partner_relationship_approve``), the partner has no
rights over the employer: it cannot change the record or post, submit or withdraw the
employer's opportunities. A declined request grants nothing; the partner may ask again. Every
decision records who decided and when, is audited on the employer's record, and is emailed to
the partner. An admin may stop a partner acting for the employer at any time
(``partner_relationship_end``).

The portal itself decides in three cases:

- A partner that adds an employer the portal did not hold yet (``partner_employer_add`` creating
  the record) works with it at once: nobody else speaks for that employer. The acceptance is
  recorded with no decider and a reason. If the record later gains members through a merge,
  such automatic acceptances become requests again for the employer's admins to decide
  (``employer_merge``).
- Relationships recorded before consent was introduced count as accepted (migration 0004);
  the employer's admins see them and can stop them.
- Demo data (``demo.py``) records its relationships as accepted by the demo employer admin or
  approved by the demo coordinator.

Routing an enquiry to a partner never creates a relationship: the partner sees the employer
(through the enquiry and the timeline) but gains no rights over it.

A partner may tighten its own terms (ask for the employer's sign-off on what it posts) at any
time, but loosening them on a relationship in force needs the employer's consent again.
"""

import datetime
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.matching import (
    email_domain,
    normalise_companies_house_number,
    normalise_employer_name,
)
from brokerage.employers.merge import employer_duplicate_dismiss as employer_duplicate_dismiss
from brokerage.employers.merge import employer_merge as employer_merge
from brokerage.employers.models import (
    Employer,
    EmployerContact,
    EmployerInvitation,
    EmployerJoinRequest,
    EmployerMembership,
    EmployerSite,
    EmployerSource,
    Interaction,
    InteractionKind,
    JoinRequestStatus,
    MembershipRole,
    PartnerRelationship,
    RelationshipStatus,
)
from brokerage.reference.models import Area
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor
from portal.accounts.roles import Role

INVITATION_SALT = "employers.invitation"
INVITATION_MAX_AGE = datetime.timedelta(days=14)


def _acting_for(actor: User, employer: Employer) -> str:
    """A partner's staff acting on an employer's record are audited as acting for it."""
    if actor is not None and getattr(actor, "partner_id", None) and not _is_member(actor, employer):
        return employer.name
    return ""


def _is_member(user: User, employer: Employer) -> bool:
    return EmployerMembership.objects.filter(employer=employer, user=user).exists()


def _is_admin(user: User, employer: Employer) -> bool:
    return EmployerMembership.objects.filter(
        employer=employer, user=user, role=MembershipRole.ADMIN
    ).exists()


def _require_may_change(actor: User, employer: Employer) -> None:
    """The record is changed by its admins, coordinators, or a partner whose relationship with
    the employer is in force (accepted or approved). Anyone else is refused."""
    from brokerage.employers.selectors import user_can_act_for

    if getattr(actor, "is_superuser", False) or _is_admin(actor, employer):
        return
    if actor.has_role(Role.COORDINATOR) or user_can_act_for(actor, employer):
        return
    raise ValidationError(
        f"You cannot change {employer.name}'s record until they accept your organisation's request"
    )


def _postcode_or_error(postcode: str, *, field: str = "postcode") -> str:
    try:
        return validate_known_postcode(postcode)
    except PostcodeError as exc:
        raise ValidationError({field: str(exc)}) from exc


def _companies_house_or_error(value: str | None) -> str:
    try:
        return normalise_companies_house_number(value)
    except ValidationError as exc:
        raise ValidationError({"companies_house_number": exc.messages}) from exc


# --- the shared timeline ------------------------------------------------------------------


def interaction_record(
    *,
    employer: Employer,
    kind: str,
    summary: str,
    actor: User | None = None,
    partner=None,
    happened_at: datetime.datetime | None = None,
) -> Interaction:
    """Add one entry to the employer's shared timeline (call inside the caller's transaction)."""
    return Interaction.objects.create(
        employer=employer,
        kind=kind,
        summary=summary,
        recorded_by=recorded_actor(actor),
        partner=partner,
        happened_at=happened_at or timezone.now(),
    )


def interaction_add(
    *,
    actor: User,
    employer: Employer,
    kind: str,
    summary: str,
    happened_at: datetime.datetime | None = None,
) -> Interaction:
    """A member of staff records a contact with the employer on its shared timeline."""
    if not summary.strip():
        raise ValidationError({"summary": "Enter what happened"})
    if happened_at and happened_at > timezone.now():
        raise ValidationError({"happened_at": "The date must be today or in the past"})
    with transaction.atomic():
        interaction = interaction_record(
            employer=employer,
            kind=kind,
            summary=summary.strip(),
            actor=actor,
            partner=getattr(actor, "partner", None),
            happened_at=happened_at,
        )
        audit_event_record(
            actor=actor,
            action="employer.interaction_added",
            obj=employer,
            summary=f"{interaction.get_kind_display()} recorded",
            data={"interaction_id": interaction.pk},
            acting_for=_acting_for(actor, employer),
        )
    return interaction


# --- finding and creating the one record ---------------------------------------------------


def employer_match(
    *,
    name: str,
    postcode: str = "",
    email: str | None = None,
    companies_house_number: str | None = None,
) -> Employer | None:
    """The existing record that is confidently the same organisation, if there is one.

    Confident: the same Companies House number; or the same normalised name at the same
    postcode (the main address or a site); or the same normalised name and email domain.
    Weaker signals (a shared email domain alone) only make a suspected duplicate.
    """
    live = Employer.objects.filter(merged_into__isnull=True).order_by("pk")
    number = normalise_companies_house_number(companies_house_number)
    if number:
        found = live.filter(companies_house_number=number).first()
        if found:
            return found
    key = normalise_employer_name(name)
    if not key:
        return None
    same_name = live.filter(normalised_name=key)
    if postcode:
        found = same_name.filter(
            models.Q(postcode=postcode) | models.Q(sites__postcode=postcode)
        ).first()
        if found:
            return found
    domain = email_domain(email)
    if domain:
        found = same_name.filter(email_domain=domain).first()
        if found:
            return found
    return None


def employer_find_or_create(
    *,
    name: str,
    postcode: str,
    email: str | None = None,
    companies_house_number: str | None = None,
    sector: str = "",
    size_band: str = "",
    website: str = "",
    actor: User | None = None,
    partner=None,
    source: str = EmployerSource.ENQUIRY,
) -> tuple[Employer, bool]:
    """Return ``(employer, created)``: the one record for this organisation, made if new.

    Matches on Companies House number, normalised name with postcode, or normalised name
    with email domain (see ``employer_match``). Records that only look alike are left for a
    coordinator to merge (``selectors.employer_duplicates``); nothing is merged silently.
    Raises ValidationError for an unknown postcode or a malformed Companies House number.
    """
    if not (name or "").strip():
        raise ValidationError({"name": "Enter the organisation's name"})
    postcode = _postcode_or_error(postcode)
    number = _companies_house_or_error(companies_house_number)
    with transaction.atomic():
        existing = employer_match(
            name=name, postcode=postcode, email=email, companies_house_number=number
        )
        if existing is not None:
            updates = {}
            if number and not existing.companies_house_number:
                updates["companies_house_number"] = number
            if email_domain(email) and not existing.email_domain:
                updates["email_domain"] = email_domain(email)
            for field, value in (
                ("sector", sector),
                ("size_band", size_band),
                ("website", website),
            ):
                if value and not getattr(existing, field):
                    updates[field] = value
            if updates:
                for field, value in updates.items():
                    setattr(existing, field, value)
                existing.save(update_fields=[*updates, "updated_at"])
            return existing, False
        employer = Employer.objects.create(
            name=name.strip(),
            postcode=postcode,
            area=Area.for_postcode(postcode),
            companies_house_number=number,
            email_domain=email_domain(email),
            sector=sector,
            size_band=size_band,
            website=website,
            source=source,
            created_by=recorded_actor(actor),
            created_by_partner=partner,
        )
        audit_event_record(
            actor=actor,
            action="employer.created",
            obj=employer,
            summary=f"Employer record created ({employer.get_source_display().lower()})",
            data={"source": source},
            acting_for=employer.name if partner is not None else "",
        )
        _check_companies_house_after_commit(employer)
    return employer, True


def employer_register(
    *,
    actor: User,
    name: str,
    postcode: str,
    companies_house_number: str = "",
    sector: str = "",
    size_band: str = "",
    website: str = "",
    disability_confident: str = "",
    site_name: str = "",
    confirm_different: bool = False,
) -> Employer:
    """An employer user creates their organisation and becomes its first admin.

    If it looks like one the partnership already holds (``selectors.employer_lookalikes``),
    the person is asked first (``ValidationError`` code ``looks_like_existing``): they can ask
    to join that one instead. Created anyway (``confirm_different``), both records note the
    other as a suspected duplicate, for coordinators to merge or tell apart.
    """
    from brokerage.employers.selectors import employer_lookalikes

    postcode = _postcode_or_error(postcode)
    number = _companies_house_or_error(companies_house_number)
    if not (name or "").strip():
        raise ValidationError({"name": "Enter the organisation's name"})
    lookalikes = list(employer_lookalikes(
        name=name, companies_house_number=number, domain=email_domain(actor.email)
    ))
    if lookalikes and not confirm_different:
        names = ", ".join(f"{e.name} ({e.postcode or 'no postcode'})" for e in lookalikes[:3])
        raise ValidationError({"name": ValidationError(
            f"An organisation like this is already registered: {names}. Ask to join it, or "
            "confirm that yours is a different organisation",
            code="looks_like_existing",
        )})
    with transaction.atomic():
        area = Area.for_postcode(postcode)
        employer = Employer.objects.create(
            name=name.strip(),
            postcode=postcode,
            area=area,
            companies_house_number=number,
            email_domain=email_domain(actor.email),
            sector=sector,
            size_band=size_band,
            website=website,
            disability_confident=disability_confident,
            source=EmployerSource.REGISTRATION,
            created_by=actor,
        )
        EmployerSite.objects.create(
            employer=employer, name=site_name.strip() or "Main site", postcode=postcode, area=area
        )
        EmployerMembership.objects.create(employer=employer, user=actor, role=MembershipRole.ADMIN)
        interaction_record(
            employer=employer,
            kind=InteractionKind.REGISTRATION,
            summary=f"{actor.display_name} registered the organisation on the portal.",
            actor=actor,
        )
        audit_event_record(
            actor=actor, action="employer.registered", obj=employer,
            summary=f"{employer.name} registered by {actor.email}",
            data={"suspected_duplicates": [e.pk for e in lookalikes]} if lookalikes else None,
        )
        for other in lookalikes:  # the pair is linked on both timelines for coordinators
            for record, twin in ((employer, other), (other, employer)):
                interaction_record(
                    employer=record, kind=InteractionKind.NOTE, actor=actor,
                    summary=f"Suspected duplicate of {twin.name} (record {twin.pk}): "
                    f"{actor.display_name} said it is a different organisation when creating "
                    f"{employer.name}. A coordinator should merge the two or tell them apart.",
                )
        _check_companies_house_after_commit(employer)
    return employer


def employer_update(*, actor: User, employer: Employer, data: dict) -> Employer:
    """Change the organisation profile (by one of its admins, or a partner acting for it)."""
    _require_may_change(actor, employer)
    allowed = {
        "name", "companies_house_number", "sector", "size_band", "postcode", "website",
        "disability_confident",
    }
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))}")
    data = dict(data)
    if "postcode" in data:
        data["postcode"] = _postcode_or_error(data["postcode"])
    if "companies_house_number" in data:
        data["companies_house_number"] = _companies_house_or_error(data["companies_house_number"])
    if "name" in data and not data["name"].strip():
        raise ValidationError({"name": "Enter the organisation's name"})
    with transaction.atomic():
        employer = Employer.objects.select_for_update(of=("self",)).get(pk=employer.pk)
        changed = {}
        for field, value in data.items():
            if getattr(employer, field) != value:
                changed[field] = [str(getattr(employer, field)), str(value)]
                setattr(employer, field, value)
        if "postcode" in changed:
            employer.area = Area.for_postcode(employer.postcode)
        if changed:
            employer.save()
            audit_event_record(
                actor=actor, action="employer.updated", obj=employer,
                summary=f"Changed {', '.join(sorted(changed))}", data={"changes": changed},
                acting_for=_acting_for(actor, employer),
            )
            if {"name", "companies_house_number", "postcode"} & set(changed):
                _check_companies_house_after_commit(employer)
    return employer


def employer_site_add(*, actor: User, employer: Employer, name: str, postcode: str) -> EmployerSite:
    _require_may_change(actor, employer)
    postcode = _postcode_or_error(postcode)
    if not (name or "").strip():
        raise ValidationError({"name": "Enter a name for the site, like 'Head office'"})
    with transaction.atomic():
        site = EmployerSite.objects.create(
            employer=employer,
            name=name.strip(),
            postcode=postcode,
            area=Area.for_postcode(postcode),
        )
        audit_event_record(
            actor=actor, action="employer.site_added", obj=employer,
            summary=f"Site added: {site}", data={"site_id": site.pk},
            acting_for=_acting_for(actor, employer),
        )
    return site


def employer_site_remove(*, actor: User, site: EmployerSite) -> None:
    employer = site.employer
    _require_may_change(actor, employer)
    with transaction.atomic():
        audit_event_record(
            actor=actor, action="employer.site_removed", obj=employer,
            summary=f"Site removed: {site}", data={"site_id": site.pk},
            acting_for=_acting_for(actor, employer),
        )
        site.delete()


def employer_contact_add(
    *, actor: User, employer: Employer, name: str, job_title: str = "", email: str = "", phone: str = ""
) -> EmployerContact:
    _require_may_change(actor, employer)
    if not (name or "").strip():
        raise ValidationError({"name": "Enter the contact's name"})
    if not (email or phone):
        raise ValidationError({"email": "Enter an email address or a phone number for the contact"})
    with transaction.atomic():
        contact = EmployerContact.objects.create(
            employer=employer, name=name.strip(), job_title=job_title.strip(),
            email=(email or "").strip().lower(), phone=(phone or "").strip(),
        )
        audit_event_record(
            actor=actor, action="employer.contact_added", obj=employer,
            summary=f"Contact added: {contact.name}", data={"contact_id": contact.pk},
            acting_for=_acting_for(actor, employer),
        )
    return contact


def employer_contact_remove(*, actor: User, contact: EmployerContact) -> None:
    employer = contact.employer
    _require_may_change(actor, employer)
    with transaction.atomic():
        audit_event_record(
            actor=actor, action="employer.contact_removed", obj=employer,
            summary=f"Contact removed: {contact.name}", data={"contact_id": contact.pk},
            acting_for=_acting_for(actor, employer),
        )
        contact.delete()


# --- joining: requests and invitations -----------------------------------------------------


def employer_join_request_create(*, user: User, employer: Employer) -> EmployerJoinRequest:
    """Ask to join an organisation. Its owner decides (``selectors.join_request_owner``): the
    admins, else the partner working with it, else the coordinators; they are emailed."""
    from brokerage.employers.tasks import employer_join_request_email_task

    if _is_member(user, employer):
        raise ValidationError(f"You are already a member of {employer.name}")
    with transaction.atomic():
        existing = EmployerJoinRequest.objects.filter(
            employer=employer, user=user, status=JoinRequestStatus.PENDING
        ).first()
        if existing:
            return existing
        join_request = EmployerJoinRequest.objects.create(employer=employer, user=user)
        audit_event_record(
            actor=user, action="employer.join_requested", obj=employer,
            summary=f"{user.email} asked to join", data={"join_request_id": join_request.pk},
        )
        transaction.on_commit(lambda: employer_join_request_email_task.delay(join_request.pk))
    return join_request


def employer_join_request_decide(
    *, actor: User, join_request: EmployerJoinRequest, approve: bool
) -> EmployerJoinRequest:
    from brokerage.employers.selectors import join_request_owner

    with transaction.atomic():
        join_request = EmployerJoinRequest.objects.select_for_update(of=("self",)).get(
            pk=join_request.pk
        )
        if join_request.status != JoinRequestStatus.PENDING:
            raise ValidationError("This request has already been decided")
        owner = join_request_owner(join_request.employer)
        if not (getattr(actor, "is_superuser", False) or owner.users.filter(pk=actor.pk).exists()):
            raise ValidationError(f"Only {owner.name} can decide this request")
        join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
        join_request.decided_by = actor
        join_request.decided_at = timezone.now()
        join_request.save()
        if approve:
            EmployerMembership.objects.get_or_create(
                employer=join_request.employer, user=join_request.user,
                defaults={"role": MembershipRole.MEMBER},
            )
        audit_event_record(
            actor=actor,
            action="employer.join_approved" if approve else "employer.join_declined",
            obj=join_request.employer,
            summary=(
                f"{'Approved' if approve else 'Declined'} "
                f"{join_request.user.email}'s request to join"
            ),
            data={"join_request_id": join_request.pk},
        )
    return join_request


def employer_invitation_create(
    *, actor: User, employer: Employer, email: str, role: str = MembershipRole.MEMBER
) -> EmployerInvitation:
    """Invite a colleague by email; the email carries a signed link that expires."""
    from brokerage.employers.tasks import employer_invitation_email_task

    email = (email or "").strip().lower()
    if EmployerMembership.objects.filter(employer=employer, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {employer.name}"})
    if role not in MembershipRole.values:
        raise ValidationError({"role": "Select a role"})
    with transaction.atomic():
        EmployerInvitation.objects.filter(
            employer=employer,
            email__iexact=email,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(cancelled_at=timezone.now())
        invitation = EmployerInvitation.objects.create(
            employer=employer, email=email, role=role, invited_by=actor
        )
        audit_event_record(
            actor=actor, action="employer.member_invited", obj=employer,
            summary=f"Invited {email} as {invitation.get_role_display().lower()}",
            data={"invitation_id": invitation.pk},
        )
        transaction.on_commit(lambda: employer_invitation_email_task.delay(invitation.pk))
    return invitation


def employer_invitation_token(invitation: EmployerInvitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def employer_invitation_from_token(token: str) -> EmployerInvitation:
    """The open invitation a link refers to, or ValidationError saying what is wrong."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        pk = signer.unsign(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            "This invitation has expired. Ask an admin of the organisation to invite you again"
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            "This invitation link is not valid. Check you copied all of it"
        ) from exc
    invitation = EmployerInvitation.objects.select_related("employer").filter(pk=pk).first()
    if invitation is None or invitation.cancelled_at is not None:
        raise ValidationError(
            "This invitation has been withdrawn. Ask an "
            "admin of the organisation to invite you again"
        )
    return invitation


def employer_invitation_accept(*, user: User, invitation: EmployerInvitation) -> EmployerMembership:
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that email address to accept it"
        )
    with transaction.atomic():
        invitation = EmployerInvitation.objects.select_for_update(of=("self",)).get(
            pk=invitation.pk
        )
        if invitation.cancelled_at is not None:
            raise ValidationError("This invitation has been withdrawn")
        membership, created = EmployerMembership.objects.get_or_create(
            employer=invitation.employer, user=user, defaults={"role": invitation.role}
        )
        if invitation.accepted_at is None:
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            audit_event_record(
                actor=user, action="employer.invitation_accepted", obj=invitation.employer,
                summary=f"{user.email} joined as {membership.get_role_display().lower()}",
                data={"invitation_id": invitation.pk},
            )
    return membership


def employer_invitation_cancel(*, actor: User, invitation: EmployerInvitation) -> None:
    with transaction.atomic():
        if invitation.is_open:
            invitation.cancelled_at = timezone.now()
            invitation.save(update_fields=["cancelled_at"])
            audit_event_record(
                actor=actor, action="employer.invitation_cancelled", obj=invitation.employer,
                summary=f"Withdrew the invitation to {invitation.email}",
                data={"invitation_id": invitation.pk},
            )


def _other_admins(membership: EmployerMembership) -> bool:
    return (
        EmployerMembership.objects.select_for_update(of=("self",))
        .filter(employer=membership.employer, role=MembershipRole.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def employer_membership_change_role(
    *, actor: User, membership: EmployerMembership, role: str
) -> EmployerMembership:
    if role not in MembershipRole.values:
        raise ValidationError({"role": "Select a role"})
    with transaction.atomic():
        membership = EmployerMembership.objects.select_for_update(of=("self",)).get(
            pk=membership.pk
        )
        if membership.role == role:
            return membership
        if membership.role == MembershipRole.ADMIN and not _other_admins(membership):
            raise ValidationError(
                "An organisation must have at least one admin. Make someone else an admin first"
            )
        old = membership.get_role_display()
        membership.role = role
        membership.save(update_fields=["role"])
        audit_event_record(
            actor=actor, action="employer.member_role_changed", obj=membership.employer,
            summary=f"{membership.user.email}: {old} to {membership.get_role_display()}",
            data={"membership_id": membership.pk},
        )
    return membership


def employer_membership_remove(*, actor: User, membership: EmployerMembership) -> None:
    with transaction.atomic():
        membership = EmployerMembership.objects.select_for_update(of=("self",)).get(
            pk=membership.pk
        )
        if membership.role == MembershipRole.ADMIN and not _other_admins(membership):
            raise ValidationError(
                "You cannot remove the last admin. Make someone else an admin first"
            )
        audit_event_record(
            actor=actor, action="employer.member_removed", obj=membership.employer,
            summary=f"Removed {membership.user.email}", data={"user_id": membership.user_id},
        )
        membership.delete()


# --- partners acting for employers ---------------------------------------------------------


AUTOMATIC_ACCEPTANCE_REASON = (
    "{partner} added {employer} to the portal; nobody from the employer used the portal yet."
)


def _relationship_email(relationship: PartnerRelationship, event: str) -> None:
    from brokerage.employers.tasks import partner_relationship_email_task

    transaction.on_commit(lambda: partner_relationship_email_task.delay(relationship.pk, event))


def _started_working(relationship: PartnerRelationship, *, actor: User, how: str) -> None:
    interaction_record(
        employer=relationship.employer,
        kind=InteractionKind.NOTE,
        actor=actor,
        partner=relationship.partner,
        summary=(
            f"{relationship.partner} started working with {relationship.employer.name} ({how})."
        ),
    )


def partner_relationship_request(
    *, actor: User, partner, employer: Employer, requires_employer_signoff: bool,
    started_at: datetime.date | None = None,
) -> PartnerRelationship:
    """``partner`` asks to work with ``employer`` and act for it (or changes its terms).

    A new request (or one asked again after it was declined or ended) waits for the employer's
    admins, who are emailed; with no admins, a coordinator decides. Nothing is granted until
    then. On a relationship in force, the partner may add the employer's sign-off, but may not
    remove it without asking again.
    """
    if partner is None or getattr(actor, "partner_id", None) != partner.pk:
        raise ValidationError(
            "Only staff of a partner organisation can ask to work with an employer"
        )
    now = timezone.now()
    with transaction.atomic():
        relationship, created = PartnerRelationship.objects.select_for_update(
            of=("self",)
        ).get_or_create(
            partner=partner,
            employer=employer,
            defaults={
                "status": RelationshipStatus.REQUESTED,
                "requires_employer_signoff": requires_employer_signoff,
                "started_at": started_at or timezone.localdate(),
                "created_by": actor,
                "requested_by": actor,
                "requested_at": now,
            },
        )
        if not created and relationship.grants_rights:
            if relationship.requires_employer_signoff == requires_employer_signoff:
                return relationship
            if not requires_employer_signoff:
                raise ValidationError(
                    {
                        "requires_employer_signoff": (
                            f"{employer.name} agreed to sign off what you post for them. To post "
                            "without their sign-off, end this relationship and ask them again"
                        )
                    }
                )
            relationship.requires_employer_signoff = True
            relationship.save(update_fields=["requires_employer_signoff"])
            audit_event_record(
                actor=actor, action="employer.relationship_updated", obj=employer,
                summary=f"{partner} will ask {employer.name} to sign off what it posts for them",
                data={"relationship_id": relationship.pk, "requires_employer_signoff": True},
                acting_for=employer.name,
            )
            return relationship
        if not created:
            was_pending = relationship.is_pending
            relationship.status = RelationshipStatus.REQUESTED
            relationship.requires_employer_signoff = requires_employer_signoff
            relationship.ended_at = None
            relationship.decided_by = None
            relationship.decided_at = None
            relationship.decision_reason = ""
            if not was_pending:
                relationship.requested_by = actor
                relationship.requested_at = now
                relationship.started_at = started_at or timezone.localdate()
            relationship.save()
            if was_pending:
                audit_event_record(
                    actor=actor, action="employer.relationship_request_changed", obj=employer,
                    summary=f"{partner} changed its request to work with {employer.name}",
                    data={"relationship_id": relationship.pk,
                          "requires_employer_signoff": requires_employer_signoff},
                )
                return relationship
        signoff = "with" if requires_employer_signoff else "without"
        audit_event_record(
            actor=actor,
            action="employer.relationship_requested",
            obj=employer,
            summary=f"{partner} asked to act for {employer.name} ({signoff} the employer's "
            "sign-off on what it posts)",
            data={
                "relationship_id": relationship.pk,
                "requires_employer_signoff": requires_employer_signoff,
            },
        )
        _relationship_email(relationship, "requested")
    return relationship


def _decidable(relationship: PartnerRelationship) -> PartnerRelationship:
    relationship = (
        PartnerRelationship.objects.select_for_update(of=("self",))
        .select_related("partner", "employer").get(pk=relationship.pk)
    )
    if not relationship.is_pending:
        raise ValidationError("This request has already been answered or withdrawn")
    return relationship


def partner_relationship_decide(
    *, actor: User, relationship: PartnerRelationship, accept: bool, reason: str = ""
) -> PartnerRelationship:
    """One of the employer's admins accepts or declines a partner's request."""
    if not _is_admin(actor, relationship.employer):
        raise ValidationError("Only an admin of the organisation can answer this request")
    with transaction.atomic():
        relationship = _decidable(relationship)
        relationship.status = RelationshipStatus.ACCEPTED if accept else RelationshipStatus.DECLINED
        relationship.decided_by = actor
        relationship.decided_at = timezone.now()
        relationship.decision_reason = (reason or "").strip()
        relationship.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        employer, partner = relationship.employer, relationship.partner
        audit_event_record(
            actor=actor,
            action="employer.relationship_accepted" if accept else "employer.relationship_declined",
            obj=employer,
            summary=(
                f"{'Accepted' if accept else 'Declined'} "
                f"{partner}'s request to act for {employer.name}"
            ),
            data={"relationship_id": relationship.pk, "reason": relationship.decision_reason},
        )
        if accept:
            _started_working(relationship, actor=actor, how=f"accepted by {actor.display_name}")
        _relationship_email(relationship, "accepted" if accept else "declined")
    return relationship


def partner_relationship_approve(
    *, actor: User, relationship: PartnerRelationship, reason: str, approve: bool = True
) -> PartnerRelationship:
    """A coordinator answers a partner's request for the employer, e.g. when nobody from the
    employer uses the portal. Approving needs a reason (shown to the employer)."""
    if not actor.has_role(Role.COORDINATOR):
        raise ValidationError("Only a coordinator can approve a partner's request")
    reason = (reason or "").strip()
    if approve and not reason:
        raise ValidationError({"reason": "Enter the reason for approving the request"})
    with transaction.atomic():
        relationship = _decidable(relationship)
        relationship.status = (
            RelationshipStatus.APPROVED if approve else RelationshipStatus.DECLINED
        )
        relationship.decided_by = actor
        relationship.decided_at = timezone.now()
        relationship.decision_reason = reason
        relationship.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        employer, partner = relationship.employer, relationship.partner
        verb = "Approved" if approve else "Declined"
        audit_event_record(
            actor=actor,
            action="employer.relationship_approved"
            if approve
            else "employer.relationship_declined",
            obj=employer,
            summary=f"{verb} {partner}'s request to act for {employer.name}"
            + (f": {reason}" if reason else ""),
            data={"relationship_id": relationship.pk, "reason": reason},
        )
        if approve:
            _started_working(relationship, actor=actor, how=f"approved by a coordinator: {reason}")
        _relationship_email(relationship, "approved" if approve else "declined")
    return relationship


def partner_relationship_end(*, actor: User, relationship: PartnerRelationship) -> PartnerRelationship:
    """The partner stops working with the employer (or withdraws its request), or one of the
    employer's admins stops the partner acting for it."""
    with transaction.atomic():
        relationship = (
            PartnerRelationship.objects.select_for_update(of=("self",))
            .select_related("partner", "employer").get(pk=relationship.pk)
        )
        if relationship.ended_at is not None:
            return relationship
        employer, partner = relationship.employer, relationship.partner
        by_employer = _is_admin(actor, employer)
        by_partner = getattr(actor, "partner_id", None) == partner.pk
        if not (by_employer or by_partner or actor.has_role(Role.COORDINATOR)):
            raise ValidationError("Only the partner or an admin of the organisation can end this")
        was_pending = relationship.is_pending
        relationship.ended_at = timezone.localdate()
        relationship.save(update_fields=["ended_at"])
        if by_employer:
            summary = f"{employer.name} stopped {partner} acting for them"
        elif was_pending:
            summary = f"{partner} withdrew its request to act for {employer.name}"
        else:
            summary = f"{partner} stopped working with {employer.name}"
        audit_event_record(
            actor=actor, action="employer.relationship_ended", obj=employer, summary=summary,
            data={"relationship_id": relationship.pk, "by_employer": by_employer},
        )
        if by_employer:
            _relationship_email(relationship, "ended")
    return relationship


@dataclass
class PartnerEmployerResult:
    employer: Employer
    created: bool
    relationship: PartnerRelationship


def partner_employer_add(
    *,
    actor: User,
    name: str,
    postcode: str,
    email: str | None = None,
    companies_house_number: str | None = None,
    sector: str = "",
    size_band: str = "",
    website: str = "",
    requires_employer_signoff: bool = True,
) -> PartnerEmployerResult:
    """Partner staff add an employer they work with: found if already held, else created.

    A record the partner creates is accepted at once (nobody else speaks for the employer);
    for a record the portal already held, the partner's relationship is a request.
    """
    partner = getattr(actor, "partner", None)
    if partner is None:
        raise ValidationError("Only staff of a partner organisation can add an employer this way")
    with transaction.atomic():
        employer, created = employer_find_or_create(
            name=name, postcode=postcode, email=email,
            companies_house_number=companies_house_number, sector=sector, size_band=size_band,
            website=website, actor=actor, partner=partner, source=EmployerSource.PARTNER,
        )
        if not created:
            relationship = partner_relationship_request(
                actor=actor, partner=partner, employer=employer,
                requires_employer_signoff=requires_employer_signoff,
            )
            return PartnerEmployerResult(
                employer=employer, created=False, relationship=relationship
            )
        EmployerSite.objects.create(
            employer=employer, name="Main site", postcode=employer.postcode, area=employer.area
        )
        now = timezone.now()
        relationship = PartnerRelationship.objects.create(
            partner=partner,
            employer=employer,
            status=RelationshipStatus.ACCEPTED,
            requires_employer_signoff=requires_employer_signoff,
            started_at=timezone.localdate(),
            created_by=actor,
            requested_by=actor,
            requested_at=now,
            decided_at=now,
            decision_reason=AUTOMATIC_ACCEPTANCE_REASON.format(
                partner=partner, employer=employer.name
            ),
        )
        audit_event_record(
            actor=actor, action="employer.relationship_accepted", obj=employer,
            summary=f"{partner} works with {employer.name}, which it added to the portal",
            data={"relationship_id": relationship.pk, "automatic": True,
                  "requires_employer_signoff": requires_employer_signoff},
            acting_for=employer.name,
        )
        _started_working(relationship, actor=actor, how="it added the employer to the portal")
    return PartnerEmployerResult(employer=employer, created=True, relationship=relationship)


# --- Companies House ----------------------------------------------------------------------


def employer_companies_house_check(*, employer: Employer, actor: User | None = None) -> Employer | None:
    """Ask Companies House about the employer (by its number, else by an exact name match) and
    keep its status, registered office and any mismatch with our record. ``None`` when
    Companies House is not set up or could not be asked (the record is left as it was)."""
    from brokerage.employers import companies_house

    if not companies_house.configured():
        return None
    try:
        number = employer.companies_house_number
        if number:
            company = companies_house.company_get(number)
        else:
            company = companies_house.exact_match(employer.name)
    except companies_house.CompaniesHouseUnavailable:
        return None
    with transaction.atomic():
        employer = Employer.objects.select_for_update().get(pk=employer.pk)
        employer.companies_house_checked_at = timezone.now()
        fields = ["companies_house_checked_at", "companies_house_warning", "updated_at"]
        if company is None:
            employer.companies_house_warning = (
                f"Companies House has no company numbered {number}" if number else ""
            )
        else:
            if not number:
                employer.companies_house_number = company.number
                fields.append("companies_house_number")
            employer.companies_house_status = company.status
            employer.companies_house_name = company.name[:200]
            employer.registered_address = company.address.one_line()[:300]
            employer.registered_postcode = company.address.postal_code[:10]
            fields += ["companies_house_status", "companies_house_name", "registered_address",
                       "registered_postcode"]
            warning = "; ".join(companies_house.mismatches(
                company, name=employer.name, postcode=employer.postcode
            ))
            employer.companies_house_warning = (warning[:1].upper() + warning[1:])[:300]
        employer.save(update_fields=fields)
        audit_event_record(
            actor=actor, action="employer.companies_house_checked", obj=employer,
            summary=f"Checked with Companies House: "
            f"{company.status_label if company else 'not found'}"
            + (f" ({employer.companies_house_warning})" if employer.companies_house_warning else ""),
            data={"number": employer.companies_house_number,
                  "status": company.status if company else None},
        )
    return employer


def _check_companies_house_after_commit(employer: Employer) -> None:
    """Look the new record up once it is saved (a task: Companies House may be slow)."""
    from brokerage.employers import companies_house

    if companies_house.configured():
        from brokerage.employers.tasks import employer_companies_house_check_task

        transaction.on_commit(lambda: employer_companies_house_check_task.delay(employer.pk))
