"""Coordinators edit routing rules (rules as data) in the Wagtail admin: those assigned to
programmes only their programmes' rules (``brokerage.reference.programme_admin``)."""

from wagtail.snippets.models import register_snippet

from brokerage.enquiries.models import RoutingRule
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


class RoutingRuleViewSet(ProgrammeScopedViewSet):
    model = RoutingRule
    icon = "resubmit"
    menu_label = "Enquiry routing"
    menu_name = "enquiry-routing"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "area", "enquiry_type", "programme", "partner", "active"]
    list_filter = ["area", "enquiry_type", "programme", "partner", "active"]
    ordering = ["area__name", "enquiry_type", "partner__name"]


register_snippet(RoutingRuleViewSet)
