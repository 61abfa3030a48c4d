"""Plumbing only: keep the search index in step with the database after each commit.

An object that stops being indexable (an opportunity closed, filled or withdrawn; consent
withdrawn; a record closed or erased) is removed at once when the transaction commits. Other
changes are queued to ``index_sync_task`` with the object's id.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from search.indexing import OPPORTUNITY, PARTICIPANT, is_indexable

logger = logging.getLogger(__name__)


def _remove_now(model_label: str, pk: int) -> None:
    from search.backends import get_backend

    try:
        get_backend().remove(model_label, pk)
    except Exception:  # the index must never break the change itself; rebuild_index repairs
        logger.exception("Could not remove %s %s from the search index", model_label, pk)


def _queue(model_label: str, pk: int) -> None:
    from search.tasks import index_sync_task

    try:
        index_sync_task.delay(model_label, pk)
    except Exception:
        logger.exception("Could not queue index sync of %s %s", model_label, pk)


def object_changed(model_label: str, instance) -> None:
    pk = instance.pk
    if is_indexable(model_label, instance):
        transaction.on_commit(lambda: _queue(model_label, pk))
    else:
        transaction.on_commit(lambda: _remove_now(model_label, pk))


def participant_changed(pk: int) -> None:
    """Called by the participants app (after commit) when consent changes."""
    from brokerage.participants.models import Participant

    participant = Participant.objects.filter(pk=pk).first()
    if participant is None or not is_indexable(PARTICIPANT, participant):
        _remove_now(PARTICIPANT, pk)
    else:
        _queue(PARTICIPANT, pk)


def _opportunity_saved(sender, instance, **kwargs):
    object_changed(OPPORTUNITY, instance)


def _participant_saved(sender, instance, **kwargs):
    object_changed(PARTICIPANT, instance)


def _opportunity_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: _remove_now(OPPORTUNITY, pk))


def _participant_deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: _remove_now(PARTICIPANT, pk))


def connect() -> None:
    from brokerage.opportunities.models import Opportunity
    from brokerage.participants.models import Participant

    post_save.connect(_opportunity_saved, sender=Opportunity, dispatch_uid="search_opportunity_saved")
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="search_participant_saved")
    post_delete.connect(_opportunity_deleted, sender=Opportunity, dispatch_uid="search_opportunity_deleted")
    post_delete.connect(_participant_deleted, sender=Participant, dispatch_uid="search_participant_deleted")
