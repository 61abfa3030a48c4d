"""Coordinators edit the gateway's rules as data in the Wagtail admin."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.opportunities.models import BannedPhrase, MinimumWageRate, OpportunityRule
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


class MinimumWageRateViewSet(SnippetViewSet):
    model = MinimumWageRate
    icon = "pick"
    menu_label = "Minimum wage rates"
    list_display = ["age_band", "hourly_pence", "effective_from"]
    list_filter = ["age_band"]


class OpportunityRuleViewSet(ProgrammeScopedViewSet):
    model = OpportunityRule
    icon = "list-ul"
    menu_label = "Rules per programme"
    list_display = ["programme", "opportunity_type", "target_group", "strand", "min_weeks", "max_weeks",
                    "min_age", "max_age"]
    list_filter = ["programme", "opportunity_type"]


class BannedPhraseViewSet(SnippetViewSet):
    model = BannedPhrase
    icon = "warning"
    menu_label = "Banned phrases"
    list_display = ["phrase", "reason"]


class OpportunityRulesGroup(SnippetViewSetGroup):
    items = (OpportunityRuleViewSet, MinimumWageRateViewSet, BannedPhraseViewSet)
    menu_icon = "tasks"
    menu_label = "Opportunity rules"
    menu_name = "opportunity-rules"
    menu_order = 260
    add_to_admin_menu = True


register_snippet(OpportunityRulesGroup)
