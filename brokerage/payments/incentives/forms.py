from django import forms

from brokerage.payments.incentives.services import incentive_scheme_problems
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


class RetryForm(ReasonReferenceForm):
    """Send a failed payment again: what was fixed, and a reference."""

    reason = forms.CharField(
        label="What has been fixed?", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="For example: the Stripe balance was topped up, or the employer finished their "
                  "payout account. Recorded in the payment's history and the audit log.",
        error_messages={"required": "Enter what has been fixed",
                        "max_length": "Enter what has been fixed in 2,000 characters or fewer"},
    )


# --- the incentive scheme's admin form (brokerage/payments/wagtail_hooks.py) --------------------

from brokerage.reference.programme_admin import ProgrammeScopedForm  # noqa: E402


class IncentiveSchemeForm(ProgrammeScopedForm):
    """A scheme with its age bands and stages, checked as a whole before anything is saved:
    the shares total 100%, every stage names its checkpoint, the bands neither overlap nor leave
    out an age the programme takes (``incentives.incentive_scheme_problems``). A stage that
    already has payments cannot be removed (claims keep their own copy of everything else)."""

    def _rows(self, name: str) -> list[dict]:
        formset = self.formsets.get(name)
        if formset is None:
            return []
        rows = []
        for form in formset.forms:
            if formset.can_delete and formset._should_delete_form(form):
                stage_pk = getattr(form.instance, "pk", None)
                if name == "stages" and stage_pk and form.instance.payments.exists():
                    self.add_error(None, (
                        f"The stage \"{form.instance.name}\" has payments, so it cannot be "
                        "removed. Make this scheme inactive and set up a new one instead."
                    ))
                continue
            data = getattr(form, "cleaned_data", None)
            if data:
                rows.append(data)
        return rows

    def _rows_readable(self) -> bool:
        """Whether every stage and age band kept reads without an error of its own."""
        for name in ("stages", "age_bands"):
            formset = self.formsets.get(name)
            for form in formset.forms if formset is not None else []:
                if not (formset.can_delete and formset._should_delete_form(form)) and form.errors:
                    return False
        return True

    def is_valid(self) -> bool:
        # Every error at once: the scheme is checked as a whole alongside the fields' own errors,
        # whenever every row could be read (a row still in error would skew the totals).
        if not super().is_valid() and not self._rows_readable():
            return False
        stages = self._rows("stages")
        bands = self._rows("age_bands")
        problems = incentive_scheme_problems(
            programme=self.cleaned_data.get("programme"),
            age_bands=[(b.get("min_age"), b.get("max_age")) for b in bands],
            stages=[
                (s.get("name", ""), s.get("share_percent") or 0, s.get("checkpoint_measure", ""))
                for s in stages
            ],
        )
        for problem in problems:
            self.add_error(None, problem)
        return not self.errors
