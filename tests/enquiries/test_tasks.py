"""Reminders before the deadline and escalation after it: safe to run twice."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from brokerage.enquiries.models import EventKind, ItemStatus
from brokerage.enquiries.tasks import enquiry_escalations_send_task, enquiry_reminders_send_task
from portal.accounts.roles import Role
from tests.factories.enquiries import EnquiryItemFactory
from tests.factories.reference import PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def item_due_in(hours: float, **kwargs):
    now = timezone.now()
    return EnquiryItemFactory(
        routed_at=now - datetime.timedelta(days=2), deadline=now + datetime.timedelta(hours=hours), **kwargs
    )


def test_a_reminder_goes_to_the_partner_once(django_capture_on_commit_callbacks):
    partner = PartnerFactory(contact_email="team@partner.example.org")
    UserFactory(role=Role.PARTNER_STAFF, partner=partner, email="adviser@partner.example.org")
    item = item_due_in(3, partner=partner)
    item_due_in(30)  # not due yet
    item_due_in(3, first_response_at=timezone.now())  # already answered
    item_due_in(3, status=ItemStatus.CLOSED)

    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_reminders_send_task.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_reminders_send_task.delay().get() == 0

    # One email to each (every message is recorded and sent on its own).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "adviser@partner.example.org", "team@partner.example.org"
    ]
    assert all(item.enquiry.reference in m.subject for m in mail.outbox)
    item.refresh_from_db()
    assert item.reminded_at is not None
    assert item.events.filter(kind=EventKind.REMINDED).count() == 1


def test_escalation_goes_to_the_programme_coordinators_once(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()
    other_programme = ProgrammeFactory()
    coordinator = UserFactory(role=Role.COORDINATOR, email="coord@example.org")
    coordinator.programmes.add(programme)
    elsewhere = UserFactory(role=Role.COORDINATOR, email="elsewhere@example.org")
    elsewhere.programmes.add(other_programme)
    item = item_due_in(-1, programme=programme)
    item_due_in(-1, programme=programme, first_response_at=timezone.now())

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            enquiry_escalations_send_task.delay()

    assert [m.to for m in mail.outbox] == [["coord@example.org"]]
    assert "Overdue" in mail.outbox[0].subject
    assert item.partner.name in mail.outbox[0].body
    item.refresh_from_db()
    assert item.escalated_at is not None
    assert item.events.filter(kind=EventKind.ESCALATED).count() == 1


def test_an_overdue_item_is_escalated_not_reminded(django_capture_on_commit_callbacks):
    item_due_in(-2)
    with django_capture_on_commit_callbacks(execute=True):
        assert enquiry_reminders_send_task.delay().get() == 0
