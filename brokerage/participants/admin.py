from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from brokerage.participants.models import EligibilityRule, Team, TeamMembership
from brokerage.participants.rules import team_member_check


class TeamMembershipFormSet(BaseInlineFormSet):
    """Every member kept or added must be a key worker on the team's programme (checked against
    the programme as saved with this form, so changing the team's programme is checked too)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            user = getattr(form, "cleaned_data", {}).get("user")
            if user is None:
                continue
            try:
                team_member_check(user=user, team=self.instance)
            except ValidationError as exc:
                form.add_error("user", exc.message_dict["user"])


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    formset = TeamMembershipFormSet
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
