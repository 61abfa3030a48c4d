"""Summaries kept after commit: each new outcome record has its programme's outcome report
recounted in the background (``OutcomeSummary``), so opening the report reads a few hundred
stored counts instead of every record. The report itself never trusts a stale summary
(``brokerage.reporting.reports.outcomes.outcome_counts_kept``); the task only keeps it fast.
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_save

from brokerage.pipeline.models import OutcomeRecord
from brokerage.reference.models import Programme
from brokerage.reporting.reports.outcomes import outcome_summary_refresh


def outcome_summaries_refresh(*, programme_ids: list[int] | None = None) -> int:
    """Recount and keep the default view of these programmes (all when ``None``)."""
    programmes = Programme.objects.order_by("pk")
    if programme_ids is not None:
        programmes = programmes.filter(pk__in=programme_ids)
    count = 0
    for programme in programmes:
        outcome_summary_refresh(programme)
        count += 1
    return count


_pending = threading.local()


def _record_written(sender, instance: OutcomeRecord, created: bool, **kwargs) -> None:
    """Queue one recount per programme per commit, however many records the transaction wrote
    (the demo data and imports write thousands in one)."""
    if not created or instance.enrolment_id is None:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(instance.enrolment_id)
    # The first callback to run sends them all; the rest find nothing left (ids left by a
    # rolled-back transaction go with the next commit: one recount too many, never too few).
    transaction.on_commit(_refresh_pending, robust=True)


def _refresh_pending() -> None:
    from brokerage.reporting.tasks import outcome_summaries_refresh_task

    ids, _pending.ids = sorted(getattr(_pending, "ids", ())), set()
    if ids:
        outcome_summaries_refresh_task.delay(ids)


def connect() -> None:
    post_save.connect(_record_written, sender=OutcomeRecord, dispatch_uid="outcome_summary")
