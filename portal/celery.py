"""The Celery app. Tasks live in each app's ``tasks.py``; beat schedules in ``beat.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _load_beat_schedule(sender: Celery, **kwargs) -> None:
    from portal.core.beat import collect_beat_schedule

    sender.conf.beat_schedule = collect_beat_schedule()
