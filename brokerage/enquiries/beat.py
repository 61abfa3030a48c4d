from celery.schedules import crontab

SCHEDULE = {
    "enquiries-reminders": {
        "task": "brokerage.enquiries.tasks.enquiry_reminders_send_task",
        "schedule": crontab(minute="*/15"),
    },
    "enquiries-escalations": {
        "task": "brokerage.enquiries.tasks.enquiry_escalations_send_task",
        "schedule": crontab(minute="7,22,37,52"),
    },
}
