"""The interface every search backend offers. Views and services only ever use this."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from search.scoring import Match


class SearchUnavailable(Exception):
    """The search backend cannot be reached (down, or too slow to answer)."""


class Results(list):
    """A ranked list; ``fallback`` is set when the database answered for a backend that could
    not (see ``search.selectors``)."""

    fallback: bool = False


@dataclass
class MatchFilters:
    """Narrowing a match list (both directions); empty values mean "any"."""

    sector: str = ""
    opportunity_type: str = ""
    within_miles: int | None = None
    include_getting_ready: bool = False
    strong_only: bool = False

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in ("", None, False)}

    @classmethod
    def from_dict(cls, data: dict | None) -> MatchFilters:
        data = data or {}
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class SearchBackend(Protocol):
    name: str
    #: False where the tables are the index (nothing to keep in step after a change).
    keeps_index: bool

    def ping(self) -> bool:
        """True when the backend can answer queries."""
        ...

    # --- the index ------------------------------------------------------------------------
    def index(self, model_label: str, obj) -> None:
        """Add or replace the document for one indexable object."""
        ...

    def remove(self, model_label: str, pk: int) -> None:
        """Drop the document for one object (no error if it is not there)."""
        ...

    def reset(self, model_label: str) -> None:
        """Empty (re-create) the index for one model, ready for a rebuild."""
        ...

    def index_many(self, model_label: str, objects) -> int:
        """Index a batch of objects; returns how many were sent."""
        ...

    def refresh(self) -> None:
        """Make everything indexed so far searchable (a no-op where it is immediate)."""
        ...

    # --- matching -------------------------------------------------------------------------
    def opportunities_for_participant(
        self, participant, *, filters: MatchFilters, today: datetime.date, limit: int | None = None
    ) -> Sequence[Match]:
        """Live opportunities that fit, best first (a sequence: pages may be sliced from it)."""
        ...

    def participants_for_opportunity(
        self, opportunity, *, filters: MatchFilters, today: datetime.date, user=None,
        limit: int | None = None,
    ) -> Sequence[Match]:
        """Consenting participants that fit, best first; only those ``user`` may see (if given)."""
        ...

    # --- staff search ---------------------------------------------------------------------
    def search_opportunities(self, user, text: str, *, limit: int = 20) -> list[int]:
        """Ids of live opportunities matching ``text`` that ``user`` may see, best first."""
        ...

    def search_participants(self, user, text: str, *, limit: int = 20) -> list[int]:
        """Ids of participants matching ``text`` that ``user`` may see, best first."""
        ...
