import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.tasks import contact_reminders_send_task
from tests.factories.participants import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_weekly_reminder_once_per_participant(key_worker, programme, django_capture_on_commit_callbacks):
    now = timezone.now()
    stale = ParticipantFactory(programme=programme, key_worker=key_worker, first_name="Stacey", last_name="Moore",
                               referred_on=timezone.localdate() - datetime.timedelta(days=30),
                               last_contact_at=now - datetime.timedelta(days=8))
    never = ParticipantFactory(programme=programme, key_worker=key_worker,
                               referred_on=timezone.localdate() - datetime.timedelta(days=10))
    recent = ParticipantFactory(
        programme=programme, key_worker=key_worker, last_contact_at=now - datetime.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert contact_reminders_send_task() == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [key_worker.email]
    assert stale.reference in body and never.reference in body and recent.reference not in body
    assert "Stacey M." in body and "Moore" not in body
    assert reverse("participants:contacts", args=[stale.reference]) in body
    with django_capture_on_commit_callbacks(execute=True):
        assert contact_reminders_send_task() == 0  # safe to run twice
    assert len(mail.outbox) == 1


def test_recording_contact_clears_the_flag(login, key_worker, programme):
    p = ParticipantFactory(
        programme=programme,
        key_worker=key_worker,
        referred_on=timezone.localdate() - datetime.timedelta(days=9),
    )
    client = login(key_worker)
    assert "No contact for a week" in client.get(reverse("participants:caseload")).content.decode()
    today = timezone.localdate()
    response = client.post(reverse("participants:contacts", args=[p.reference]), {
        "happened_on_day": today.day, "happened_on_month": today.month, "happened_on_year": today.year,
        "method": "phone", "summary": "Checked in about the CSCS course",
    })
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.last_contact_at is not None
    assert "No contact for a week" not in client.get(reverse("participants:caseload")).content.decode()
