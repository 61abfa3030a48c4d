"""Emails about organisations: invitations and join requests. Safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from brokerage.employers.models import EmployerInvitation, EmployerJoinRequest, JoinRequestStatus


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
