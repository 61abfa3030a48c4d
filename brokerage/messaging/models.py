"""Messages (each email or text, its status and Notify's delivery receipts), people's
preferences, the employer contact limit and texts received.
"""

import uuid

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class MessageKind(models.TextChoices):
    """What a message is about: people choose, per kind, how they hear (``Frequency``)."""

    CANDIDATES = "candidates", "Candidates, interviews and placements"
    CHECKS = "checks", "Checks that someone is still in work"
    OPPORTUNITIES = "opportunities", "Your opportunities (decisions and closing dates)"
    ENQUIRIES = "enquiries", "Enquiries"
    ORGANISATION = "organisation", "Your organisation and the partners acting for it"
    PARTNER_OUTREACH = "partner_outreach", "Partners getting in touch"
    WORK = "work", "Work waiting for you (reminders and digests for staff)"
    # Never held or turned off: invitations, the digest itself, notes to partners.
    ESSENTIAL = "essential", "Messages you must get"


# Kinds a person may hold for the digest or turn off (the preferences page lists these).
CHOOSABLE_KINDS = [k for k in MessageKind if k != MessageKind.ESSENTIAL]


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Straight away"
    DAILY = "daily", "In one daily email"
    OFF = "off", "Not at all"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENT = "sent", "Sent, waiting for delivery"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Not delivered"
    HELD = "held", "Held for the daily digest"
    DIGESTED = "digested", "Sent in a daily digest"
    OFF = "off", "Not sent: turned off by the person"


class Message(models.Model):
    """One email or text to one recipient. Created by ``message_send`` and nothing else."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    template = models.CharField(max_length=80, help_text="The message's template name.")
    recipient = models.CharField(max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    employer = models.ForeignKey(
        "employers.Employer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.ForeignKey(
        "reference.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The partner a message to an employer is from (counts toward the contact limit).",
    )
    about = models.CharField(
        max_length=60, blank=True, db_index=True,
        help_text="What the message is about, e.g. checkpoint:12 (a text's replies go there).",
    )
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED, db_index=True
    )
    provider = models.CharField(max_length=10, blank=True)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    delivery_status = models.CharField(
        max_length=30, blank=True, help_text="Notify's status from its delivery receipt."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="included"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["employer", "partner", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.recipient}: {self.subject or self.template}"


class NotificationPreference(models.Model):
    """How one person (an email address) hears about one kind of message; no row: straight away."""

    email = models.EmailField(db_index=True)
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_kind_display()} {self.get_frequency_display()}"


class ContactLimit(models.Model):
    """How many messages partners together may send one employer in a period (rules as data).

    The newest row applies; with none, ``MESSAGING_EMPLOYER_CONTACT_LIMIT`` (messages per 7 days).
    """

    messages = models.PositiveSmallIntegerField(default=3)
    days = models.PositiveSmallIntegerField(default=7)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.messages} messages from partners every {self.days} days"


class InboundText(models.Model):
    """A text someone sent to the service's number (Notify's received-text callback)."""

    provider_id = models.CharField(max_length=64, unique=True)
    source_number = models.CharField(max_length=30)
    content = models.TextField()
    received_at = models.DateTimeField()
    in_reply_to = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    handled = models.CharField(max_length=200, blank=True, help_text="What the portal did with it.")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"Text from {self.source_number} at {self.received_at:%Y-%m-%d %H:%M}"
