import datetime

from django import forms
from django.utils import timezone

from brokerage.api.models import TokenScope
from portal.core.forms import GovUKDateField, GovUKForm


def _default_expiry() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=90)


class ApiTokenForm(GovUKForm):
    name = forms.CharField(
        label="What is the token for?", max_length=80,
        help_text="For example, Case management system. Only your partnership's admins see it.",
        error_messages={"required": "Enter what the token is for"},
    )
    scope = forms.ChoiceField(
        label="What may it do?", choices=TokenScope.choices, widget=forms.RadioSelect,
        initial=TokenScope.READ,
        help_text="Read only: list and read. Read and write: also create and submit opportunities "
        "and answer enquiries.",
        error_messages={"required": "Select what the token may do"},
    )
    expires_on = GovUKDateField(
        label="Expiry date", initial=_default_expiry,
        help_text="The token stops working at the end of this day; at most a year from today. "
        "For example, 31 3 2027",
        error_messages={"required": "Enter the expiry date"},
    )
