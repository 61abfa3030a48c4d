"""Emails about organisations: invitations, join requests and partners' requests. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from brokerage.employers.models import (
    EmployerInvitation,
    EmployerJoinRequest,
    JoinRequestStatus,
    PartnerRelationship,
    RelationshipStatus,
)


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
    send_mail(
        subject=f"You have been invited to join {invitation.employer.name}",
        message=render_to_string("employers/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@shared_task
def employer_join_request_email_task(join_request_id: int) -> None:
    from brokerage.employers.selectors import employer_admins

    join_request = (
        EmployerJoinRequest.objects.select_related("employer", "user")
        .filter(pk=join_request_id).first()
    )
    if join_request is None or join_request.status != JoinRequestStatus.PENDING:
        return
    recipients = list(employer_admins(join_request.employer).values_list("email", flat=True))
    if not recipients:
        return
    link = settings.PORTAL_BASE_URL + reverse("employers:members", args=[join_request.employer_id])
    send_mail(
        subject=f"{join_request.user.email} asked to join {join_request.employer.name}",
        message=render_to_string(
            "employers/email/join_request.txt", {"join_request": join_request, "link": link}
        ),
        from_email=None,
        recipient_list=recipients,
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
    send_mail(
        subject=RELATIONSHIP_SUBJECTS[event].format(partner=relationship.partner, employer=employer.name),
        message=render_to_string(
            f"employers/email/partner_{event}.txt", {"relationship": relationship, "link": link}
        ),
        from_email=None,
        recipient_list=recipients,
    )
