"""Changes made by matching: archiving matches, saved searches, and the new-opportunity digest."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send
from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant
from portal.accounts.models import User
from portal.accounts.roles import Role
from search.backends import get_backend
from search.backends.base import MatchFilters
from search.models import ArchivedMatch, Direction, MatchDigestSent, PendingIndexUpdate, SavedSearch

#: Opportunities that went live within this many days are considered for the digest.
DIGEST_WINDOW_DAYS = 7


def index_update_record(model_label: str, pk: int) -> None:
    """Note that one object's index document must be brought up to date (see ``search.signals``).

    One row per object: a later change moves its time on, so a sync that read the older state
    never clears it.
    """
    PendingIndexUpdate.objects.bulk_create(
        [PendingIndexUpdate(model_label=model_label, object_id=pk, changed_at=timezone.now())],
        update_conflicts=True, unique_fields=["model_label", "object_id"], update_fields=["changed_at"],
    )


def match_archive(
    *, actor: User, participant: Participant, opportunity: Opportunity, reason: str = ""
) -> ArchivedMatch:
    """Set a match aside so it is not shown again (in either direction). Safe to repeat."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError({"reason": "The reason must be 300 characters or fewer"})
    with transaction.atomic():
        archived, created = ArchivedMatch.objects.get_or_create(
            participant=participant,
            opportunity=opportunity,
            defaults={"archived_by": actor, "reason": reason},
        )
        if created:
            audit_event_record(
                actor=actor,
                action="match.archived",
                obj=archived,
                summary=f"Archived the match of {participant.reference} with ‘{opportunity.title}’",
                data={
                    "participant": participant.reference,
                    "opportunity": opportunity.pk,
                    "reason": reason,
                },
            )
    return archived


def match_restore(*, actor: User, archived: ArchivedMatch) -> None:
    """Show an archived match again (in both directions), audited."""
    with transaction.atomic():
        audit_event_record(
            actor=actor, action="match.restored", obj=archived,
            summary=f"Restored the match of {archived.participant.reference} with ‘{archived.opportunity.title}’",
            data={"participant": archived.participant.reference, "opportunity": archived.opportunity_id},
        )
        archived.delete()


def saved_search_create(*, actor: User, name: str, direction: str, subject: str, filters: MatchFilters) -> SavedSearch:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the search"})
    if len(name) > 120:
        raise ValidationError({"name": "The name must be 120 characters or fewer"})
    if direction not in Direction.values:
        raise ValidationError("Choose what the search is for")
    try:
        with transaction.atomic():
            saved = SavedSearch.objects.create(
                owner=actor, name=name, direction=direction, subject=str(subject), filters=filters.to_dict()
            )
            audit_event_record(actor=actor, action="search.saved", obj=saved, summary=f"Saved the search ‘{name}’")
    except IntegrityError:
        raise ValidationError({"name": "You already have a saved search with this name"}) from None
    return saved


def saved_search_delete(*, actor: User, saved: SavedSearch) -> None:
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="search.deleted",
            obj=saved,
            summary=f"Deleted the search ‘{saved.name}’",
        )
        saved.delete()


def _newly_live(now) -> list[Opportunity]:
    since = now - datetime.timedelta(days=DIGEST_WINDOW_DAYS)
    return list(
        Opportunity.objects.filter(status=OpportunityStatus.LIVE, approved_at__gte=since)
        .select_related("employer").order_by("approved_at", "pk")
    )


def match_digest_send(*, now=None) -> int:
    """One email per key worker listing newly live opportunities with strong matches in their
    caseload. Each opportunity × key worker is sent once (a unique record), so running this
    twice sends nothing new. Returns the number of emails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    backend = get_backend()
    pending: dict[int, list[tuple[Opportunity, int]]] = defaultdict(list)
    for opportunity in _newly_live(now):
        matches = backend.participants_for_opportunity(
            opportunity, filters=MatchFilters(strong_only=True), today=today
        )
        counts: dict[int, int] = defaultdict(int)
        for m in matches:
            if m.seeker.key_worker_id:
                counts[m.seeker.key_worker_id] += 1
        told = set(MatchDigestSent.objects.filter(opportunity=opportunity).values_list("key_worker_id", flat=True))
        for worker_id, count in counts.items():
            if worker_id not in told:
                pending[worker_id].append((opportunity, count))
    if not pending:
        return 0
    workers = User.objects.filter(
        pk__in=pending, is_active=True, groups__name=Role.KEY_WORKER.label
    ).distinct().in_bulk()
    sent = 0
    for worker_id, items in pending.items():
        worker = workers.get(worker_id)
        if worker is None or not worker.email:
            continue
        with transaction.atomic():
            fresh = []
            for opportunity, count in items:
                _, created = MatchDigestSent.objects.get_or_create(
                    opportunity=opportunity, key_worker=worker, defaults={"strong_matches": count}
                )
                if created:
                    fresh.append(
                        {
                            "opportunity": opportunity,
                            "count": count,
                            "link": settings.PORTAL_BASE_URL
                            + reverse("search:opportunity_candidates", args=[opportunity.pk]),
                        }
                    )
            if not fresh:
                continue
            total = sum(item["count"] for item in fresh)
            subject = (
                f"{len(fresh)} new opportunit{'y' if len(fresh) == 1 else 'ies'} with strong matches in your caseload"
            )
            body = render_to_string("search/email/match_digest.txt", {"worker": worker, "items": fresh, "total": total})
            message_send(
                kind=MessageKind.WORK, template="search/match_digest",
                recipients=[worker.email], subject=subject, body=body,
            )
            sent += 1
    return sent
