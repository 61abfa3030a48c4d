"""Every payments Celery task, imported here so that Celery's autodiscovery (``<app>.tasks``)
registers them. Each task lives in its concept's package; the names (``name=``) are the dotted
paths they had before the package was divided, so beat and queued messages still find them.
"""

from brokerage.payments.fund.tasks import fund_request_pay_task
from brokerage.payments.incentives.tasks import (
    incentive_claim_for_placement_task,
    incentive_claims_sync_task,
    incentive_leaver_apply_task,
    incentive_leavers_sync_task,
    incentive_payments_check_task,
    incentive_run_propose_task,
)
from brokerage.payments.incentives.transfer_tasks import incentive_run_execute_task
from brokerage.payments.outbox.tasks import money_intent_send_task, money_intents_recover_task
from brokerage.payments.stripe.tasks import (
    stripe_event_handle_task,
    stripe_event_retry_unprocessed_task,
    stripe_transfers_sweep_task,
)

__all__ = [
    "fund_request_pay_task",
    "incentive_claim_for_placement_task",
    "incentive_claims_sync_task",
    "incentive_leaver_apply_task",
    "incentive_leavers_sync_task",
    "incentive_payments_check_task",
    "incentive_run_execute_task",
    "incentive_run_propose_task",
    "money_intent_send_task",
    "money_intents_recover_task",
    "stripe_event_handle_task",
    "stripe_event_retry_unprocessed_task",
    "stripe_transfers_sweep_task",
]
