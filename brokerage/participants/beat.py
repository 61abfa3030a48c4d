from celery.schedules import crontab

SCHEDULE = {
    "participants-contact-reminders": {
        "task": "brokerage.participants.tasks.contact_reminders_send_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
}
