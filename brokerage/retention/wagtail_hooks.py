"""Coordinators edit their programmes' retention schedules (rules as data) in the Wagtail admin."""

from wagtail.snippets.models import register_snippet

from brokerage.reference.programme_admin import ProgrammeScopedViewSet
from brokerage.retention.models import RetentionSchedule


class RetentionScheduleViewSet(ProgrammeScopedViewSet):
    model = RetentionSchedule
    icon = "time"
    menu_label = "Retention schedules"
    menu_order = 390
    add_to_admin_menu = True
    list_display = ["programme", "participant_inactive_months", "enquiry_closed_months", "evidence_months",
                    "import_days"]
    ordering = ["programme__name"]


register_snippet(RetentionScheduleViewSet)
