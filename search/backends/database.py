class DatabaseBackend:
    """Searches with ordinary ORM queries on SQLite or PostgreSQL; always available."""

    name = "database"

    def ping(self) -> bool:
        return True
