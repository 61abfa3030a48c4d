from celery.schedules import crontab

SCHEDULE = {
    "participants-contact-reminders": {
        "task": "brokerage.participants.tasks.contact_reminders_send_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
    "participants-referral-imports-expire": {
        "task": "brokerage.participants.tasks.referral_imports_expire_task",
        "schedule": crontab(hour=2, minute=15),
    },
}
