from celery.schedules import crontab

SCHEDULE = {
    "search-index-pending": {
        "task": "search.tasks.index_pending_task",
        "schedule": 60.0,  # every minute: updates missed while Elasticsearch was down
    },
    "search-matching-changes-prune": {
        "task": "search.tasks.matching_changes_prune_task",
        "schedule": crontab(minute=45),  # hourly; notes a day old are no longer needed
    },
    "search-match-digest": {
        "task": "search.tasks.match_digest_task",
        "schedule": crontab(minute=30),  # hourly; safe to run twice (one record per opportunity × key worker)
    },
}
