from django.contrib import admin

from brokerage.participants.models import EligibilityRule, Team, TeamMembership


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 1
    raw_id_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "programme"]
    inlines = [TeamMembershipInline]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["programme", "kind", "minimum", "maximum", "values", "active", "order"]
    list_filter = ["programme", "kind", "active"]
