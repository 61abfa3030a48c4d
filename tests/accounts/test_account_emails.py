"""Account emails (allauth's) go the one message path: a ``Message`` each, sent after commit,
never held or turned off by the person's message preferences."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from brokerage.messaging.models import (
    CHOOSABLE_KINDS,
    Frequency,
    Message,
    MessageKind,
    MessageStatus,
    NotificationPreference,
)
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory
from tests.messaging.conftest import notify  # noqa: F401 (the Notify stand-in fixture)

pytestmark = pytest.mark.django_db

PASSWORD = "Stockton-Widgets-2026"


def _signup(client):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Maya",
            "last_name": "Patel",
            "email": "maya.patel@teescomponents.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_the_sign_up_confirmation_is_a_recorded_message_sent_after_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _signup(client)
        assert mail.outbox == []  # nothing leaves before the sign-up is saved

    user = User.objects.get(email="maya.patel@teescomponents.example")
    message = Message.objects.get()
    assert (message.kind, message.template, message.recipient, message.user) == (
        MessageKind.ESSENTIAL,
        "account/email/email_confirmation_signup",
        "maya.patel@teescomponents.example",
        user,
    )
    assert message.status == MessageStatus.SENT
    assert message.subject == "[Employer portal] Confirm your email address"

    [email] = mail.outbox
    assert email.to == ["maya.patel@teescomponents.example"]
    assert email.subject == message.subject
    assert re.search(r"https?://testserver/accounts/confirm-email/\S+", email.body)
    assert email.extra_headers["X-Portal-Message"] == str(message.reference)


def test_a_bad_sign_up_records_no_message(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_password_reset_arrives_even_when_every_message_is_turned_off(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    for kind in CHOOSABLE_KINDS:
        NotificationPreference.objects.create(
            email="priya@example.org", kind=kind, frequency=Frequency.OFF
        )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "priya@example.org"})

    message = Message.objects.get()
    assert (message.kind, message.template, message.user, message.status) == (
        MessageKind.ESSENTIAL, "account/email/password_reset_key", user, MessageStatus.SENT
    )
    [email] = mail.outbox
    assert email.subject.endswith("Reset your password")
    assert "/accounts/password/reset/key/" in email.body


def test_a_password_reset_held_for_the_digest_is_not_held(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    for kind in CHOOSABLE_KINDS:
        NotificationPreference.objects.create(
            email="priya@example.org", kind=kind, frequency=Frequency.DAILY
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "priya@example.org"})
    assert not Message.objects.filter(status=MessageStatus.HELD).exists()
    assert len(mail.outbox) == 1


def test_account_emails_go_through_notify_when_it_is_the_email_backend(
    client, notify, django_capture_on_commit_callbacks  # noqa: F811
):
    UserFactory(email="priya@example.org", role=Role.EMPLOYER)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "priya@example.org"})

    [sent] = notify.sent("email")
    message = Message.objects.get()
    assert sent["email_address"] == "priya@example.org"
    assert sent["subject"].endswith("Reset your password")
    assert "/accounts/password/reset/key/" in sent["body"]
    assert sent["reference"] == str(message.reference)
    assert (message.provider, message.status) == ("notify", MessageStatus.SENT)
    assert mail.outbox == []
