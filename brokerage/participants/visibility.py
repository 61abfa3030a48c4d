"""Who can see a participant: one rule, as a database filter and as an Elasticsearch filter.

- A key worker sees the participants they hold, those whose care they share, and — where a
  coordinator granted it (``TeamMembership.sees_team_caseload``) — their team's caseload.
- A coordinator sees their programmes' participants in their areas, and those whose area is not
  known (every area of the programme when they have none set; nobody without a programme).
- Superusers see everyone.
- Nobody else (anonymous visitors, inactive accounts, employers, partner staff, finance,
  editors) sees participant records. Employers only ever see anonymised profiles they were sent
  (``brokerage.participants.selectors.anonymised_profile``).

``ParticipantScope.for_user(user)`` reads the user's roles and assignments once; ``q()`` /
``filter(queryset)`` apply the rule to ``Participant`` rows (``selectors.participants_for_user``)
and ``es_filter()`` to the participant documents (``search.documents.ParticipantDocument``:
``key_worker_id``, ``supporting_worker_ids``, ``programme_id``, ``area_id``), so the database and
Elasticsearch backends show the same people. Change the rule here, and in both renderings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from brokerage.participants.models import Participant, TeamMembership
from portal.accounts.permissions import Actor, has_role, is_active_user
from portal.accounts.roles import Role

if TYPE_CHECKING:
    from portal.accounts.models import User

_NOBODY_ES: dict = {"bool": {"must_not": {"match_all": {}}}}


def _one_of(*clauses: dict) -> dict:
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


@dataclass(frozen=True)
class ParticipantScope:
    """The participants one user may see (build it with ``for_user``)."""

    user: User | None = None
    everyone: bool = False
    key_worker: bool = False
    coordinator: bool = False

    @classmethod
    def for_user(cls, user: Actor) -> ParticipantScope:
        if not is_active_user(user):
            return cls()
        if user.is_superuser:
            return cls(user=user, everyone=True)
        return cls(
            user=user,
            key_worker=has_role(user, Role.KEY_WORKER),
            coordinator=has_role(user, Role.COORDINATOR),
        )

    @property
    def nobody(self) -> bool:
        return not (self.everyone or self.key_worker or self.coordinator)

    # --- what the rule reads ------------------------------------------------------------------
    def _shared_care(self) -> QuerySet:
        """Participants whose care the key worker shares (a subquery of participant ids)."""
        assert self.user is not None
        return Participant.supporting_workers.through.objects.filter(user_id=self.user.pk).values(
            "participant_id"
        )

    def _team_workers(self) -> QuerySet:
        """Key workers whose caseload a coordinator let this key worker see (a subquery)."""
        assert self.user is not None
        granted = TeamMembership.objects.filter(user_id=self.user.pk, sees_team_caseload=True).values("team_id")
        return TeamMembership.objects.filter(team_id__in=granted).values("user_id")

    @cached_property
    def programme_ids(self) -> list[int]:
        """The coordinator's programmes (none: they see nobody as a coordinator)."""
        if not self.coordinator or self.user is None:
            return []
        return list(self.user.programmes.values_list("id", flat=True))

    @cached_property
    def area_ids(self) -> list[int]:
        """The coordinator's areas (none: every area of their programmes)."""
        if not self.programme_ids or self.user is None:
            return []
        return list(self.user.areas.values_list("id", flat=True))

    # --- the database -------------------------------------------------------------------------
    def q(self) -> Q:
        """The rule as a ``Q`` on ``Participant``."""
        if self.everyone:
            return Q()
        scope = Q(pk__in=[])
        if self.key_worker and self.user is not None:
            scope |= (
                Q(key_worker_id=self.user.pk)
                | Q(pk__in=self._shared_care())
                | Q(key_worker_id__in=self._team_workers())
            )
        if self.programme_ids:
            programmes = Q(programme_id__in=self.programme_ids)
            if self.area_ids:
                programmes &= Q(area_id__in=self.area_ids) | Q(area__isnull=True)
            scope |= programmes
        return scope

    def filter(self, queryset: QuerySet[Participant]) -> QuerySet[Participant]:
        """``queryset`` narrowed to the participants this user may see."""
        if self.nobody:
            return queryset.none()
        return queryset.filter(self.q())

    # --- Elasticsearch ------------------------------------------------------------------------
    def es_filter(self) -> dict:
        """The rule as an Elasticsearch filter on participant documents."""
        if self.everyone:
            return {"match_all": {}}
        should: list[dict] = []
        if self.key_worker and self.user is not None:
            key_workers = {self.user.pk, *self._team_workers().values_list("user_id", flat=True)}
            should.append({"terms": {"key_worker_id": sorted(key_workers)}})
            should.append({"term": {"supporting_worker_ids": self.user.pk}})
        if self.programme_ids:
            clause: dict = {"bool": {"filter": [{"terms": {"programme_id": sorted(self.programme_ids)}}]}}
            if self.area_ids:
                clause["bool"]["filter"].append(_one_of(
                    {"terms": {"area_id": sorted(self.area_ids)}},
                    {"bool": {"must_not": {"exists": {"field": "area_id"}}}},
                ))
            should.append(clause)
        if not should:
            return _NOBODY_ES
        return {"bool": {"should": should, "minimum_should_match": 1}}
