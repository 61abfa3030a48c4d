from django.contrib import admin

from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryItemEvent, RoutingRule


class EnquiryItemInline(admin.TabularInline):
    model = EnquiryItem
    extra = 0
    fields = ["partner", "programme", "types", "status", "deadline", "first_response_at", "outcome"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation_name", "postcode", "area", "submitted_at"]
    list_filter = ["area"]
    search_fields = ["reference", "organisation_name", "email"]
    inlines = [EnquiryItemInline]
    raw_id_fields = ["employer"]


class EnquiryItemEventInline(admin.TabularInline):
    model = EnquiryItemEvent
    extra = 0
    fields = ["kind", "happened_at", "actor", "partner", "to_partner", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(EnquiryItem)
class EnquiryItemAdmin(admin.ModelAdmin):
    list_display = ["enquiry", "partner", "status", "deadline", "first_response_at"]
    list_filter = ["status", "partner"]
    search_fields = ["enquiry__reference", "enquiry__organisation_name"]
    inlines = [EnquiryItemEventInline]
    raw_id_fields = ["enquiry", "accepted_by"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "enquiry_type", "programme", "partner", "active"]
    list_filter = ["area", "enquiry_type", "programme", "active"]
