from celery.schedules import crontab

SCHEDULE = {
    # Every day: one email per person with the messages they chose to get once a day, and
    # partners' messages held back by an employer's contact limit.
    "messaging-daily-digest": {
        "task": "brokerage.messaging.tasks.messages_digest_send_task",
        "schedule": crontab(hour=7, minute=30),
    },
}
