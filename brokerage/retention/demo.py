"""Demo retention schedules: each demo programme keeps the standard periods, written down as its
own schedule so coordinators see (and can change) them. Idempotent."""

from brokerage.reference.models import Programme
from brokerage.retention.models import RetentionSchedule


def load(stdout) -> None:
    created = 0
    for programme in Programme.objects.all():
        _, made = RetentionSchedule.objects.get_or_create(programme=programme)
        created += made
    stdout.write(f"  retention: {created} programme schedules written")
