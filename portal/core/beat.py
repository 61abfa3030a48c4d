"""Collect the Celery beat schedule from each app's ``beat.py`` (a ``SCHEDULE`` dict)."""

from importlib import import_module

from django.apps import apps


def collect_beat_schedule() -> dict:
    schedule: dict = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.beat")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.beat":
                raise
            continue
        schedule.update(getattr(module, "SCHEDULE", {}))
    return schedule
