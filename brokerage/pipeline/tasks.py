"""Celery tasks: safe to run twice (each notice is claimed once by a unique row)."""

from celery import shared_task

from brokerage.pipeline.services.evidence import evidence_ladder_run
from brokerage.pipeline.services.notices import checkpoint_notices_send


@shared_task
def checkpoint_notices_send_task() -> dict:
    """Reminders before checkpoints, confirmation links on the due date, and missed flags."""
    run = checkpoint_notices_send()
    return {
        "reminders": run.reminders,
        "confirm_requests": run.confirm_requests,
        "missed": run.missed,
    }


@shared_task
def checkpoint_evidence_ladder_task() -> dict:
    """Move unconfirmed due checks up the evidence ladder (text, key worker's call, payslip)."""
    run = evidence_ladder_run()
    return {"started": run.started, "texts": run.texts, "calls": run.calls, "payslips": run.payslips}
