"""Celery tasks of the money outbox (imported by ``brokerage.payments.tasks``).

Money-moving tasks are acknowledged only once they have finished (``acks_late``) and put back on
the queue if the worker process is lost (``reject_on_worker_lost``); whatever slips through (a
broker that lost the message, a task that ran out of retries) is still an intent in flight,
which ``money_intents_recover_task`` finishes from beat, and every worker finishes when it starts.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready

from brokerage.payments import outbox
from brokerage.payments.stripe_gateway import PaymentProviderError, PaymentProviderUnavailable

logger = logging.getLogger(__name__)

MONEY_TASK = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8, **MONEY_TASK
)
def money_intent_send_task(intent_id: int) -> str:
    """Send one intent (or record what Stripe already made for it); safe to run twice."""
    try:
        intent = outbox.money_intent_send(intent_id=intent_id)
    except PaymentProviderUnavailable:
        raise
    except PaymentProviderError as exc:  # refused: recorded on the intent and its record
        return f"refused: {exc}"
    return intent.state if intent is not None else "missing"


@shared_task(**MONEY_TASK)
def money_intents_recover_task() -> int:
    """Finish every intent left in flight and every approved payment never handed to a worker."""
    return outbox.money_intents_recover()


@worker_ready.connect
def _recover_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that starts may be replacing one that died mid-payment: finish its work now,
    not at the next beat. Intents a live worker holds are skipped (row locks)."""
    import datetime

    try:
        count = outbox.money_intents_recover(grace=datetime.timedelta(0))
    except Exception:  # never stop the worker from starting; beat tries again
        logger.exception("Money recovery at worker start failed")
        return
    if count:
        logger.warning("Money recovery at worker start: %s payment(s) or intent(s) finished", count)
