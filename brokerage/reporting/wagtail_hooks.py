"""Coordinators choose which opportunity types count toward each outcome measure (rules as data,
scoped to their programmes like the other rules)."""

from django import forms
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet

from brokerage.opportunities.models import OpportunityType
from brokerage.reference.programme_admin import ProgrammeScopedForm, ProgrammeScopedViewSet
from brokerage.reporting.models import MeasureRule


class MeasureRuleForm(ProgrammeScopedForm):
    opportunity_types = forms.MultipleChoiceField(
        choices=OpportunityType.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Opportunity types that count",
        help_text="Starts and checks on opportunities of these types count toward the measure.",
        error_messages={"required": "Choose at least one opportunity type"},
    )


class MeasureRuleViewSet(ProgrammeScopedViewSet):
    model = MeasureRule
    icon = "table"
    menu_label = "What counts toward each measure"
    list_display = [
        "programme", "measure", Column("types", label="Opportunity types", accessor="type_labels")
    ]
    list_filter = ["programme", "measure"]
    ordering = ["programme__name", "measure"]
    add_to_admin_menu = True
    menu_order = 340

    def get_edit_handler(self):
        panels = super().get_edit_handler().children
        return ObjectList(panels, base_form_class=MeasureRuleForm).bind_to_model(self.model)


register_snippet(MeasureRuleViewSet)
