"""Rules as data kept per programme (routing, eligibility and checkpoint rules, opportunity rules,
teams, fund budgets and limits, incentive schemes; and programmes themselves) are edited in the
Wagtail admin. A coordinator assigned to programmes sees, edits, deletes and creates only their
programmes' rows; an administrator, or a coordinator not assigned to particular programmes, sees
them all.

``ProgrammeScopedViewSet`` is a ``SnippetViewSet`` for a model with a ``programme`` foreign key
(``programme_lookup`` names another path to the programme) that applies this everywhere a row
can be reached: the listing, the edit, delete, history and usage pages, the chooser modal, bulk
actions (through a permission policy) and the programme choices of the form; and
``ProgrammeScopedSiteHistoryView`` keeps other programmes' rows out of the "Site history" report.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views import chooser as snippet_chooser
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
    # Set by the Wagtail view this is mixed into.
    model: type[Model]
    request: HttpRequest
    permission_required: str

    def get_queryset(self):
        return policy_registry.get_by_type(self.model).instances_user_has_permission_for(
            self.request.user, self.permission_required)


class _EditView(_OnlyTheirProgrammes, snippet_views.EditView):
    pass


class _DeleteView(_OnlyTheirProgrammes, snippet_views.DeleteView):
    pass


def _their_object(view, queryset: QuerySet) -> QuerySet:
    """For the views that show one row's history or usage: a row of another programme is not
    found, as on the edit page. Their ``get_queryset`` is what they list (log entries,
    references), so the row itself is scoped in ``get_base_object_queryset``."""
    return for_programmes_of(
        view.request.user, queryset, policy_registry.get_by_type(view.model).lookup
    )


class _HistoryView(snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return _their_object(self, super().get_base_object_queryset())


class _UsageView(snippet_views.UsageView):
    def get_base_object_queryset(self):
        return _their_object(self, super().get_base_object_queryset())


def _their_rows(user, model) -> QuerySet:
    return for_programmes_of(
        user, model._default_manager.all(), policy_registry.get_by_type(model).lookup
    )


class _OnlyTheirProgrammesToChoose:
    """The chooser modal (e.g. the programme field's "Choose a programme") lists, and returns,
    only rows of the user's programmes."""

    # Set by the Wagtail view this is mixed into.
    model_class: type[Model]
    request: HttpRequest

    def get_object_list(self):
        return _their_rows(self.request.user, self.model_class)


class _ChooseView(_OnlyTheirProgrammesToChoose, snippet_chooser.ChooseView):
    pass


class _ChooseResultsView(_OnlyTheirProgrammesToChoose, snippet_chooser.ChooseResultsView):
    pass


class _ChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return _their_rows(self.request.user, self.model_class).get(pk=pk)


class _ChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return _their_rows(self.request.user, self.model_class).filter(pk__in=pks)


class _ChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = _ChooseView
    choose_results_view_class = _ChooseResultsView
    chosen_view_class = _ChosenView
    chosen_multiple_view_class = _ChosenMultipleView


class ProgrammeScopedViewSet(snippet_views.SnippetViewSet):
    #: How a row names its programme ("pk" for programmes themselves).
    programme_lookup = "programme"
    copy_view_enabled = False  # a copy would show another programme's row
    inspect_view_enabled = False  # not scoped: Wagtail's inspect view finds its row by pk alone
    edit_view_class = _EditView
    delete_view_class = _DeleteView
    history_view_class = _HistoryView  # also its results (the filtered, paginated part)
    usage_view_class = _UsageView
    chooser_viewset_class = _ChooserViewSet

    def get_queryset(self, request):
        return for_programmes_of(
            request.user, self.model._default_manager.all(), self.programme_lookup
        )

    def get_edit_handler(self):
        panels = (
            super().get_edit_handler().children
        )  # the model's panels, or ones made from its fields
        return ObjectList(panels, base_form_class=ProgrammeScopedForm).bind_to_model(self.model)

    def register_permissions(self):
        register_permission_policy(
            self.model, ProgrammePermissionPolicy(self.model, self.programme_lookup)
        )
        super().register_permissions()


class ProgrammeScopedSiteHistoryView(LogEntriesView):
    """Wagtail's "Site history" report, less the changes to other programmes' rows: the same
    history the rows' own history pages keep from a coordinator limited to some programmes.
    Answered at Wagtail's own address (portal/urls.py, before the admin's URLs)."""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        user = self.request.user
        if queryset.model is not ModelLogEntry or programmes_limited_to(user) is None:
            return queryset
        for model in get_snippet_models():
            if not isinstance(model.snippet_viewset, ProgrammeScopedViewSet):
                continue
            theirs = [str(pk) for pk in _their_rows(user, model).values_list("pk", flat=True)]
            content_type = ContentType.objects.get_for_model(model)
            queryset = queryset.exclude(Q(content_type=content_type) & ~Q(object_id__in=theirs))
        return queryset
