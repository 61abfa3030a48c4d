"""Wagtail's moderation and comment emails go the one message path (``cms/notifications.py``)."""

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import Comment, PageSubscription
from wagtail.users.models import UserProfile

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


# --- comment notifications ------------------------------------------------------------------


def _comment(client, page, author, text):
    """``author`` saves the page with a new comment on its title (Wagtail's editor form)."""
    client.force_login(author)
    data = form_data(
        NewsPage, page.title,
        date=page.date.isoformat(), summary=page.summary,
        **{
            "comments-TOTAL_FORMS": "1", "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0", "comments-MAX_NUM_FORMS": "",
            "comments-0-DELETE": "", "comments-0-resolved": "", "comments-0-id": "",
            "comments-0-contentpath": "title", "comments-0-text": text,
            "comments-0-position": "",
            "comments-0-replies-TOTAL_FORMS": "0", "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0", "comments-0-replies-MAX_NUM_FORMS": "0",
        },
    )
    data["slug"] = page.slug
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


@pytest.fixture
def followers(tree, editor, moderator):
    """Both editors follow comments on the news page."""
    page = tree["news"]
    for user in (editor, moderator):
        PageSubscription.objects.create(page=page, user=user, comment_notifications=True)
    return page


def test_a_comment_by_one_editor_is_a_message_to_the_other_follower(
    client, followers, editor, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _comment(client, followers, editor, "Please check the date.")
    assert response.status_code == 302
    assert Comment.objects.get(page=followers).text == "Please check the date."

    message = Message.objects.get()  # to the other follower only, not to the author
    assert (message.recipient, message.user, message.kind, message.status) == (
        moderator.email, moderator, MessageKind.WORK, MessageStatus.SENT
    )
    assert message.template == "wagtailadmin/notifications/updated_comments"
    assert followers.title in message.subject
    assert "Please check the date." in message.body
    # Nothing sent any other way: the one email is this message's.
    [email] = mail.outbox
    assert email.to == [moderator.email]
    assert email.extra_headers["X-Portal-Message"] == str(message.reference)


def test_a_follower_who_turned_comment_emails_off_in_wagtail_hears_nothing(
    client, followers, editor, moderator, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(moderator)
    profile.updated_comments_notifications = False
    profile.save()
    with django_capture_on_commit_callbacks(execute=True):
        _comment(client, followers, editor, "Please check the date.")
    assert Comment.objects.filter(page=followers).exists()
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_a_follower_who_chose_the_daily_digest_gets_the_comment_there(
    client, followers, editor, moderator, django_capture_on_commit_callbacks
):
    preferences_update(
        actor=moderator, email=moderator.email, choices={MessageKind.WORK: Frequency.DAILY}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _comment(client, followers, editor, "Please check the date.")
    assert Message.objects.get(recipient=moderator.email).status == MessageStatus.HELD
    assert mail.outbox == []


def test_wagtail_page_editor_sends_comment_notifications_through_the_portal():
    """Guards the replacement in ``cms.notifications.connect`` against a Wagtail upgrade."""
    from wagtail.admin.views.pages import edit

    from cms.notifications import comment_notification_send

    assert edit.send_notification is comment_notification_send
