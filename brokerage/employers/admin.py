from django.contrib import admin

from brokerage.employers.models import (
    DuplicateDismissal,
    Employer,
    EmployerContact,
    EmployerInvitation,
    EmployerJoinRequest,
    EmployerMembership,
    EmployerSite,
    Interaction,
    PartnerRelationship,
)


class EmployerSiteInline(admin.TabularInline):
    model = EmployerSite
    extra = 0


class EmployerContactInline(admin.TabularInline):
    model = EmployerContact
    extra = 0


class EmployerMembershipInline(admin.TabularInline):
    model = EmployerMembership
    extra = 0
    raw_id_fields = ["user"]


class PartnerRelationshipInline(admin.TabularInline):
    """Consent is given on the portal's pages (audited and emailed), not here: a relationship
    added here is a request."""

    model = PartnerRelationship
    extra = 0
    raw_id_fields = ["created_by"]
    readonly_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at", "decision_reason"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    """For superusers. Merges go through the coordinators' screen so they are audited."""

    list_display = ["name", "companies_house_number", "postcode", "area", "source", "verified", "merged_into"]
    list_filter = ["source", "verified", "sector", "area"]
    search_fields = ["name", "companies_house_number", "postcode", "email_domain"]
    readonly_fields = ["normalised_name", "merged_into", "merged_at", "created_by", "created_by_partner"]
    inlines = [EmployerSiteInline, EmployerContactInline, EmployerMembershipInline, PartnerRelationshipInline]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["employer", "kind", "partner", "recorded_by", "happened_at"]
    list_filter = ["kind"]
    search_fields = ["employer__name", "summary"]
    raw_id_fields = ["employer", "recorded_by"]


@admin.register(EmployerInvitation)
class EmployerInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "employer", "role", "created_at", "accepted_at", "cancelled_at"]
    search_fields = ["email", "employer__name"]
    raw_id_fields = ["employer", "invited_by", "accepted_by"]


@admin.register(EmployerJoinRequest)
class EmployerJoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["employer", "user", "decided_by"]


admin.site.register(DuplicateDismissal)
