from django.contrib import admin

from brokerage.messaging.models import ContactLimit, InboundText, Message, NotificationPreference


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "kind", "recipient", "subject", "status", "delivery_status"]
    list_filter = ["channel", "kind", "status"]
    search_fields = ["recipient", "subject", "provider_id", "about"]
    readonly_fields = [f.name for f in Message._meta.fields]


@admin.register(ContactLimit)
class ContactLimitAdmin(admin.ModelAdmin):
    list_display = ["messages", "days", "created_at"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "frequency", "updated_at"]
    search_fields = ["email"]


@admin.register(InboundText)
class InboundTextAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source_number", "content", "handled"]
    readonly_fields = [f.name for f in InboundText._meta.fields]
