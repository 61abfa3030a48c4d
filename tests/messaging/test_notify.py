"""GOV.UK Notify through notifications-python-client, answered by the local stand-in: template
ids come from settings, texts get delivery receipts too, and only Notify's bearer token opens
the callbacks."""

import pytest
from django.urls import reverse

from brokerage.messaging.models import Channel, InboundText, Message, MessageKind, MessageStatus
from brokerage.messaging.services import message_send

pytestmark = pytest.mark.django_db

EMAIL_ID = "11111111-2222-4333-8444-555555555555"
SMS_ID = "66666666-7777-4888-9999-aaaaaaaaaaaa"
OWN_ID = "bbbbbbbb-cccc-4ddd-8eee-ffffffffffff"


def _send(capture, **kwargs) -> Message:
    defaults = {"kind": MessageKind.CANDIDATES, "template": "tests/hello",
                "recipients": ["amina@tees.example.org"], "subject": "Hello", "body": "Hello Amina"}
    with capture(execute=True):
        [message] = message_send(**{**defaults, **kwargs})
    message.refresh_from_db()
    return message


def test_template_ids_come_from_settings(notify, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_TEMPLATES = {"email": EMAIL_ID, "sms": SMS_ID, "tests/own_sms": OWN_ID}
    capture = django_capture_on_commit_callbacks
    _send(capture)
    _send(capture, channel=Channel.SMS, recipients=["07700 900123"], body="Reply YES")
    _send(capture, channel=Channel.SMS, template="tests/own_sms", recipients=["07700 900124"],
          body="Its own template")
    [email] = notify.sent("email")
    assert email["template"]["id"] == EMAIL_ID
    by_number = {n["phone_number"]: n["template"]["id"] for n in notify.sent("sms")}
    assert by_number == {"07700 900123": SMS_ID, "07700 900124": OWN_ID}


def test_a_texts_delivery_receipt_is_recorded_on_its_message(
    notify, callback, django_capture_on_commit_callbacks
):
    message = _send(django_capture_on_commit_callbacks, channel=Channel.SMS,
                    recipients=["07700 900123"], body="Reply YES")
    [sent] = notify.sent("sms")
    assert message.provider_id == sent["id"]
    assert callback("notify_delivery", notify.receipt(sent["id"], "delivered")).status_code == 200
    message.refresh_from_db()
    assert (message.status, message.delivery_status) == (MessageStatus.DELIVERED, "delivered")
    assert message.completed_at is not None


@pytest.mark.parametrize("name", ["notify_delivery", "notify_inbound_text"])
def test_callbacks_refuse_a_wrong_or_missing_bearer_token(
    name, notify, callback, client, settings, django_capture_on_commit_callbacks
):
    message = _send(django_capture_on_commit_callbacks, channel=Channel.SMS,
                    recipients=["07700 900123"], body="Reply YES")
    [sent] = notify.sent("sms")
    payload = (notify.receipt(sent["id"], "delivered") if name == "notify_delivery"
               else notify.inbound_text("07700900123", "YES"))
    assert callback(name, payload, token="not-the-token").status_code == 401
    assert client.post(reverse(f"messaging:{name}"), payload,
                       content_type="application/json").status_code == 401
    # With no token configured, nothing is accepted, not even an empty bearer.
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert callback(name, payload, token="").status_code == 401
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.delivery_status == ""
    assert not InboundText.objects.exists()
