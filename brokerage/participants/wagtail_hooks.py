"""Coordinators edit eligibility rules (rules as data) and teams in the Wagtail admin."""

from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from brokerage.participants.models import EligibilityRule, Team
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


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


class TeamViewSet(ProgrammeScopedViewSet):
    model = Team
    icon = "group"
    menu_label = "Key worker teams"
    list_display = ["name", "programme"]
    ordering = ["name"]


class ParticipantsViewSetGroup(SnippetViewSetGroup):
    items = (EligibilityRuleViewSet, TeamViewSet)
    menu_icon = "user"
    menu_label = "Caseloads"
    menu_name = "caseloads"
    menu_order = 320


register_snippet(ParticipantsViewSetGroup)
