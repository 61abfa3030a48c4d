"""Beat schedule of the payments tasks.

Task names are the dotted paths the tasks had before the package was divided into sub-packages;
each task keeps its name with ``name=`` (see ``brokerage/payments/tasks.py``), so this schedule and
messages already queued still find them.
"""

from celery.schedules import crontab

SCHEDULE = {
    "payments-stripe-event-retry": {
        "task": "brokerage.payments.tasks.stripe_event_retry_unprocessed_task",
        "schedule": crontab(minute="*/10"),
    },
    "payments-stripe-transfers-sweep": {
        "task": "brokerage.payments.tasks.stripe_transfers_sweep_task",
        "schedule": crontab(minute="20,50"),
    },
}

# Employer incentives (brokerage/payments/incentives/tasks.py).
SCHEDULE.update({
    "payments-incentive-claims-sync": {
        "task": "brokerage.payments.incentive_tasks.incentive_claims_sync_task",
        "schedule": crontab(minute="*/15"),
    },
    "payments-incentive-payments-check": {
        "task": "brokerage.payments.incentive_tasks.incentive_payments_check_task",
        "schedule": crontab(hour=6, minute=0),
    },
    "payments-incentive-leavers-sync": {
        "task": "brokerage.payments.incentive_tasks.incentive_leavers_sync_task",
        "schedule": crontab(minute="5-59/15"),
    },
    "payments-incentive-run-propose": {
        "task": "brokerage.payments.incentive_tasks.incentive_run_propose_task",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
})

# The money outbox (brokerage/payments/outbox/tasks.py): finish payments, cards and card cancellations
# left in flight (a worker died, the broker was down, Stripe could not be reached).
SCHEDULE.update({
    "payments-money-intents-recover": {
        "task": "brokerage.payments.outbox_tasks.money_intents_recover_task",
        "schedule": crontab(minute="*/5"),
    },
})
