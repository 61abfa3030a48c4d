"""Wagtail's moderation emails (a page submitted for approval, approved, or sent back for
changes) go the portal's one message path, ``message_send``, instead of Wagtail's own
``send_mail``: each is a ``Message`` of kind ``WORK``, sent after commit with retries, held for
the daily digest or turned off as the person chose.

Wagtail's notifiers still decide who hears (the moderators' group, the submitter, each person's
Wagtail notification settings) and render its templates; only the sending is replaced, by
connecting these notifiers under Wagtail's own ``dispatch_uid``\\ s (``connect``).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import override
from wagtail.admin import mail as wagtail_mail
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send


class MessageSendMixin:
    """``send_emails`` through ``message_send``: one message per recipient, Wagtail's text."""

    def send_emails(self, template_set: dict[str, str], context: dict[str, Any], recipients,
                    **kwargs: Any) -> bool:
        template = template_set["text"].removesuffix(".txt")
        for recipient in recipients:
            context["user"] = recipient
            with override(recipient.wagtail_userprofile.get_preferred_language()):
                subject = render_to_string(template_set["subject"], context).strip()
                body = render_to_string(template_set["text"], context).strip()
            message_send(
                kind=MessageKind.WORK, template=template, recipients=[recipient.email],
                subject=subject, body=body,
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


def connect() -> None:
    """Put these notifiers in the place of Wagtail's (whichever app is ready first)."""
    for signal, sender, notifier, dispatch_uid in NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(notifier, sender=sender, dispatch_uid=dispatch_uid)
