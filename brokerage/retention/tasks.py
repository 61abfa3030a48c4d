"""Celery tasks: take ids, call a service, safe to run twice."""

from celery import shared_task

from brokerage.retention.services import retention_apply


@shared_task
def retention_apply_task() -> int:
    """The nightly retention run; returns how many records it changed."""
    return retention_apply().total
