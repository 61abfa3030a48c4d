"""Emails about organisations: invitations, join requests and partners' requests. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from brokerage.employers.models import (
    EmployerInvitation,
    EmployerJoinRequest,
    JoinRequestStatus,
    PartnerRelationship,
    RelationshipStatus,
)
from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send


@shared_task
def employer_invitation_email_task(invitation_id: int) -> None:
    from brokerage.employers.services import INVITATION_MAX_AGE, employer_invitation_token

    invitation = (
        EmployerInvitation.objects.select_related("employer", "invited_by")
        .filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return
    link = settings.PORTAL_BASE_URL + reverse(
        "employers:invitation_accept", args=[employer_invitation_token(invitation)]
    )
    context = {"invitation": invitation, "link": link, "days": INVITATION_MAX_AGE.days}
    message_send(
        kind=MessageKind.ESSENTIAL,
        template="employers/invitation",
        subject=f"You have been invited to join {invitation.employer.name}",
        body=render_to_string("employers/email/invitation.txt", context),
        recipients=[invitation.email],
    )


@shared_task
def employer_join_request_email_task(join_request_id: int) -> None:
    from brokerage.employers.selectors import join_request_owner

    join_request = (
        EmployerJoinRequest.objects.select_related("employer", "user")
        .filter(pk=join_request_id).first()
    )
    if join_request is None or join_request.status != JoinRequestStatus.PENDING:
        return
    owner = join_request_owner(join_request.employer)
    recipients = list(owner.users.values_list("email", flat=True))
    if not recipients:
        return
    page = "employers:members" if owner.kind == "admins" else "employers:staff_detail"
    link = settings.PORTAL_BASE_URL + reverse(page, args=[join_request.employer_id])
    message_send(
        kind=MessageKind.ORGANISATION,
        template="employers/join_request",
        subject=f"{join_request.user.email} asked to join {join_request.employer.name}",
        body=render_to_string(
            "employers/email/join_request.txt", {"join_request": join_request, "link": link}
        ),
        recipients=recipients,
    )


RELATIONSHIP_SUBJECTS = {
    "requested": "{partner} asks to act for {employer}",
    "accepted": "{employer} accepted {partner}'s request",
    "approved": "A coordinator approved {partner}'s request to act for {employer}",
    "declined": "{partner}'s request to act for {employer} was declined",
    "ended": "{employer} stopped {partner} acting for them",
}


def _relationship_email_still_true(relationship: PartnerRelationship, event: str) -> bool:
    if event == "ended":
        return relationship.ended_at is not None
    if relationship.ended_at is not None:
        return False
    return relationship.status == {
        "requested": RelationshipStatus.REQUESTED,
        "accepted": RelationshipStatus.ACCEPTED,
        "approved": RelationshipStatus.APPROVED,
        "declined": RelationshipStatus.DECLINED,
    }.get(event)


@shared_task
def partner_relationship_email_task(relationship_id: int, event: str) -> None:
    """Tell the employer's admins about a partner's request, or the partner about the answer.

    Nothing is sent if the relationship has moved on since (e.g. a request already answered).
    """
    from brokerage.employers.selectors import employer_admins

    relationship = (
        PartnerRelationship.objects.select_related("partner", "employer", "requested_by", "decided_by")
        .filter(pk=relationship_id).first()
    )
    if relationship is None or event not in RELATIONSHIP_SUBJECTS:
        return
    if not _relationship_email_still_true(relationship, event):
        return
    employer = relationship.employer
    if event == "requested":
        recipients = list(employer_admins(employer).values_list("email", flat=True))
        link = settings.PORTAL_BASE_URL + reverse(
            "employers:partner_request", args=[employer.pk, relationship.pk]
        )
    else:
        recipients = [relationship.partner.contact_email]
        requester = relationship.requested_by
        if requester is not None and requester.is_active:
            recipients.append(requester.email)
        link = settings.PORTAL_BASE_URL + reverse("employers:partner_requests")
    recipients = list(dict.fromkeys(email for email in recipients if email))
    if not recipients:
        return
    # A partner asking to act for an employer is outreach: it counts toward the employer's
    # contact limit (beyond it, it waits for their daily digest and the partner is told).
    outreach = event == "requested"
    message_send(
        kind=MessageKind.PARTNER_OUTREACH if outreach else MessageKind.ORGANISATION,
        template=f"employers/partner_{event}",
        subject=RELATIONSHIP_SUBJECTS[event].format(partner=relationship.partner, employer=employer.name),
        body=render_to_string(
            f"employers/email/partner_{event}.txt", {"relationship": relationship, "link": link}
        ),
        recipients=recipients,
        employer=employer if outreach else None,
        partner=relationship.partner if outreach else None,
        about=f"partner_relationship:{relationship.pk}",
    )


@shared_task
def employer_companies_house_check_task(employer_id: int) -> None:
    """Store what Companies House says about a new employer record (safe to run twice)."""
    from brokerage.employers.models import Employer
    from brokerage.employers.services import employer_companies_house_check

    employer = Employer.objects.filter(pk=employer_id).first()
    if employer is not None:
        employer_companies_house_check(employer=employer)


#: How often each employer's Companies House record is asked again (a company can be dissolved
#: or go into liquidation at any time; incentive payments read the stored status).
COMPANIES_HOUSE_REFRESH_DAYS = 7
COMPANIES_HOUSE_REFRESH_BATCH = 500


@shared_task
def employers_companies_house_refresh_task() -> int:
    """Ask Companies House again about employers not checked for a week, oldest first."""
    import datetime

    from django.db.models import F, Q
    from django.utils import timezone

    from brokerage.employers import companies_house
    from brokerage.employers.models import Employer
    from brokerage.employers.services import employer_companies_house_check

    if not companies_house.configured():
        return 0
    stale = timezone.now() - datetime.timedelta(days=COMPANIES_HOUSE_REFRESH_DAYS)
    employers = (
        Employer.objects.filter(merged_into__isnull=True).exclude(companies_house_number="")
        .filter(Q(companies_house_checked_at__isnull=True) | Q(companies_house_checked_at__lt=stale))
        .order_by(F("companies_house_checked_at").asc(nulls_first=True), "pk")
    )[:COMPANIES_HOUSE_REFRESH_BATCH]
    checked = 0
    for employer in employers:
        checked += employer_companies_house_check(employer=employer) is not None
    return checked

