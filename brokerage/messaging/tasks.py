"""Sending is a task: taken by id, retried while the provider is unavailable, safe to run twice."""

from celery import shared_task

from brokerage.messaging.backends import SendError
from brokerage.messaging.services import message_deliver, message_give_up, messages_digest_send

MAX_RETRIES = 5


@shared_task(bind=True, max_retries=MAX_RETRIES)
def message_deliver_task(self, message_id: int) -> None:
    """Send one message; a temporary failure is tried again after 1, 2, 4, 8 and 16 minutes.

    Run in-process (eager Celery: development and tests), the tries follow at once, so a
    provider that is down never raises into the request that queued the message.
    """
    tries = 0
    while True:
        try:
            message_deliver(message_id=message_id)
            return
        except SendError as exc:
            retries = self.request.retries + tries
            if retries >= self.max_retries:
                message_give_up(message_id=message_id, reason=str(exc))
                return
            if not self.request.is_eager:
                raise self.retry(exc=exc, countdown=60 * 2**retries) from exc
            tries += 1


@shared_task
def messages_digest_send_task() -> int:
    return messages_digest_send()
