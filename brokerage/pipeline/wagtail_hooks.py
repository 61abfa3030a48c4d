"""Coordinators edit checkpoint rules and route-ways (rules as data) in the Wagtail admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.pipeline.models import CheckpointRule, RouteWay
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


class CheckpointRuleViewSet(ProgrammeScopedViewSet):
    model = CheckpointRule
    icon = "date"
    menu_label = "Checkpoint rules"
    list_display = [
        "programme",
        "name",
        "kind",
        "offset_days",
        "offset_months",
        "min_hours",
        "counts_as",
        "active",
    ]
    list_filter = ["programme", "kind", "active"]
    ordering = ["programme__name", "order"]


class RouteWayViewSet(SnippetViewSet):
    model = RouteWay
    icon = "list-ul"
    menu_label = "Route-ways"
    list_display = ["name", "opportunity", "hours", "active"]
    ordering = ["name"]


class PipelineViewSetGroup(SnippetViewSetGroup):
    items = (CheckpointRuleViewSet, RouteWayViewSet)
    menu_icon = "date"
    menu_label = "Pipeline"
    menu_name = "pipeline"
    menu_order = 330


register_snippet(PipelineViewSetGroup)
