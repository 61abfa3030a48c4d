from celery.schedules import crontab

SCHEDULE = {
    "retention-apply": {
        "task": "brokerage.retention.tasks.retention_apply_task",
        "schedule": crontab(hour=1, minute=40),
    },
}
