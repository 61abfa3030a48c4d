from celery.schedules import crontab

# Working days only: a reminder whose date falls on a weekend was moved to the Friday before
# when it was scheduled (see brokerage.reference.dates), so nothing is sent late.
SCHEDULE = {
    "pipeline-checkpoint-notices": {
        "task": "brokerage.pipeline.tasks.checkpoint_notices_send_task",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
    # After the notices (which send the employer's link): the next rung of the evidence ladder.
    "pipeline-checkpoint-evidence-ladder": {
        "task": "brokerage.pipeline.tasks.checkpoint_evidence_ladder_task",
        "schedule": crontab(hour=8, minute=15, day_of_week="mon-fri"),
    },
}
