"""Portal-wide Celery tasks."""

from celery import shared_task


@shared_task(bind=True, name="portal.core.tasks.ping_task")
def ping_task(self) -> dict:
    """Liveness probe for the worker: answers "pong" and says which worker ran it.

    Used by tests/test_celery_worker.py, and by operators: ``ping_task.delay().get(timeout=10)``.
    """
    return {
        "reply": "pong",
        "hostname": self.request.hostname or "",
        "eager": bool(self.request.is_eager),
    }
