from typing import Protocol


class SearchBackend(Protocol):
    name: str

    def ping(self) -> bool:
        """True when the backend can answer queries."""
        ...
