"""Run the same piece of work in several threads at once, each with its own database connection.

On PostgreSQL the code under test must serialise itself (row locks). The SQLite test database is
in memory with a shared cache, where BEGIN IMMEDIATE fails at once with "database table is
locked" instead of waiting out the busy timeout as a file database does; there (only) a thread
that lost the race starts its attempt again, which is what the busy timeout would do. So the
work must do all its writes in one transaction, and nothing after the commit that reads the
database (stub out after-commit emails), or a retry would repeat work already saved.
"""

import threading
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection


def _waiting_for_the_write_lock(work: Callable):
    for _ in range(500):
        try:
            return work()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("never got the write lock")


def race(*works: Callable) -> list:
    """Start every ``work`` at the same moment; what each returned (or the ValidationError it
    raised), in the order they finished."""
    start = threading.Barrier(len(works))
    outcomes: list = []

    def attempt(work):
        try:
            start.wait(timeout=10)
            outcomes.append(_waiting_for_the_write_lock(work))
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
