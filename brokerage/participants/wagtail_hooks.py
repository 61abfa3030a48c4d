"""Coordinators edit eligibility rules (rules as data) and teams in the Wagtail admin."""

from django.core.exceptions import ValidationError
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from brokerage.participants.models import EligibilityRule, Team
from brokerage.participants.rules import team_member_check
from brokerage.reference.programme_admin import ProgrammeScopedForm, ProgrammeScopedViewSet


class EligibilityRuleViewSet(ProgrammeScopedViewSet):
    model = EligibilityRule
    icon = "tick-inverse"
    menu_label = "Eligibility rules"
    # Not "values": the listing template reads ``table.columns.values``, which a column of that
    # name would shadow (the page failed with a server error).
    list_display = ["programme", "kind", "minimum", "maximum", Column("qualifying", label="Values", accessor="values"),
                    "active"]
    list_filter = ["programme", "kind", "active"]
    ordering = ["programme__name", "order"]


class TeamForm(ProgrammeScopedForm):
    """A team's members must work on its programme: moving the team to another programme is
    refused while any member does not work on it (``rules.team_member_check``)."""

    def clean(self):
        data = super().clean()
        if self.instance.pk and "programme" in data:
            moved = Team(pk=self.instance.pk, name=self.instance.name, programme=data["programme"])
            for membership in self.instance.memberships.select_related("user"):
                try:
                    team_member_check(user=membership.user, team=moved)
                except ValidationError as exc:
                    self.add_error("programme", exc.message_dict["user"])
        return data


class TeamViewSet(ProgrammeScopedViewSet):
    model = Team
    icon = "group"
    menu_label = "Key worker teams"
    list_display = ["name", "programme"]
    ordering = ["name"]

    def get_edit_handler(self):
        panels = super().get_edit_handler().children
        return ObjectList(panels, base_form_class=TeamForm).bind_to_model(self.model)


class ParticipantsViewSetGroup(SnippetViewSetGroup):
    items = (EligibilityRuleViewSet, TeamViewSet)
    menu_icon = "user"
    menu_label = "Caseloads"
    menu_name = "caseloads"
    menu_order = 320


register_snippet(ParticipantsViewSetGroup)
