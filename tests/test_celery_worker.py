"""A real Celery worker on the configured broker runs a task and sends the result back.

Needs Redis: CI sets CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and
CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1. Skipped (with the reason) otherwise.
"""

import os
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.celery_worker

WORKER_START_TIMEOUT = 60  # seconds for the worker to boot Django and connect
RESULT_TIMEOUT = 30


def _skip_reason() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return (
            f"needs a Redis broker: CELERY_BROKER_URL is {settings.CELERY_BROKER_URL!r} "
            "(set CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1)"
        )
    if not (settings.CELERY_RESULT_BACKEND or "").startswith("redis://"):
        return "needs a Redis result backend: set CELERY_RESULT_BACKEND=redis://127.0.0.1:6379/1"
    return None


def _require_broker() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=3)
    except Exception as exc:  # the broker is configured but not running
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis broker unreachable under CI: {exc!r}")
        pytest.skip(f"Redis broker {settings.CELERY_BROKER_URL} unreachable: {exc!r}")


@contextmanager
def real_worker(log: Path, *, extra_env: dict | None = None):
    """A Celery worker process on a queue of its own: yields {"queue", "process", "log", "app"}."""
    _require_broker()
    from portal.celery import app

    queue = f"test-{uuid.uuid4().hex[:12]}"
    hostname = f"{queue}@%h"
    celery = Path(sys.executable).with_name("celery")
    env = {
        **os.environ,
        "DJANGO_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        **(extra_env or {}),
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(celery), "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
             "-Q", queue, "-n", hostname, "--without-heartbeat", "--without-gossip",
             "--without-mingle", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # test settings run tasks in-process; not here
    try:
        yield {"queue": queue, "process": process, "log": log, "app": app}
    finally:
        app.conf.task_always_eager = previous_eager
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def worker_for_database(*, extra_env: dict | None = None):
    """A real worker that reads this test's database (committed rows: a transactional test on
    PostgreSQL; SQLite's test database is in memory, out of another process's reach)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database on PostgreSQL only")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    with tempfile.TemporaryDirectory() as folder:
        with real_worker(Path(folder) / "worker.log", extra_env={"DATABASE_URL": url, **(extra_env or {})}) as worker:
            yield worker["queue"]


@pytest.fixture
def worker_queue(tmp_path):
    with real_worker(tmp_path / "worker.log") as worker:
        yield worker


def test_a_real_worker_runs_the_ping_task(worker_queue):
    from portal.core.tasks import ping_task

    result = ping_task.apply_async(queue=worker_queue["queue"])
    assert result.__class__.__name__ == "AsyncResult"  # not an EagerResult: it went to the broker
    try:
        # Allow for the worker's start-up time (Django set-up), then the round trip.
        value = result.get(timeout=WORKER_START_TIMEOUT + RESULT_TIMEOUT)
    except Exception as exc:
        log = worker_queue["log"].read_text(errors="replace")[-3000:]
        alive = worker_queue["process"].poll() is None
        pytest.fail(f"No result from the worker ({exc!r}); worker alive={alive}; log tail:\n{log}")

    assert value["reply"] == "pong"
    assert value["eager"] is False
    assert value["hostname"].startswith(worker_queue["queue"] + "@")
    assert result.successful()
