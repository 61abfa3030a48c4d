from celery.schedules import crontab

SCHEDULE = {
    "search-index-pending": {
        "task": "search.tasks.index_pending_task",
        "schedule": 60.0,  # every minute: updates missed while Elasticsearch was down
    },
    "search-match-digest": {
        "task": "search.tasks.match_digest_task",
        "schedule": crontab(minute=30),  # hourly; safe to run twice (one record per opportunity × key worker)
    },
}
