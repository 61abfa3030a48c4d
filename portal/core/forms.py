"""GOV.UK Design System rendering for Django forms.

Forms that inherit ``GovUKFormMixin`` render each field as a GOV.UK form group (label, hint,
error message, input) with the templates in ``templates/govuk/``. The bound field adds the
GOV.UK classes and ``aria-describedby`` to each widget, so ordinary Django fields just work.
"""

import datetime

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer, TemplatesSetting

_WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.FileInput: "govuk-file-upload",
    forms.widgets.Input: "govuk-input",
}
_GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple)


class GovUKRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"
    _widget_templates = {
        "django/forms/widgets/radio.html": "govuk/widgets/radio.html",
        "django/forms/widgets/checkbox_select.html": "govuk/widgets/checkbox_select.html",
    }

    def get_template(self, template_name: str):
        return super().get_template(self._widget_templates.get(template_name, template_name))


class GovUKBoundField(BoundField):
    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def is_grouped(self) -> bool:
        return isinstance(self.field.widget, _GROUPED) or isinstance(
            self.field.widget, GovUKDateInput
        )

    @property
    def is_single_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def anchor(self) -> str:
        """Where the error summary links: the first input of the field."""
        if isinstance(self.field.widget, (*_GROUPED, GovUKDateInput)):
            return f"{self.auto_id}_0"
        return self.auto_id

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not isinstance(widget, (*_GROUPED, forms.MultiWidget)):
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    classes = [css, widget.attrs.get("class", ""), attrs.get("class", "")]
                    if self.errors and css != "govuk-checkboxes__input":
                        classes.append(f"{css}--error")
                    attrs["class"] = " ".join(c for c in classes if c)
                    break
        described_by = []
        if self.help_text and not self.is_grouped:
            described_by.append(self.hint_id)
        if self.errors and not self.is_grouped:
            described_by.append(self.error_id)
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        else:
            attrs.pop("aria-describedby", None)
        return attrs


class GovUKFormMixin:
    default_renderer: BaseRenderer | type[BaseRenderer] | None = GovUKRenderer()
    bound_field_class: type[BoundField] | None = GovUKBoundField


class GovUKForm(GovUKFormMixin, forms.Form):
    pass


class GovUKModelForm(GovUKFormMixin, forms.ModelForm):
    pass


class GovUKDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes. Works with ``forms.DateField``."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(
                attrs={**number, "class": number["class"] + " govuk-input--width-2"}
            ),
            "month": forms.TextInput(
                attrs={**number, "class": number["class"] + " govuk-input--width-2"}
            ),
            "year": forms.TextInput(
                attrs={**number, "class": number["class"] + " govuk-input--width-4"}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        day, month, year = super().value_from_datadict(data, files, name)
        if not (day or month or year):
            return None
        return f"{(year or '').strip()}-{(month or '').strip()}-{(day or '').strip()}"


class GovUKDateField(forms.DateField):
    widget = GovUKDateInput
    default_error_messages = {"invalid": "Enter a real date, for example 27 3 2026"}


def apply_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: on the field it names, else at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
