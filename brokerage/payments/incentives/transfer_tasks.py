"""The Celery task that makes an approved run's transfers (queued by ``payment_run_approve``).

Kept apart from ``incentives/tasks.py``: the services module queues this task, and the other tasks
call the services module.
"""

from celery import shared_task

from brokerage.payments.incentives import transfers
from brokerage.payments.stripe.gateway import PaymentProviderUnavailable


@shared_task(
    name="brokerage.payments.incentive_tasks.incentive_run_execute_task",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8, acks_late=True,
    reject_on_worker_lost=True,
)
def incentive_run_execute_task(run_id: int) -> int:
    """Make an approved run's transfers; a retry or a second worker pays nothing twice."""
    return transfers.incentive_run_execute(run_id=run_id)
