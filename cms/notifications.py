"""Wagtail's editor emails go the portal's one message path, ``message_send``, instead of
Wagtail's own ``send_mail``: the moderation emails (a page submitted for approval, approved, or
sent back for changes) and the comment notifications (someone commented on, replied to or
resolved a comment on a page you follow). Each is a ``Message`` of kind ``WORK``, sent after
commit with retries, held for the daily digest or turned off as the person chose.

Wagtail still decides who hears (the moderators' group, the submitter, a page's comment
subscribers and thread participants, each person's Wagtail notification settings) and renders
its templates; only the sending is replaced:

- moderation: these notifiers are connected under Wagtail's own ``dispatch_uid``\\ s;
- comments: Wagtail's page editor calls ``wagtail.admin.mail.send_notification`` (imported by
  name into ``wagtail.admin.views.pages.edit``) and offers no hook or signal, so ``connect``
  puts ``comment_notification_send`` in its place there. ``tests/cms`` fails if that changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import override
from wagtail.admin import mail as wagtail_mail
from wagtail.admin.views.pages import edit as wagtail_page_edit
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted
from wagtail.users.models import UserProfile

from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send

if TYPE_CHECKING:
    from portal.accounts.models import User


def _send_each(*, subject_template: str, text_template: str, context: dict[str, Any],
               recipients: Iterable[User]) -> None:
    """One ``WORK`` message per recipient, Wagtail's text in the recipient's language."""
    template = text_template.removesuffix(".txt")
    for recipient in recipients:
        context["user"] = recipient
        with override(recipient.wagtail_userprofile.get_preferred_language()):
            subject = render_to_string(subject_template, context).strip()
            body = render_to_string(text_template, context).strip()
        message_send(
            kind=MessageKind.WORK, template=template, recipients=[recipient.email],
            subject=subject, body=body,
        )


class MessageSendMixin:
    """``send_emails`` through ``message_send``: one message per recipient, Wagtail's text."""

    def send_emails(self, template_set: dict[str, str], context: dict[str, Any], recipients,
                    **kwargs: Any) -> bool:
        _send_each(
            subject_template=template_set["subject"], text_template=template_set["text"],
            context=context, recipients=recipients,
        )
        return True


class TaskSubmittedNotifier(
    MessageSendMixin, wagtail_mail.GroupApprovalTaskStateSubmissionEmailNotifier
):
    pass


class WorkflowSubmittedNotifier(MessageSendMixin, wagtail_mail.WorkflowStateSubmissionEmailNotifier):
    pass


class WorkflowApprovedNotifier(MessageSendMixin, wagtail_mail.WorkflowStateApprovalEmailNotifier):
    pass


class WorkflowRejectedNotifier(MessageSendMixin, wagtail_mail.WorkflowStateRejectionEmailNotifier):
    pass


# (signal, sender, notifier, Wagtail's dispatch_uid in wagtail.admin.signal_handlers)
NOTIFIERS = [
    (task_submitted, TaskState, TaskSubmittedNotifier(),
     "group_approval_task_submitted_email_notification"),
    (workflow_submitted, WorkflowState, WorkflowSubmittedNotifier(),
     "workflow_state_submitted_email_notification"),
    (workflow_rejected, WorkflowState, WorkflowRejectedNotifier(),
     "workflow_state_rejected_email_notification"),
    (workflow_approved, WorkflowState, WorkflowApprovedNotifier(),
     "workflow_state_approved_email_notification"),
]


def comment_notification_send(recipient_users: Iterable[User], notification: str,
                              extra_context: dict[str, Any]) -> bool:
    """Wagtail's ``send_notification`` (same signature, same choice of who hears), sending
    through ``message_send``: active people with an email address whose Wagtail account setting
    for ``notification`` (``updated_comments_notifications``) is on."""
    recipients = [
        user for user in recipient_users
        if user.is_active and user.email
        and getattr(UserProfile.get_for_user(user), f"{notification}_notifications")
    ]
    _send_each(
        subject_template=f"wagtailadmin/notifications/{notification}_subject.txt",
        text_template=f"wagtailadmin/notifications/{notification}.txt",
        context={"settings": settings, **extra_context},
        recipients=recipients,
    )
    return True


def connect() -> None:
    """Put these notifiers in the place of Wagtail's (whichever app is ready first)."""
    for signal, sender, notifier, dispatch_uid in NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(notifier, sender=sender, dispatch_uid=dispatch_uid)
    wagtail_page_edit.send_notification = comment_notification_send
