"""Rules as data kept per programme (routing, eligibility and checkpoint rules, opportunity rules,
teams, fund budgets and limits, incentive schemes; and programmes themselves) are edited in the
Wagtail admin. A coordinator assigned to programmes sees, edits, deletes and creates only their
programmes' rows; an administrator, or a coordinator not assigned to particular programmes, sees
them all.

``ProgrammeScopedViewSet`` is a ``SnippetViewSet`` for a model with a ``programme`` foreign key
(``programme_lookup`` names another path to the programme) that applies this everywhere a row
can be reached: the listing, the edit and delete pages, bulk actions (through a permission
policy) and the programme choices of the form.
"""

from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.views import snippets as snippet_views

from brokerage.reference.models import Programme


def programmes_limited_to(user) -> QuerySet[Programme] | None:
    """The programmes ``user`` is limited to in the admin; None when not limited."""
    if user.is_superuser or not user.programmes.exists():
        return None
    return user.programmes.all()


def for_programmes_of(user, queryset: QuerySet, lookup: str = "programme") -> QuerySet:
    """The rows of ``queryset`` ``user`` may reach, ``lookup`` naming each row's programme (a
    row for no programme affects them all, so only unlimited users reach it)."""
    programmes = programmes_limited_to(user)
    return queryset if programmes is None else queryset.filter(**{f"{lookup}__in": programmes})


class ProgrammeScopedForm(WagtailAdminModelForm):
    """The programme must be one of the editor's when they are limited to some."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        programmes = programmes_limited_to(for_user) if for_user is not None else None
        field = self.fields.get("programme")
        if programmes is not None and field is not None:
            field.queryset = programmes
            field.required = True
            field.help_text = "One of your programmes."
            field.error_messages["required"] = "Choose the programme"


class ProgrammePermissionPolicy(ModelPermissionPolicy):
    """The model permissions, and only rows of the user's programmes (bulk actions ask this)."""

    def __init__(self, model, lookup: str = "programme"):
        super().__init__(model)
        self.lookup = lookup

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.instances_user_has_permission_for(
            user, action).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        if not self.user_has_permission(user, action):
            return self.model._default_manager.none()
        return for_programmes_of(user, self.model._default_manager.all(), self.lookup)


class _OnlyTheirProgrammes:
    def get_queryset(self):
        return policy_registry.get_by_type(self.model).instances_user_has_permission_for(
            self.request.user, self.permission_required)


class _EditView(_OnlyTheirProgrammes, snippet_views.EditView):
    pass


class _DeleteView(_OnlyTheirProgrammes, snippet_views.DeleteView):
    pass


class ProgrammeScopedViewSet(snippet_views.SnippetViewSet):
    #: How a row names its programme ("pk" for programmes themselves).
    programme_lookup = "programme"
    copy_view_enabled = False  # a copy would show another programme's row
    edit_view_class = _EditView
    delete_view_class = _DeleteView

    def get_queryset(self, request):
        return for_programmes_of(request.user, self.model._default_manager.all(), self.programme_lookup)

    def get_edit_handler(self):
        panels = super().get_edit_handler().children  # the model's panels, or ones made from its fields
        return ObjectList(panels, base_form_class=ProgrammeScopedForm).bind_to_model(self.model)

    def register_permissions(self):
        register_permission_policy(self.model, ProgrammePermissionPolicy(self.model, self.programme_lookup))
        super().register_permissions()
