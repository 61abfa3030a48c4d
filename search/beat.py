from celery.schedules import crontab

SCHEDULE = {
    "search-match-digest": {
        "task": "search.tasks.match_digest_task",
        "schedule": crontab(minute=30),  # hourly; safe to run twice (one record per opportunity × key worker)
    },
}
