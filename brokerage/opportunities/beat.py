from celery.schedules import crontab

SCHEDULE = {
    "opportunities-close-expired": {
        "task": "brokerage.opportunities.tasks.opportunities_close_expired_task",
        "schedule": crontab(hour=0, minute=15),
    },
    "opportunities-closing-reminders": {
        "task": "brokerage.opportunities.tasks.opportunity_closing_reminders_task",
        "schedule": crontab(hour=8, minute=0),
    },
}
