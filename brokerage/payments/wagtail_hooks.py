"""Coordinators set the flexible fund's rules as data in the Wagtail admin: budgets per
programme, area and period, the programme's limit for approval at once, the catalogue and the
registered suppliers. Fund requests and money records are changed only by the services. Budgets,
limits and incentive schemes belong to a programme: a coordinator assigned to programmes reaches
only theirs (``brokerage.reference.programme_admin``)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.payments.models import FundBudget, FundCatalogueItem, FundSettings, Supplier
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


class FundBudgetViewSet(ProgrammeScopedViewSet):
    model = FundBudget
    icon = "table"
    menu_label = "Fund budgets"
    list_display = ["programme", "area", "starts_on", "ends_on", "amount_pence", "committed_pence"]
    list_filter = ["programme"]
    ordering = ["programme__name", "-starts_on"]


class FundSettingsViewSet(ProgrammeScopedViewSet):
    model = FundSettings
    icon = "cogs"
    menu_label = "Fund approval limits"
    list_display = ["programme", "auto_approve_limit_pence"]


class FundCatalogueItemViewSet(SnippetViewSet):
    model = FundCatalogueItem
    icon = "list-ul"
    menu_label = "Fund catalogue"
    list_display = ["name", "category", "barrier", "typical_amount_pence", "max_amount_pence", "active"]
    list_filter = ["category", "active"]


class SupplierViewSet(SnippetViewSet):
    model = Supplier
    icon = "site"
    menu_label = "Registered suppliers"
    list_display = ["name", "category", "email", "active"]


class FundViewSetGroup(SnippetViewSetGroup):
    items = (FundBudgetViewSet, FundSettingsViewSet, FundCatalogueItemViewSet, SupplierViewSet)
    menu_icon = "pick"
    menu_label = "Flexible fund"
    menu_name = "flexible-fund"
    menu_order = 340


register_snippet(FundViewSetGroup)


# --- employer incentive schemes (rules as data: stages, age bands, windows, checks) -----------

from brokerage.payments.models import IncentiveScheme  # noqa: E402


class IncentiveSchemeViewSet(ProgrammeScopedViewSet):
    model = IncentiveScheme
    icon = "form"
    menu_label = "Incentive schemes"
    menu_name = "incentive-schemes"
    menu_order = 341
    add_to_admin_menu = True
    list_display = ["name", "programme", "starts_from", "starts_until", "min_hours", "active"]
    list_filter = ["programme", "active"]
    ordering = ["programme__name", "-starts_from"]


register_snippet(IncentiveSchemeViewSet)
