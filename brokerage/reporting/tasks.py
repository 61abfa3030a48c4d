"""Celery tasks: keep the outcome report's summaries equal to a recount (safe to run twice)."""

from celery import shared_task

from brokerage.reporting.summaries import outcome_summaries_refresh


@shared_task
def outcome_summaries_refresh_task(programme_ids: list[int]) -> int:
    """Recount the default view of these programmes' outcome reports; the number refreshed."""
    return outcome_summaries_refresh(programme_ids=programme_ids)
