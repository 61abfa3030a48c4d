"""Wagtail's moderation emails go the one message path (``cms/notifications.py``)."""

import pytest
from django.core import mail
from django.urls import reverse

from brokerage.messaging.models import Frequency, Message, MessageKind, MessageStatus
from brokerage.messaging.services import preferences_update
from cms.models import NewsPage
from tests.cms.test_editing import add_url, form_data

pytestmark = pytest.mark.django_db


def _submit(client, tree, editor, title="Housing providers join"):
    client.force_login(editor)
    client.post(
        add_url(NewsPage, tree["news_index"]),
        form_data(NewsPage, title, **{"action-submit": "action-submit"}),
    )


def test_a_page_submitted_for_moderation_is_a_message_to_the_moderators(
    client, tree, editor, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, tree, editor)

    message = Message.objects.get(recipient=moderator.email)
    assert (message.kind, message.status, message.user) == (
        MessageKind.WORK, MessageStatus.SENT, moderator
    )
    assert message.template.startswith("wagtailadmin/notifications/")
    assert "Housing providers join" in message.subject
    assert not Message.objects.filter(recipient=editor.email).exists()  # not to the submitter
    [email] = [e for e in mail.outbox if e.to == [moderator.email]]
    assert email.subject == message.subject
    assert email.extra_headers["X-Portal-Message"] == str(message.reference)


def test_the_editor_hears_when_the_page_is_sent_back(
    client, tree, editor, moderator, django_capture_on_commit_callbacks
):
    _submit(client, tree, editor, title="Not ready")
    page = NewsPage.objects.get(slug="not-ready")
    task_state = page.current_workflow_task_state

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]),
            {"comment": "Please add a date for the event."},
        )
    message = Message.objects.get(recipient=editor.email)
    assert message.kind == MessageKind.WORK
    assert "Not ready" in message.subject
    assert [e.to for e in mail.outbox] == [[editor.email]]


def test_a_moderator_who_chose_the_daily_digest_gets_it_there(
    client, tree, editor, moderator, django_capture_on_commit_callbacks
):
    preferences_update(
        actor=moderator, email=moderator.email, choices={MessageKind.WORK: Frequency.DAILY}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, tree, editor)
    assert Message.objects.get(recipient=moderator.email).status == MessageStatus.HELD
    assert mail.outbox == []
