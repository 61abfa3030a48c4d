from celery.schedules import crontab

SCHEDULE = {
    # Keep each employer's Companies House status fresh (incentive payments are held for a
    # dissolved company or one in liquidation).
    "employers-companies-house-refresh": {
        "task": "brokerage.employers.tasks.employers_companies_house_refresh_task",
        "schedule": crontab(hour=2, minute=10),
    },
}
