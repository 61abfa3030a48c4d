import datetime

from django import forms

from brokerage.payments.models import LedgerKind
from portal.core.forms import GovUKForm


class LedgerFilterForm(GovUKForm):
    """Filter the ledger by kind and month (the months that have entries)."""

    kind = forms.ChoiceField(
        label="Kind of movement", required=False,
        choices=[("", "All kinds")] + list(LedgerKind.choices),
        error_messages={"invalid_choice": "Choose a kind of movement from the list"},
    )
    month = forms.ChoiceField(
        label="Month", required=False,
        error_messages={"invalid_choice": "Choose a month from the list"},
    )

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "All months")] + [
            (m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in months
        ]

    def cleaned_month(self) -> datetime.date | None:
        value = self.cleaned_data.get("month") if self.is_valid() else ""
        return datetime.datetime.strptime(value, "%Y-%m").date() if value else None

    def cleaned_kind(self) -> str:
        return self.cleaned_data.get("kind", "") if self.is_valid() else ""


class ReconciliationForm(GovUKForm):
    month = forms.ChoiceField(
        label="Month to check",
        error_messages={
            "required": "Choose a month to check",
            "invalid_choice": "Choose a month from the list",
        },
    )

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%B %Y")) for m in months]

    def cleaned_month(self) -> datetime.date:
        return datetime.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()
