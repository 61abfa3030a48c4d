"""Reads for matching and staff search, scoped to what the user may see.

Everything goes through ``get_backend()``: no view or selector here knows which backend runs.
When Elasticsearch cannot answer, the database answers instead (complete, only slower) and the
result says so (``Results.fallback``, ``StaffResults.fallback``) for the page to tell the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokerage.employers.selectors import employer_staff_list
from brokerage.enquiries.selectors import enquiry_items_visible_to
from brokerage.opportunities.models import Opportunity
from brokerage.opportunities.selectors import staff_opportunity_get
from brokerage.participants.models import Participant
from brokerage.participants.selectors import (
    participant_for_user_or_404,
    participants_for_user,
)
from brokerage.pipeline.models import Proposal
from brokerage.pipeline.selectors import STANDING_STATUSES
from portal.accounts.permissions import can_match
from search.backends import database_backend, get_backend
from search.backends.base import MatchFilters, Results, SearchBackend, SearchUnavailable
from search.models import ArchivedMatch, SavedSearch
from search.scoring import Match

STAFF_SEARCH_LIMIT = 10

logger = logging.getLogger(__name__)


def _answered(ask: Callable[[SearchBackend], list]) -> Results:
    """``ask`` the search backend; if it cannot be reached, ask the database instead."""
    try:
        return Results(ask(get_backend()))
    except SearchUnavailable as exc:
        logger.warning("Search backend unavailable, the database answered instead: %s", exc)
        results = Results(ask(database_backend()))
        results.fallback = True
        return results


def participant_for_matching_or_404(user, reference: str) -> Participant:
    if not can_match(user):
        raise Http404("No participant found")
    return participant_for_user_or_404(user, reference)


def opportunity_for_matching_or_404(user, pk: int) -> Opportunity:
    if not can_match(user):
        raise Http404("No opportunity found")
    return staff_opportunity_get(user, pk)


def participant_matches(participant: Participant, *, filters: MatchFilters) -> Results:
    """Every live opportunity that fits ``participant``, best first (objects not loaded yet)."""
    return _answered(lambda backend: backend.opportunities_for_participant(
        participant, filters=filters, today=timezone.localdate()
    ))


def opportunity_candidates(user, opportunity: Opportunity, *, filters: MatchFilters) -> Results:
    """Participants ``user`` may see who fit ``opportunity``, best first."""
    return _answered(lambda backend: backend.participants_for_opportunity(
        opportunity, filters=filters, today=timezone.localdate(), user=user
    ))


def attach_opportunities(matches: list[Match]) -> list[Match]:
    """Load the opportunities for a page of matches (one query)."""
    found = (
        Opportunity.objects.select_related("employer", "programme", "area")
        .in_bulk([m.opportunity_id for m in matches])
    )
    for m in matches:
        m.opportunity = found.get(m.opportunity_id)
    return [m for m in matches if m.opportunity is not None]


def attach_participants(matches: list[Match]) -> list[Match]:
    """Load the participants for a page of matches (one query)."""
    found = Participant.objects.select_related("programme", "key_worker").in_bulk(
        [m.participant_id for m in matches]
    )
    for m in matches:
        m.participant = found.get(m.participant_id)
    return [m for m in matches if m.participant is not None]


def standing_proposals_for(
    matches: list[Match], *, participant: Participant | None = None,
    opportunity: Opportunity | None = None,
) -> dict[int, Proposal]:
    """The standing proposal of each pair on one page of matches (one query), keyed by the other
    side's id (the opportunity's for a ``participant``'s matches, the participant's for an
    ``opportunity``'s candidates), so the page shows "Proposed on …" instead of offering to
    propose the pair again."""
    if participant is not None:
        standing = Proposal.objects.filter(
            participant=participant, opportunity_id__in=[m.opportunity_id for m in matches]
        )
        key = "opportunity_id"
    else:
        standing = Proposal.objects.filter(
            opportunity=opportunity, participant_id__in=[m.participant_id for m in matches]
        )
        key = "participant_id"
    return {
        getattr(p, key): p
        for p in standing.filter(status__in=STANDING_STATUSES).order_by("created_at")
    }


def archived_for_participant(participant: Participant) -> QuerySet[ArchivedMatch]:
    """Matches set aside for ``participant`` (whoever archived them), newest first."""
    return participant.archived_matches.select_related("opportunity", "opportunity__employer", "archived_by")


def archived_for_opportunity(user, opportunity: Opportunity) -> QuerySet[ArchivedMatch]:
    """Matches set aside for ``opportunity`` with participants ``user`` may see, newest first."""
    return opportunity.archived_matches.filter(
        participant__in=participants_for_user(user).values("pk")
    ).select_related("participant", "archived_by")


def saved_searches_for(user) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(owner=user)


def saved_search_for_user_or_404(user, pk: int) -> SavedSearch:
    try:
        return saved_searches_for(user).get(pk=pk)
    except SavedSearch.DoesNotExist:
        raise Http404("No saved search found") from None


@dataclass
class StaffResults:
    query: str
    employers: list = field(default_factory=list)
    opportunities: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    enquiries: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    fallback: bool = False

    @property
    def total(self) -> int:
        return (len(self.employers) + len(self.opportunities) + len(self.participants) + len(self.enquiries)
                + len(self.pages))


def _in_order(model, ids: list[int], *related) -> list:
    found = model.objects.select_related(*related).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def staff_search(user, query: str, *, limit: int = STAFF_SEARCH_LIMIT) -> StaffResults:
    """Employers, live opportunities, participants, enquiries (by reference or organisation) and
    published pages matching ``query`` — each only as far as ``user`` may see them."""
    from wagtail.models import Page

    query = (query or "").strip()[:200]
    results = StaffResults(query=query)
    if not query:
        return results
    results.employers = list(employer_staff_list(user, query=query)[:limit])
    opportunity_ids = _answered(lambda backend: backend.search_opportunities(user, query, limit=limit))
    participant_ids = _answered(lambda backend: backend.search_participants(user, query, limit=limit))
    results.opportunities = _in_order(Opportunity, opportunity_ids, "employer")
    results.participants = _in_order(Participant, participant_ids, "programme", "key_worker")
    results.enquiries = list(
        enquiry_items_visible_to(user)
        .filter(Q(enquiry__reference__iexact=query) | Q(enquiry__organisation_name__icontains=query))
        .order_by("-routed_at", "-id")[:limit]
    )
    pages = Page.objects.live().public()
    try:
        results.pages = list(pages.search(query)[:limit])
    except Exception as exc:  # Wagtail's Elasticsearch backend raises the client's own errors
        if settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"].endswith(".database"):
            raise
        logger.warning("Page search unavailable, the database answered instead: %s", exc)
        results.pages = list(pages.search(query, backend="database")[:limit])
        results.fallback = True
    results.fallback = results.fallback or opportunity_ids.fallback or participant_ids.fallback
    return results
