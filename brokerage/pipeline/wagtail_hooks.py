"""Coordinators edit checkpoint rules and route-ways (rules as data) in the Wagtail admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.pipeline.models import CheckpointRule, DecisionReason, RouteWay
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


class DecisionReasonViewSet(SnippetViewSet):
    """The reasons offered when declining a candidate, recording an interview outcome, or
    referring back or rejecting an opportunity (``brokerage/pipeline/reasons.py``)."""

    model = DecisionReason
    icon = "help"
    menu_label = "Decision reasons"
    list_display = ["label", "context", "needs_explanation", "sort_order", "active"]
    list_filter = ["context", "active"]
    ordering = ["context", "sort_order", "label"]


class PipelineViewSetGroup(SnippetViewSetGroup):
    items = (CheckpointRuleViewSet, RouteWayViewSet, DecisionReasonViewSet)
    menu_icon = "date"
    menu_label = "Pipeline"
    menu_name = "pipeline"
    menu_order = 330


register_snippet(PipelineViewSetGroup)
