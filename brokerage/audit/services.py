from django.db import models

from brokerage.audit.models import AuditEvent
from portal.accounts.permissions import Actor, recorded_actor


def audit_event_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    summary: str,
    data: dict | None = None,
    acting_for: str = "",
) -> AuditEvent:
    """Write one audit entry for ``obj``. Call inside the transaction that made the change."""
    return AuditEvent.objects.create(
        actor=recorded_actor(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:300],
        data=data or {},
        acting_for=acting_for,
    )
