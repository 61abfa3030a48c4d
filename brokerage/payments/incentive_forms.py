from django import forms

from brokerage.payments.models import ClaimAction
from portal.core.forms import GovUKForm


class ReasonReferenceForm(GovUKForm):
    """Why, and a reference to the case behind it: every finance decision records both."""

    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="Recorded in the claim's history and the audit log.",
        error_messages={"required": "Enter the reason",
                        "max_length": "Enter the reason in 2,000 characters or fewer"},
    )
    reference = forms.CharField(
        label="Reference", max_length=100,
        help_text="For example a case, ticket or email reference.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
        error_messages={"required": "Enter a reference, for example a case or ticket number",
                        "max_length": "Enter a reference of 100 characters or fewer"},
    )



class ClaimCommandForm(ReasonReferenceForm):
    """Pause, resume, withdraw or reinstate a claim, with the reason and a reference."""

    action = forms.ChoiceField(
        label="What do you want to do?", widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do",
                        "invalid_choice": "Select what you want to do"},
    )
    field_order = ["action"]

    LABELS = {
        ClaimAction.PAUSE: "Pause payments",
        ClaimAction.RESUME: "Resume payments",
        ClaimAction.WITHDRAW: "Withdraw the claim",
        ClaimAction.REINSTATE: "Reinstate the claim",
    }

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, self.LABELS[a]) for a in allowed]


class WriteOffForm(GovUKForm):
    reason = forms.CharField(
        label="Why will this money not be recovered?", widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the money will not be recovered"},
    )


class LiftBlockForm(GovUKForm):
    reason = forms.CharField(
        label="Why can payments start again?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        error_messages={"required": "Enter why payments can start again"},
    )
