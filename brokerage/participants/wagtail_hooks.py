"""Coordinators edit eligibility rules (rules as data) and teams in the Wagtail admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.participants.models import EligibilityRule, Team


class EligibilityRuleViewSet(SnippetViewSet):
    model = EligibilityRule
    icon = "tick-inverse"
    menu_label = "Eligibility rules"
    list_display = ["programme", "kind", "minimum", "maximum", "values", "active"]
    list_filter = ["programme", "kind", "active"]
    ordering = ["programme__name", "order"]


class TeamViewSet(SnippetViewSet):
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
