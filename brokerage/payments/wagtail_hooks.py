"""Coordinators set the flexible fund's rules as data in the Wagtail admin: budgets per
programme, area and period, the programme's limit for approval at once, the catalogue and the
registered suppliers. Fund requests and money records are changed only by the services. Budgets,
limits and incentive schemes belong to a programme: a coordinator assigned to programmes reaches
only theirs (``brokerage.reference.programme_admin``).

Saving a budget or a limit here never writes the row back: the period and place are written
column by column (never ``committed_pence``, which is shown read-only), and a new amount or limit
becomes a change a finance officer confirms (``fund.fund_budget_admin_save``,
``fund.fund_settings_admin_save``; the page /payments/fund/changes/)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.admin.panels import FieldPanel
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.payments.fund import services as fund
from brokerage.payments.incentives.forms import IncentiveSchemeForm
from brokerage.payments.models import (
    FundBudget,
    FundCatalogueItem,
    FundSettings,
    IncentiveScheme,
    Supplier,
)
from brokerage.reference.programme_admin import ProgrammeScopedViewSet
from portal.core.money import pence_display

CONFIRMED_BY_FINANCE = "A change takes effect only when a finance officer (not you) confirms it."


class _SavedThroughFundServices:
    """Create and edit views whose save calls a fund service instead of ``instance.save()``."""

    def fund_save(self, data: dict, instance):  # -> (instance, FundChange | None)
        raise NotImplementedError

    def save_instance(self):
        creating = self.view_name == "create"
        instance, change = self.fund_save(self.form.cleaned_data, None if creating else self.object)
        action = "wagtail.create" if creating else "wagtail.edit"
        log(instance=instance, action=action, user=self.request.user)
        if change is not None:
            messages.info(
                self.request,
                f"{change.get_kind_display()} of {pence_display(change.new_pence)} is waiting for a "
                f"finance officer to confirm it ({change.reference}). Until then it stays "
                f"{pence_display(change.old_pence)}.",
            )
        return instance

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class _BudgetSave(_SavedThroughFundServices):
    def fund_save(self, data, budget):
        return fund.fund_budget_admin_save(
            actor=self.request.user, budget=budget, programme=data["programme"],
            area=data.get("area"), starts_on=data["starts_on"], ends_on=data["ends_on"],
            amount_pence=data["amount_pence"],
        )


class _SettingsSave(_SavedThroughFundServices):
    def fund_save(self, data, settings_row):
        return fund.fund_settings_admin_save(
            actor=self.request.user, settings_row=settings_row, programme=data["programme"],
            limit_pence=data["auto_approve_limit_pence"],
        )


class FundBudgetViewSet(ProgrammeScopedViewSet):
    model = FundBudget
    icon = "table"
    menu_label = "Fund budgets"
    list_display = ["programme", "area", "starts_on", "ends_on", "amount_pence", "committed_pence"]
    list_filter = ["programme"]
    ordering = ["programme__name", "-starts_on"]
    panels = [
        FieldPanel("programme"),
        FieldPanel("area"),
        FieldPanel("starts_on"),
        FieldPanel("ends_on"),
        FieldPanel("amount_pence",
                   help_text=f"In pence: 500000 is £5,000. {CONFIRMED_BY_FINANCE}"),
        FieldPanel("committed_pence", read_only=True),
    ]
    add_view_class = type(
        "FundBudgetCreateView", (_BudgetSave, ProgrammeScopedViewSet.add_view_class), {})
    edit_view_class = type(
        "FundBudgetEditView", (_BudgetSave, ProgrammeScopedViewSet.edit_view_class), {})


class FundSettingsViewSet(ProgrammeScopedViewSet):
    model = FundSettings
    icon = "cogs"
    menu_label = "Fund approval limits"
    list_display = ["programme", "auto_approve_limit_pence"]
    panels = [
        FieldPanel("programme"),
        FieldPanel("auto_approve_limit_pence",
                   help_text="Requests up to this amount, within budget, are approved at once "
                             "(never a coordinator's own). In pence: 10000 is £100. "
                             f"{CONFIRMED_BY_FINANCE}"),
    ]
    add_view_class = type(
        "FundSettingsCreateView", (_SettingsSave, ProgrammeScopedViewSet.add_view_class), {})
    edit_view_class = type(
        "FundSettingsEditView", (_SettingsSave, ProgrammeScopedViewSet.edit_view_class), {})


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

from wagtail.admin.panels import ObjectList  # noqa: E402


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

    def get_edit_handler(self):
        # The programme scoping of every programme's rules, and the scheme's own checks (shares
        # total 100%, age bands, a checkpoint for every stage) across its stages and bands.
        panels = super().get_edit_handler().children
        return ObjectList(panels, base_form_class=IncentiveSchemeForm).bind_to_model(self.model)


register_snippet(IncentiveSchemeViewSet)
