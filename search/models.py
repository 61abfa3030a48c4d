"""What matching remembers: archived matches, saved searches, digest emails already sent, and
index updates not yet applied.

The index itself is not a model: the database backend reads the opportunity and participant
tables directly; the Elasticsearch backend keeps documents (``search.documents``).
"""

from django.conf import settings
from django.db import models


class Direction(models.TextChoices):
    OPPORTUNITIES = "opportunities", "Opportunities for a participant"
    PARTICIPANTS = "participants", "Participants for an opportunity"


class ArchivedMatch(models.Model):
    """A match a key worker has set aside: it is not shown again in either direction."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="archived_matches"
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="archived_matches"
    )
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    archived_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-archived_at", "-id"]
        verbose_name_plural = "archived matches"
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "opportunity"], name="unique_archived_match"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} × {self.opportunity} (archived)"


class SavedSearch(models.Model):
    """A named set of match filters, for one participant or one opportunity, kept by its owner."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=120)
    direction = models.CharField(max_length=20, choices=Direction.choices)
    subject = models.CharField(
        max_length=20, help_text="The participant reference or the opportunity id searched for"
    )
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_saved_search_name")
        ]

    def __str__(self) -> str:
        return self.name


class MatchDigestSent(models.Model):
    """One key worker was told about one newly live opportunity (so never twice)."""

    opportunity = models.ForeignKey(
        "opportunities.Opportunity", on_delete=models.CASCADE, related_name="+"
    )
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    strong_matches = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "key_worker"], name="unique_match_digest_sent"
            )
        ]

    def __str__(self) -> str:
        return f"Digest to {self.key_worker} about {self.opportunity}"


class PendingIndexUpdate(models.Model):
    """An object whose index document may not match the database yet (Elasticsearch only).

    Written in the same transaction as the change, so no change is lost if the index is down
    or the process stops before the update is sent; removed once the index agrees.
    ``index_pending_task`` (every minute) retries whatever is left, oldest first.
    """

    model_label = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "object_id"], name="unique_pending_index_update"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_label} {self.object_id} changed at {self.changed_at:%Y-%m-%d %H:%M:%S}"


class MatchingChange(models.Model):
    """One saved or deleted opportunity or participant, written in the same transaction (so seen
    by every process once committed). The database backend's packed candidates
    (``search.packed``) read the rows after the last one they applied, on every request, and
    re-read just those records; ``token`` tells a row from one that reused its id after a
    rollback. Rows older than ``search.packed.CHANGES_KEPT`` are pruned (a process that had not
    caught up by then re-reads everything)."""

    CREATED, UPDATED, DELETED = "c", "u", "d"

    id = models.BigAutoField(primary_key=True)
    model_label = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=1)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["model_label", "id"], name="search_change_label_id")]

    def __str__(self) -> str:
        return f"{self.model_label} {self.object_id} ({self.kind})"
