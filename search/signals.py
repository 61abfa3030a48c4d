"""Plumbing only: keep the search index in step with the database.

When the backend keeps an index of its own (Elasticsearch), every change to an opportunity or
participant records a ``PendingIndexUpdate`` in the same transaction. After commit, an object
that stops being indexable (an opportunity closed, filled or withdrawn; consent withdrawn; a
record closed or erased) is removed at once, in this process; other changes are queued to
``index_sync_task`` with the object's id. Either way the pending row goes only once the index
agrees, so a change made while Elasticsearch is down, or lost with a worker, is applied by
``index_pending_task`` when it is back.

The database backend keeps no index (the tables are the index), but each process keeps the
candidates packed for matching (``search.packed``): every save or delete of an opportunity or
participant also writes a ``MatchingChange`` row in the same transaction, whichever backend is
configured (the database backend is the fallback), so that every process re-reads that record
on its next match once the change is committed.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from search.backends import get_backend
from search.indexing import OPPORTUNITY, PARTICIPANT, is_indexable
from search.models import MatchingChange
from search.packed import change_record
from search.services import index_update_record
from search.tasks import index_sync_or_keep_pending, index_sync_task

logger = logging.getLogger(__name__)


def _keeps_index() -> bool:
    return getattr(get_backend(), "keeps_index", True)


def _queue(model_label: str, pk: int) -> None:
    try:
        index_sync_task.delay(model_label, pk)
    except Exception:  # broker down: the pending row stays, index_pending_task applies it
        logger.exception("Could not queue index sync of %s %s", model_label, pk)


def object_changed(model_label: str, instance, *, indexable: bool | None = None) -> None:
    if not _keeps_index():
        return
    pk = instance.pk
    index_update_record(model_label, pk)
    if indexable if indexable is not None else is_indexable(model_label, instance):
        transaction.on_commit(lambda: _queue(model_label, pk))
    else:
        transaction.on_commit(lambda: index_sync_or_keep_pending(model_label, pk))


def participant_changed(pk: int) -> None:
    """Called by the participants app (after commit) when consent changes."""
    from brokerage.participants.models import Participant

    change_record(PARTICIPANT, pk, MatchingChange.UPDATED)  # the matching packs re-read them
    if not _keeps_index():
        return
    participant = Participant.objects.filter(pk=pk).first()
    if participant is None or not is_indexable(PARTICIPANT, participant):
        index_update_record(PARTICIPANT, pk)
        index_sync_or_keep_pending(PARTICIPANT, pk)
    else:
        object_changed(PARTICIPANT, participant, indexable=True)


def _matching_changed(model_label: str, instance, kind: str, kwargs: dict) -> None:
    if not kwargs.get("raw"):  # fixtures loaded raw: the packs notice the table changed
        change_record(model_label, instance.pk, kind, using=kwargs.get("using"))


def _opportunity_saved(sender, instance, created=False, **kwargs):
    _matching_changed(OPPORTUNITY, instance, MatchingChange.CREATED if created
                      else MatchingChange.UPDATED, kwargs)
    object_changed(OPPORTUNITY, instance)


def _participant_saved(sender, instance, created=False, **kwargs):
    _matching_changed(PARTICIPANT, instance, MatchingChange.CREATED if created
                      else MatchingChange.UPDATED, kwargs)
    object_changed(PARTICIPANT, instance)


def _opportunity_deleted(sender, instance, **kwargs):
    _matching_changed(OPPORTUNITY, instance, MatchingChange.DELETED, kwargs)
    object_changed(OPPORTUNITY, instance, indexable=False)


def _participant_deleted(sender, instance, **kwargs):
    _matching_changed(PARTICIPANT, instance, MatchingChange.DELETED, kwargs)
    object_changed(PARTICIPANT, instance, indexable=False)


def _eligibility_rule_changed(sender, instance, **kwargs):
    """A programme's eligibility rules changed: its people's documents carry an ``eligible``
    flag, so they are indexed again (matching checks eligibility now either way)."""
    if not _keeps_index():
        return
    from search.eligibility import programme_participant_ids

    for pk in programme_participant_ids(instance.programme_id):
        index_update_record(PARTICIPANT, pk)
        transaction.on_commit(lambda pk=pk: _queue(PARTICIPANT, pk))


def connect() -> None:
    from brokerage.opportunities.models import Opportunity
    from brokerage.participants.models import EligibilityRule, Participant

    post_save.connect(_eligibility_rule_changed, sender=EligibilityRule,
                      dispatch_uid="search_eligibility_rule_saved")
    post_delete.connect(_eligibility_rule_changed, sender=EligibilityRule,
                        dispatch_uid="search_eligibility_rule_deleted")

    post_save.connect(_opportunity_saved, sender=Opportunity, dispatch_uid="search_opportunity_saved")
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="search_participant_saved")
    post_delete.connect(_opportunity_deleted, sender=Opportunity, dispatch_uid="search_opportunity_deleted")
    post_delete.connect(_participant_deleted, sender=Participant, dispatch_uid="search_participant_deleted")
