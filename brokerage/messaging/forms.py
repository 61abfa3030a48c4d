from django import forms

from brokerage.messaging.models import CHOOSABLE_KINDS, Frequency
from portal.core.forms import GovUKForm


class PreferencesForm(GovUKForm):
    """One question per kind of message: straight away, in one daily email, or not at all."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE_KINDS:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=initial_choices.get(kind.value, Frequency.IMMEDIATELY),
                error_messages={"required": f"Choose how you hear about: {kind.label.lower()}"},
            )
