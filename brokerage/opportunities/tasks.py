"""Emails about opportunities, and the daily lifecycle jobs. Every task is safe to run twice."""

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from brokerage.employers.models import EmployerMembership
from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send
from brokerage.opportunities.models import Opportunity, OpportunityEvent, OpportunityStatus

SUBJECTS = {
    OpportunityStatus.LIVE: "Your opportunity ‘{title}’ is live",
    OpportunityStatus.REFERRED_BACK: "Your opportunity ‘{title}’ needs changes",
    OpportunityStatus.REJECTED: "Your opportunity ‘{title}’ was not approved",
}


def _recipients(opportunity: Opportunity) -> list[str]:
    emails = list(
        EmployerMembership.objects.filter(employer=opportunity.employer, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    if opportunity.created_by and opportunity.created_by.email not in emails:
        emails.append(opportunity.created_by.email)
    return sorted(set(emails))


@shared_task
def opportunity_decision_email_task(event_id: int) -> None:
    """Tell the employer about a moderation decision (live, referred back or rejected)."""
    event = (
        OpportunityEvent.objects.select_related("opportunity__employer", "opportunity__created_by")
        .filter(pk=event_id).first()
    )
    if event is None or event.to_status not in SUBJECTS:
        return
    opportunity = event.opportunity
    recipients = _recipients(opportunity)
    if not recipients:
        return
    link = settings.PORTAL_BASE_URL + reverse(
        "opportunities:employer_detail", args=[opportunity.pk]
    )
    from brokerage.opportunities.display import field_labels

    labels = field_labels(opportunity.opportunity_type)
    comments = [
        (labels.get(c.field_name, c.field_name.replace("_", " ").capitalize()), c.comment)
        for c in opportunity.field_comments.filter(resolved_at__isnull=True)
    ]
    context = {"opportunity": opportunity, "event": event, "link": link, "comments": comments}
    message_send(
        kind=MessageKind.OPPORTUNITIES,
        template="opportunities/decision",
        subject=SUBJECTS[event.to_status].format(title=opportunity.title),
        body=render_to_string("opportunities/email/decision.txt", context),
        recipients=recipients,
        about=f"opportunity:{opportunity.pk}",
    )


@shared_task
def opportunities_close_expired_task() -> int:
    from brokerage.opportunities.services import opportunities_close_expired

    return len(opportunities_close_expired(today=timezone.localdate()))


@shared_task
def opportunity_closing_reminders_task() -> int:
    """Remind employers a few days before a live opportunity closes (once per closing date)."""
    from brokerage.opportunities.services import (
        opportunities_due_reminder,
        opportunity_reminder_mark_sent,
    )

    sent = 0
    for opportunity in opportunities_due_reminder(today=timezone.localdate()).select_related("employer"):
        if not opportunity_reminder_mark_sent(opportunity=opportunity):
            continue
        recipients = _recipients(opportunity)
        if not recipients:
            continue
        link = settings.PORTAL_BASE_URL + reverse(
            "opportunities:employer_detail", args=[opportunity.pk]
        )
        message_send(
            kind=MessageKind.OPPORTUNITIES,
            template="opportunities/closing_reminder",
            subject=f"‘{opportunity.title}’ closes on {opportunity.closing_date:%-d %B %Y}",
            body=render_to_string(
                "opportunities/email/closing_reminder.txt", {"opportunity": opportunity, "link": link}
            ),
            recipients=recipients,
            about=f"opportunity:{opportunity.pk}",
        )
        sent += 1
    return sent
