"""Celery tasks for employer incentives: claims, checks, proposed runs and leavers (beat and pipeline)."""

from celery import shared_task

from brokerage.payments.incentives import services as incentives


@shared_task(name="brokerage.payments.incentive_tasks.incentive_claims_sync_task")
def incentive_claims_sync_task() -> int:
    """Claims for recorded job starts that have none yet; safe to run any number of times."""
    return incentives.incentive_claims_sync()


@shared_task(name="brokerage.payments.incentive_tasks.incentive_payments_check_task")
def incentive_payments_check_task() -> int:
    """Mark payments due and check them, so employers see an up-to-date status."""
    return incentives.incentive_payments_check_due()


@shared_task(name="brokerage.payments.incentive_tasks.incentive_run_propose_task")
def incentive_run_propose_task() -> int:
    """Propose this week's payment run (returns the waiting one if there is one already; 0 when
    nothing is due, so no run is made)."""
    run = incentives.payment_run_propose()
    return run.pk if run is not None else 0


@shared_task(name="brokerage.payments.incentive_tasks.incentive_leavers_sync_task")
def incentive_leavers_sync_task() -> int:
    """Clawbacks for leavers recorded after a later stage was paid."""
    return incentives.incentive_leavers_sync()


def _user(user_id: int | None):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


@shared_task(name="brokerage.payments.incentive_tasks.incentive_claim_for_placement_task")
def incentive_claim_for_placement_task(placement_id: int, actor_id: int | None = None) -> int:
    """Claims for one start, queued when it is recorded (``incentive_claims_sync_task`` catches
    any this misses, e.g. while the broker was down)."""
    from brokerage.pipeline.models import Placement

    placement = Placement.objects.filter(pk=placement_id).select_related("participant").first()
    if placement is None:
        return 0
    return len(incentives.incentive_claim_for_placement(placement=placement, actor=_user(actor_id)))


@shared_task(name="brokerage.payments.incentive_tasks.incentive_leaver_apply_task")
def incentive_leaver_apply_task(placement_id: int, actor_id: int | None = None) -> int:
    """Clawbacks for one leaver, queued when the leaving date is recorded
    (``incentive_leavers_sync_task`` catches any this misses)."""
    from brokerage.pipeline.models import Placement

    placement = Placement.objects.filter(pk=placement_id).first()
    if placement is None:
        return 0
    return len(incentives.incentive_leaver_apply(placement=placement, actor=_user(actor_id)))
