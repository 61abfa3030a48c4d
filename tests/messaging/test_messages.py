"""The one message path: message_send → Message → task with retries → Notify or SMTP."""

import pytest
from django.core import mail
from django.urls import reverse

from brokerage.messaging.models import Channel, Message, MessageKind, MessageStatus
from brokerage.messaging.services import message_send, preferences_url

pytestmark = pytest.mark.django_db


def send(**kwargs) -> list[Message]:
    defaults = {
        "kind": MessageKind.CANDIDATES,
        "template": "tests/hello",
        "recipients": ["amina@tees.example.org"],
        "subject": "A candidate for you",
        "body": "Hello Amina",
    }
    return message_send(**{**defaults, **kwargs})


def test_an_email_goes_through_notify_and_its_delivery_receipt_is_recorded(
    notify, callback, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        [message] = send()
        assert Message.objects.get().status == MessageStatus.QUEUED  # nothing sent before commit
    assert len(queued) == 1

    message.refresh_from_db()
    [sent] = notify.sent("email")
    assert (sent["email_address"], sent["subject"]) == ("amina@tees.example.org", "A candidate for you")
    assert sent["body"].startswith("Hello Amina")
    assert "/messages/preferences/" in sent["body"]  # every email: a link to change preferences
    assert sent["one_click_unsubscribe_url"] == preferences_url("amina@tees.example.org")
    assert sent["reference"] == str(message.reference)
    assert (message.status, message.provider, message.provider_id) == (
        MessageStatus.SENT, "notify", sent["id"]
    )
    assert mail.outbox == []

    # A receipt with the wrong token changes nothing; Notify's own is recorded.
    assert callback("notify_delivery", notify.receipt(sent["id"]), token="wrong").status_code == 401
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert callback("notify_delivery", notify.receipt(sent["id"], "delivered")).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.delivery_status) == (MessageStatus.DELIVERED, "delivered")
    assert message.completed_at is not None


def test_a_bounce_is_recorded_as_not_delivered(notify, callback, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send()
    [sent] = notify.sent()
    callback("notify_delivery", notify.receipt(sent["id"], "permanent-failure"))
    message.refresh_from_db()
    assert (message.status, message.delivery_status) == (MessageStatus.FAILED, "permanent-failure")


def test_notify_down_is_tried_again_and_the_message_sent_once(
    notify, django_capture_on_commit_callbacks
):
    notify.fail_next(500)
    notify.fail_next(429)
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 3
    assert len(notify.sent()) == 1


def test_notify_down_for_good_leaves_the_message_failed_with_the_reason(
    notify, django_capture_on_commit_callbacks
):
    for _ in range(10):
        notify.fail_next(500)
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "Notify 500" in message.last_error
    assert notify.sent() == []


def test_a_refused_message_is_not_tried_again(notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send(recipients=["not-an-email-address"])
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "Not a valid email address" in message.last_error


def test_a_bad_api_key_is_refused_by_the_stand_in_like_notify(
    notify, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_API_KEY = "other-" + "5e0b2a4c-3f1d-4d8e-9a7b-1c2d3e4f5a6b" + "-" + "1" * 36
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "403" in message.last_error and "signature" in message.last_error.lower()


def test_a_text_goes_through_notify(notify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = send(channel=Channel.SMS, recipients=["07700 900123"], body="Reply YES")
    [sent] = notify.sent("sms")
    assert (sent["phone_number"], sent["body"]) == ("07700 900123", "Reply YES")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_smtp_is_the_alternative_and_each_recipient_gets_their_own_email(
    settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_EMAIL_BACKEND = "django"
    with django_capture_on_commit_callbacks(execute=True):
        send(recipients=["a@example.org", "B@example.org", "a@example.org", ""])
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    email = mail.outbox[0]
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "Choose which emails you get" in email.body
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_a_callback_without_a_token_or_json_is_refused(client, callback):
    url = reverse("messaging:notify_delivery")
    assert client.post(url, {}, content_type="application/json").status_code == 401
    assert callback("notify_delivery", {"no": "id"}).status_code == 400
    assert client.get(url).status_code == 405
