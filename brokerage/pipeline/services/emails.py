"""Who hears about a change, by email through the one message path (sent after commit)."""

from django.conf import settings
from django.template.loader import render_to_string

from brokerage.employers.models import EmployerMembership, MembershipRole
from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send


def email_after_commit(
    subject: str, template: str, context: dict, recipients: list[str],
    *, kind: str = MessageKind.CANDIDATES, about: str = "",
) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    body = render_to_string(template, {**context, "site_url": settings.PORTAL_BASE_URL})
    message_send(
        kind=kind, template=template.removesuffix(".txt").replace("/email/", "/"),
        recipients=recipients, subject=subject, body=body, about=about,
    )


def employer_contact_emails(employer_id: int) -> list[str]:
    """Who hears about a candidate or a checkpoint: the organisation's admins (else everyone)."""
    members = EmployerMembership.objects.filter(employer_id=employer_id, user__is_active=True)
    admins = [
        m.user.email for m in members.filter(role=MembershipRole.ADMIN).select_related("user")
    ]
    return admins or [m.user.email for m in members.select_related("user")]


def key_worker_emails(participant) -> list[str]:
    return [participant.key_worker.email] if participant.key_worker_id else []
