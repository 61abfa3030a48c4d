"""Forms for the evidence ladder's key-worker rungs: the call's outcome and the payslip."""

from django import forms

from brokerage.pipeline.forms import CheckpointConfirmForm, _hours_field
from brokerage.pipeline.services.evidence import PAYSLIP_RULE
from portal.core.files import private_file_validate
from portal.core.forms import GovUKForm

REACHED = [("yes", "Yes"), ("no", "No, I could not reach them")]


class CheckpointCallForm(CheckpointConfirmForm):
    reached = forms.ChoiceField(
        label="Did you speak to them?", choices=REACHED, widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if you spoke to them"},
    )
    notes = forms.CharField(
        label="What they told you (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    field_order = ["reached", "still_employed", "hours_per_week", "left_on", "leaving_reason", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["still_employed"].required = False
        self.fields["still_employed"].label = "If yes, are they still in this job?"

    def clean(self):
        data = self.cleaned_data
        if data.get("reached") != "yes":
            for name in ("still_employed", "hours_per_week", "left_on"):
                self.errors.pop(name, None)
            return data
        if not data.get("still_employed"):
            self.add_error("still_employed", "Choose yes if they are still in this job")
            return data
        return super().clean()


class PayslipForm(GovUKForm):
    payslip = forms.FileField(
        label="Payslip", help_text="A PDF, JPG or PNG, up to 10MB, dated after the due date.",
        error_messages={"required": "Select the payslip to upload"},
    )
    hours_per_week = _hours_field("Hours a week shown on the payslip")

    def clean_payslip(self):
        upload = self.cleaned_data.get("payslip")
        private_file_validate(upload, rule=PAYSLIP_RULE)
        return upload
