"""Coordinators edit routing rules (rules as data) in the Wagtail admin: those assigned to
programmes only their programmes' rules (``selectors.routing_rules_for``)."""

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from brokerage.enquiries.models import RoutingRule
from brokerage.enquiries.selectors import routing_programmes_for, routing_rules_for


class RoutingRuleForm(WagtailAdminModelForm):
    """The programme can only be one of the editor's programmes (and must be given) when they
    are limited to some."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        programmes = routing_programmes_for(for_user) if for_user is not None else None
        if programmes is not None:
            field = self.fields["programme"]
            field.queryset = programmes
            field.required = True
            field.help_text = "The programme the partner handles this under."
            field.error_messages["required"] = "Choose the programme this rule is for"


class RoutingRulePermissionPolicy(ModelPermissionPolicy):
    """The model permissions, and only the rules ``routing_rules_for`` gives (bulk actions ask this)."""

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and routing_rules_for(user).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        return routing_rules_for(user) if self.user_has_permission(user, action) else RoutingRule.objects.none()


register_permission_policy(RoutingRule, RoutingRulePermissionPolicy(RoutingRule))


class _OnlyTheirRules:
    def get_queryset(self):
        return routing_rules_for(self.request.user)


class RoutingRuleEditView(_OnlyTheirRules, snippet_views.EditView):
    pass


class RoutingRuleDeleteView(_OnlyTheirRules, snippet_views.DeleteView):
    pass


class RoutingRuleViewSet(SnippetViewSet):
    model = RoutingRule
    icon = "resubmit"
    menu_label = "Enquiry routing"
    menu_name = "enquiry-routing"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "area", "enquiry_type", "programme", "partner", "active"]
    list_filter = ["area", "enquiry_type", "programme", "partner", "active"]
    ordering = ["area__name", "enquiry_type", "partner__name"]
    edit_handler = ObjectList(RoutingRule.panels, base_form_class=RoutingRuleForm)
    copy_view_enabled = False
    edit_view_class = RoutingRuleEditView
    delete_view_class = RoutingRuleDeleteView

    def get_queryset(self, request):
        return routing_rules_for(request.user)


register_snippet(RoutingRuleViewSet)
