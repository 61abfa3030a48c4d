"""Plain-text emails about enquiries, sent through the one message path (``message_send``)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from brokerage.enquiries.follow import enquiry_follow_url
from brokerage.enquiries.models import Enquiry, EnquiryItem
from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send
from portal.accounts.models import User
from portal.accounts.roles import Role

SUBJECT_PREFIX = "[Employer portal] "


def _send(
    template: str, subject: str, recipients: list[str], context: dict,
    kind: str = MessageKind.WORK,
) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    context = {**context, "base_url": settings.PORTAL_BASE_URL}
    body = render_to_string(f"enquiries/email/{template}.txt", context)
    message_send(
        kind=kind, template=f"enquiries/{template}", recipients=recipients,
        subject=SUBJECT_PREFIX + subject, body=body,
    )


def _item_url(item: EnquiryItem) -> str:
    return settings.PORTAL_BASE_URL + reverse("enquiries:item", args=[item.pk])


def partner_recipients(partner) -> list[str]:
    staff = User.objects.filter(
        partner=partner, is_active=True, groups__name=Role.PARTNER_STAFF.label
    ).values_list("email", flat=True)
    return [partner.contact_email, *staff]


def coordinator_recipients(item: EnquiryItem) -> list[str]:
    coordinators = User.objects.filter(is_active=True, groups__name=Role.COORDINATOR.label)
    if item.programme_id:
        scoped = coordinators.filter(programmes=item.programme_id)
        if item.enquiry.area_id:
            scoped = scoped.filter(areas__isnull=True) | scoped.filter(areas=item.enquiry.area_id)
        if scoped.exists():
            coordinators = scoped
    return list(coordinators.values_list("email", flat=True).distinct())


def send_enquiry_confirmation(enquiry_id: int) -> None:
    enquiry = Enquiry.objects.prefetch_related("items__partner").get(pk=enquiry_id)
    _send(
        "confirmation",
        f"We have received your enquiry {enquiry.reference}",
        [enquiry.email],
        {"enquiry": enquiry, "items": list(enquiry.items.all()),
         "follow_url": enquiry_follow_url(enquiry)},
        kind=MessageKind.ENQUIRIES,
    )


def send_partner_notification(item_id: int) -> None:
    item = EnquiryItem.objects.select_related("enquiry", "partner").get(pk=item_id)
    _send(
        "partner_notification",
        f"New employer enquiry {item.enquiry.reference} for {item.partner}",
        partner_recipients(item.partner),
        {"item": item, "enquiry": item.enquiry, "url": _item_url(item)},
    )


def send_reminder(item_id: int) -> None:
    item = EnquiryItem.objects.select_related("enquiry", "partner").get(pk=item_id)
    _send(
        "reminder",
        f"Reminder: enquiry {item.enquiry.reference} is due a response today",
        partner_recipients(item.partner),
        {"item": item, "enquiry": item.enquiry, "url": _item_url(item)},
    )


def send_escalation(item_id: int) -> None:
    item = EnquiryItem.objects.select_related("enquiry", "partner", "programme").get(pk=item_id)
    _send(
        "escalation",
        f"Overdue: enquiry {item.enquiry.reference} has had no response from {item.partner}",
        coordinator_recipients(item),
        {"item": item, "enquiry": item.enquiry, "url": _item_url(item)},
    )
