import datetime
from typing import cast

from django import forms
from django.utils import timezone

from portal.core.forms import GovUKDateField, GovUKForm

EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


class ReportFilterForm(GovUKForm):
    """The date range and area of a report. Empty dates mean the whole programme to today."""

    date_from = GovUKDateField(
        label="From",
        required=False,
        help_text="For example, 1 4 2025. Leave empty for the programme start.",
    )
    date_to = GovUKDateField(
        label="To", required=False, help_text="For example, 31 3 2026. Leave empty for today."
    )
    as_at = GovUKDateField(
        label="As at",
        required=False,
        help_text="Count only what had been recorded by the end of this day, to reproduce a "
        "table published then. For example, 6 5 2011. Leave empty for today.",
    )
    area: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Area", queryset=None, required=False, empty_label="All areas"
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas

    def clean(self):
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        as_at = data.get("as_at")
        if as_at and as_at > timezone.localdate():
            self.add_error("as_at", "The ‘as at’ date must be today or in the past")
        for name in ("date_from", "date_to", "as_at"):
            value = data.get(name)
            if value and not (EARLIEST <= value <= LATEST):
                self.add_error(name, "Enter a date between 2000 and 2099")
        return data
