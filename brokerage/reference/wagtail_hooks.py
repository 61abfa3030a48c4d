"""Reference data in the Wagtail admin: partners (also the public directory), areas, programmes.

Coordinators and editors keep the partner directory up to date here; permissions come from
the role groups in ``portal.accounts.roles`` (e.g. ``reference.change_partner``).
"""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from brokerage.reference.models import Area, Partner, Programme
from brokerage.reference.programme_admin import ProgrammeScopedViewSet


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    menu_label = "Partners"
    list_display = ["name", "partner_type", "standing", "capacity", "show_in_directory"]
    list_filter = ["partner_type", "standing", "show_in_directory"]
    search_fields = ["name", "services", "description"]
    ordering = ["name"]
    list_per_page = 50


class AreaViewSet(SnippetViewSet):
    model = Area
    icon = "site"
    menu_label = "Areas"
    list_display = ["name", "region", "code"]
    list_filter = ["region"]
    search_fields = ["name", "region", "code"]
    ordering = ["region", "name"]
    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("code"), FieldPanel("region")]


class ProgrammeViewSet(ProgrammeScopedViewSet):
    model = Programme
    programme_lookup = "pk"
    icon = "clipboard-list"
    menu_label = "Programmes"
    list_display = ["name", "start_date", "end_date", "fallback_partner"]
    search_fields = ["name", "description"]
    ordering = ["name"]


class PartnershipViewSetGroup(SnippetViewSetGroup):
    items = (PartnerViewSet, AreaViewSet, ProgrammeViewSet)
    menu_icon = "group"
    menu_label = "Partnership"
    menu_name = "partnership"
    menu_order = 300


register_snippet(PartnershipViewSetGroup)
