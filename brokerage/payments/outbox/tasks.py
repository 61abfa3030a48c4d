"""Celery tasks of the money outbox: sending an intent, and recovery.

Money-moving tasks are acknowledged only once they have finished (``acks_late``) and put back on
the queue if the worker process is lost (``reject_on_worker_lost``); whatever slips through (a
broker that lost the message, a task that ran out of retries) is still an intent in flight,
which ``money_intents_recover_task`` finishes from beat, and every worker finishes when it starts.
The send task itself is defined beside ``money_intent_send`` (``outbox/services.py``).
"""

import datetime
import logging

from celery import shared_task
from celery.signals import worker_ready

from brokerage.payments.outbox import recovery
from brokerage.payments.outbox.services import MONEY_TASK, money_intent_send_task

logger = logging.getLogger(__name__)

__all__ = ["money_intent_send_task", "money_intents_recover_task"]


@shared_task(name="brokerage.payments.outbox_tasks.money_intents_recover_task", **MONEY_TASK)
def money_intents_recover_task() -> int:
    """Finish every intent left in flight and every approved payment never handed to a worker."""
    return recovery.money_intents_recover()


@worker_ready.connect
def _recover_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts may be replacing one that died mid-payment: finish its work now,
    not at the next beat. Intents a live worker holds are skipped (row locks)."""
    try:
        count = recovery.money_intents_recover(grace=datetime.timedelta(0))
    except Exception:  # never stop the worker from starting; beat tries again
        logger.exception("Money recovery at worker start failed")
        return
    if count:
        logger.warning("Money recovery at worker start: %s payment(s) or intent(s) finished", count)
