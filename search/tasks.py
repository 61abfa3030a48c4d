"""Index sync and the new-opportunity digest. Every task takes ids and is safe to run twice."""

import logging

from celery import shared_task
from django.apps import apps

from search.backends import get_backend
from search.backends.base import SearchUnavailable
from search.indexing import MODEL_LABELS, is_indexable
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)

#: How many pending updates one run of ``index_pending_task`` applies.
PENDING_BATCH = 1000


def index_sync(model_label: str, pk: int) -> str:
    """Make the index agree with the database for one object: "indexed" or "removed"."""
    if model_label not in MODEL_LABELS:
        raise ValueError(f"{model_label} is not searchable")
    model = apps.get_model(model_label)
    obj = model.objects.filter(pk=pk).first()
    backend = get_backend()
    if obj is None or not is_indexable(model_label, obj):
        backend.remove(model_label, pk)
        return "removed"
    backend.index(model_label, obj)
    return "indexed"


def index_sync_or_keep_pending(model_label: str, pk: int) -> str:
    """``index_sync``, then clear the object's pending update if no newer change came in the
    meantime; "pending" (the row kept for a later try) when the index cannot be reached."""
    pending = PendingIndexUpdate.objects.filter(model_label=model_label, object_id=pk)
    seen = pending.values_list("changed_at", flat=True).first()
    try:
        outcome = index_sync(model_label, pk)
    except SearchUnavailable as exc:
        logger.warning("Search index unavailable; %s %s stays pending: %s", model_label, pk, exc)
        return "pending"
    if seen is not None:
        pending.filter(changed_at=seen).delete()
    return outcome


@shared_task
def index_sync_task(model_label: str, pk: int) -> str:
    return index_sync_or_keep_pending(model_label, pk)


@shared_task
def index_pending_task() -> int:
    """Apply the updates the index missed (it was down, or a worker stopped), oldest first.
    Returns how many were applied; stops at the first that still cannot be."""
    backend = get_backend()
    if not getattr(backend, "keeps_index", True) or not backend.ping():
        return 0
    applied = 0
    for label, pk in PendingIndexUpdate.objects.values_list("model_label", "object_id")[:PENDING_BATCH]:
        if index_sync_or_keep_pending(label, pk) == "pending":
            break
        applied += 1
    if applied:
        logger.info("Applied %s pending search index updates", applied)
    return applied


@shared_task
def match_digest_task() -> int:
    """Email key workers about newly live opportunities with strong matches in their caseloads."""
    from search.services import match_digest_send

    return match_digest_send()


@shared_task
def matching_changes_prune_task() -> int:
    """Delete matching change notes older than a day (``search.packed.CHANGES_KEPT``): every
    process has applied them long since, and one that has not re-reads everything anyway."""
    from django.utils import timezone

    from search.packed import changes_prune

    return changes_prune(now=timezone.now())
