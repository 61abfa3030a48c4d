"""Chasing enquiries: reminders before the deadline, escalation after it. Safe to run twice."""

from celery import shared_task

from brokerage.enquiries import services


@shared_task
def enquiry_item_remind_task(item_id: int) -> bool:
    return services.enquiry_item_remind(item_id=item_id)


@shared_task
def enquiry_item_escalate_task(item_id: int) -> bool:
    return services.enquiry_item_escalate(item_id=item_id)


@shared_task
def enquiry_reminders_send_task() -> int:
    """Queue a reminder for every unanswered item due within the reminder window."""
    ids = list(services.reminders_due().values_list("pk", flat=True))
    for item_id in ids:
        enquiry_item_remind_task.delay(item_id)
    return len(ids)


@shared_task
def enquiry_escalations_send_task() -> int:
    """Queue an escalation for every unanswered item past its deadline."""
    ids = list(services.escalations_due().values_list("pk", flat=True))
    for item_id in ids:
        enquiry_item_escalate_task.delay(item_id)
    return len(ids)
