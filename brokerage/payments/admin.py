"""Read-only screens for the service team; money records are changed only by services."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from brokerage.payments.models import (
    FundRequest,
    LedgerEntry,
    MoneyAttention,
    MoneyIntent,
    StripeAccount,
    StripeEvent,
    StripeTransfer,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "amount_pence", "stripe_object_id", "source_type", "source_id"]
    list_filter = ["kind"]
    search_fields = ["stripe_object_id", "stripe_parent_id", "source_id", "description"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "processed_at", "attempts"]
    list_filter = ["type"]
    search_fields = ["event_id"]


@admin.register(StripeAccount)
class StripeAccountAdmin(ReadOnlyAdmin):
    list_display = ["account_id", "employer", "supplier", "payouts_enabled", "details_submitted", "updated_at"]
    search_fields = ["account_id", "employer__name", "supplier__name"]


@admin.register(StripeTransfer)
class StripeTransferAdmin(ReadOnlyAdmin):
    list_display = ["transfer_id", "amount_pence", "amount_reversed_pence", "reversed", "failed"]
    search_fields = ["transfer_id", "destination"]


@admin.register(FundRequest)
class FundRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "participant", "amount_pence", "status", "payment_method", "requested_at"]
    list_filter = ["status", "payment_method", "category"]
    search_fields = ["participant__reference", "card_id", "transfer_id", "description"]
    # The receipt is a private file with no public address: link to the page's own download,
    # which checks that the viewer may see the participant.
    exclude = ["receipt"]
    readonly_fields = ["receipt_download"]

    @admin.display(description="Receipt")
    def receipt_download(self, obj):
        if not obj.receipt:
            return "None"
        url = reverse("payments:fund_receipt", args=[obj.participant.reference, obj.pk])
        return format_html('<a href="{}">Download the receipt</a>', url)


# The money outbox (brokerage/payments/outbox/): what the portal asked Stripe for, and when.


@admin.register(MoneyIntent)
class MoneyIntentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "state", "idempotency_key", "amount_pence", "attempts",
                    "stripe_object_id"]
    list_filter = ["kind", "state"]
    search_fields = ["idempotency_key", "stripe_object_id", "destination"]


@admin.register(MoneyAttention)
class MoneyAttentionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "code", "reference", "amount_pence", "resolved_at"]
    list_filter = ["code"]
    search_fields = ["reference", "reason"]
