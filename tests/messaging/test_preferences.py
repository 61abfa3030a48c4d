"""Messages people control: per-kind preferences (straight away, daily digest, off), one
contact limit per employer across all partners, and a one-click link in every email."""

import pytest
from django.core import mail
from django.urls import reverse

from brokerage.messaging.models import (
    ContactLimit,
    Frequency,
    Message,
    MessageKind,
    MessageStatus,
    NotificationPreference,
)
from brokerage.messaging.services import message_send, messages_digest_send, preferences_token
from brokerage.messaging.tasks import messages_digest_send_task
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
AMINA = "amina@tees.example.org"


def send(kind=MessageKind.CHECKS, subject="Please confirm", to=AMINA, **kwargs):
    return message_send(
        kind=kind, template="tests/hello", recipients=[to], subject=subject,
        body=f"Body of {subject}", **kwargs,
    )


def test_the_link_in_every_email_opens_the_preferences_without_signing_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send()
    [email] = mail.outbox
    link = email.body.strip().rsplit("\n", 1)[-1].strip()
    assert f"/messages/preferences/{preferences_token(AMINA)}/" in link
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Choose which emails you get" in html and AMINA in html
    assert "Checks that someone is still in work" in html


def test_a_tampered_link_is_not_found(client):
    token = preferences_token(AMINA)[:-2] + "xx"
    assert client.get(reverse("messaging:preferences_link", args=[token])).status_code == 404


def test_choosing_daily_holds_messages_for_one_digest_email(
    client, django_capture_on_commit_callbacks
):
    url = reverse("messaging:preferences_link", args=[preferences_token(AMINA)])
    choices = {kind: Frequency.IMMEDIATELY for kind in [k.value for k in MessageKind]}
    choices.update({MessageKind.CHECKS: Frequency.DAILY, MessageKind.OPPORTUNITIES: Frequency.OFF})
    choices.pop(MessageKind.ESSENTIAL)
    assert client.post(url, choices).status_code == 302
    assert NotificationPreference.objects.get(email=AMINA, kind="checks").frequency == "daily"

    with django_capture_on_commit_callbacks(execute=True):
        send(subject="Check one")
        send(subject="Check two")
        send(kind=MessageKind.OPPORTUNITIES, subject="Closing soon")
        send(kind=MessageKind.CANDIDATES, subject="A candidate")
        send(kind=MessageKind.ESSENTIAL, subject="You are invited")
    assert sorted(m.subject for m in mail.outbox) == ["A candidate", "You are invited"]
    statuses = dict(Message.objects.values_list("subject", "status"))
    assert statuses["Check one"] == statuses["Check two"] == MessageStatus.HELD
    assert statuses["Closing soon"] == MessageStatus.OFF

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_digest_send_task.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert messages_digest_send() == 0  # run twice: nothing new
    [digest] = mail.outbox
    assert digest.subject == "Your daily summary: 2 messages"
    assert "Body of Check one" in digest.body and "Body of Check two" in digest.body
    assert "Choose which emails you get" in digest.body
    assert set(Message.objects.filter(subject__startswith="Check").values_list("status", flat=True)) \
        == {MessageStatus.DIGESTED}


def test_a_bad_choice_is_refused_and_nothing_saved(client):
    url = reverse("messaging:preferences_link", args=[preferences_token(AMINA)])
    response = client.post(url, {MessageKind.CHECKS: "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_signed_in_people_change_their_own_preferences(client):
    url = reverse("messaging:preferences")
    assert client.get(url).status_code == 302  # sign in first
    user = UserFactory(role=Role.EMPLOYER, email="owner@tees.example.org")
    client.force_login(user)
    page = client.get(url)
    assert "owner@tees.example.org" in page.content.decode()
    choices = {k.value: Frequency.IMMEDIATELY for k in MessageKind if k != MessageKind.ESSENTIAL}
    choices[MessageKind.PARTNER_OUTREACH] = Frequency.DAILY
    assert client.post(url, choices).status_code == 302
    assert NotificationPreference.objects.get(
        email="owner@tees.example.org", kind=MessageKind.PARTNER_OUTREACH
    ).frequency == Frequency.DAILY
    assert not NotificationPreference.objects.exclude(email="owner@tees.example.org").exists()


def test_partners_together_reach_an_employer_only_up_to_the_limit(
    django_capture_on_commit_callbacks
):
    ContactLimit.objects.create(messages=2, days=7)
    employer = EmployerFactory(name="Tees Components Ltd")
    first, second = PartnerFactory(name="Stockton JCP"), PartnerFactory(name="Mentors North")
    with django_capture_on_commit_callbacks(execute=True):
        send(kind=MessageKind.PARTNER_OUTREACH, subject="From JCP", employer=employer, partner=first)
        send(kind=MessageKind.PARTNER_OUTREACH, subject="From Mentors", employer=employer,
             partner=second)
        [held] = send(kind=MessageKind.PARTNER_OUTREACH, subject="From JCP again",
                      employer=employer, partner=first)
    assert held.status == MessageStatus.HELD
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "From JCP", "From Mentors",
        "Your message to Tees Components Ltd will arrive in their daily digest",
    ]
    told = [m for m in mail.outbox if m.subject.startswith("Your message")][0]
    assert told.to == [first.contact_email]
    assert "From JCP again" in told.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messages_digest_send()
    [digest] = mail.outbox
    assert digest.to == [AMINA] and "From JCP again" in digest.body
