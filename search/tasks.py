"""Index sync and the new-opportunity digest. Every task takes ids and is safe to run twice."""

import logging

from celery import shared_task
from django.apps import apps

from search.backends import get_backend
from search.indexing import MODEL_LABELS, is_indexable

logger = logging.getLogger(__name__)


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


@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def index_sync_task(model_label: str, pk: int) -> str:
    return index_sync(model_label, pk)


@shared_task
def match_digest_task() -> int:
    """Email key workers about newly live opportunities with strong matches in their caseloads."""
    from search.services import match_digest_send

    return match_digest_send()
