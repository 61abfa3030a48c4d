from django import forms
from django.core.exceptions import ValidationError

from brokerage.payments.fund import selectors as fund_selectors
from brokerage.payments.fund import services as fund
from brokerage.payments.models import FundCategory, FundPaymentMethod
from brokerage.reference.choices import Barrier
from portal.core.forms import GovUKForm


class FundRequestForm(GovUKForm):
    """A key worker's request. Every rule is checked here too, so all problems show at once."""

    category = forms.ChoiceField(
        label="What is the money for?", choices=FundCategory.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select what the money is for",
                        "invalid_choice": "Select what the money is for"},
    )
    item = forms.ModelChoiceField(
        label="Item from the catalogue (optional)", required=False, queryset=None,
        empty_label="Not in the catalogue",
        error_messages={"invalid_choice": "Choose an item from the list"},
    )
    description = forms.CharField(
        label="Describe what you will buy", max_length=300,
        help_text="For example, CSCS card test and card, or steel toe-cap boots size 9.",
        error_messages={"required": "Enter what the money is for",
                        "max_length": "Describe it in 300 characters or fewer"},
    )
    amount = forms.CharField(
        label="Amount", help_text="In pounds, for example £45.00",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                      "class": "govuk-input--width-5"}),
        error_messages={"required": "Enter the amount, for example £45.00"},
    )
    barrier = forms.ChoiceField(
        label="Which barrier to work does this remove?", choices=[("", "Select a barrier")] + list(Barrier.choices),
        error_messages={"required": "Select the barrier this removes",
                        "invalid_choice": "Select the barrier this removes"},
    )
    action = forms.ModelChoiceField(
        label="Barrier action in the action plan (optional)", required=False, queryset=None,
        empty_label="None", error_messages={"invalid_choice": "Choose an action from the list"},
    )
    not_available_elsewhere = forms.CharField(
        label="Why is this not available from another service or fund?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the participant is not eligible for the Jobcentre's Flexible Support Fund.",
        error_messages={"required": "Explain why this is not available from another service or fund"},
    )
    justification = forms.CharField(
        label="Why is this needed to move into work?", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you choose 'Another barrier to work'.",
    )
    payment_method = forms.ChoiceField(
        label="How will it be paid?", choices=FundPaymentMethod.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how it will be paid",
                        "invalid_choice": "Select how it will be paid"},
    )
    supplier = forms.ModelChoiceField(
        label="Registered supplier", required=False, queryset=None, empty_label="Select a supplier",
        help_text="Only for a payment to a registered supplier.",
        error_messages={"invalid_choice": "Choose a supplier from the list"},
    )

    def __init__(self, *args, participant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.user = user
        self.fields["item"].queryset = fund_selectors.catalogue_items()
        self.fields["action"].queryset = fund_selectors.barrier_actions(participant)
        self.fields["supplier"].queryset = fund_selectors.payable_suppliers()

    def clean_amount(self) -> int:
        return fund.pounds_to_pence(self.cleaned_data.get("amount"))

    def clean(self):
        data = super().clean()
        problems = fund.fund_request_problems(
            participant=self.participant, actor=self.user,
            category=data.get("category", ""), item=data.get("item"),
            barrier=data.get("barrier", ""), action=data.get("action"),
            amount_pence=data.get("amount", 0), description=data.get("description", ""),
            justification=data.get("justification", ""),
            not_available_elsewhere=data.get("not_available_elsewhere", ""),
            payment_method=data.get("payment_method", ""), supplier=data.get("supplier"),
        )
        for field, messages in problems.items():
            if field != "__all__" and field in self.errors:
                continue  # the field's own message is already shown
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"], "item": data.get("item"), "barrier": data["barrier"],
            "action": data.get("action"), "amount_pence": data["amount"],
            "description": data["description"], "justification": data.get("justification", ""),
            "not_available_elsewhere": data["not_available_elsewhere"],
            "payment_method": data["payment_method"], "supplier": data.get("supplier"),
        }


class FundDecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("approve", "Approve"), ("refuse", "Refuse")],
        error_messages={"required": "Select approve or refuse", "invalid_choice": "Select approve or refuse"},
    )
    note = forms.CharField(
        label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required if you refuse. The key worker will see it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the request is refused")
        return data


class ReceiptForm(GovUKForm):
    receipt = forms.FileField(
        label="Upload the receipt", help_text="A PDF, JPG or PNG, smaller than 10MB.",
        error_messages={"required": "Select the receipt to upload",
                        "empty": "The selected file is empty",
                        "invalid": "Select the receipt to upload"},
    )

    def clean_receipt(self):
        upload = self.cleaned_data.get("receipt")
        try:
            fund.receipt_validate(upload)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None
        return upload


class QuoteForm(GovUKForm):
    """The supplier's quote, attached when the request is sent or while it waits."""

    quote = forms.FileField(
        label="Attach a quote", help_text="A PDF, JPG or PNG, smaller than 10MB.",
        error_messages={"required": "Select the quote to upload",
                        "empty": "The selected file is empty",
                        "invalid": "Select the quote to upload"},
    )

    def __init__(self, *args, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if optional:
            self.fields["quote"].required = False
            self.fields["quote"].label = "Attach a quote (optional)"
            self.fields["quote"].help_text = (
                "Coordinators may ask for one before deciding. A PDF, JPG or PNG, smaller than 10MB."
            )

    def clean_quote(self):
        upload = self.cleaned_data.get("quote")
        if upload:
            try:
                fund.quote_validate(upload)
            except ValidationError as exc:
                raise ValidationError(exc.messages[0]) from None
        return upload


class FundChangeDecisionForm(GovUKForm):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        choices=[("confirm", "Confirm: the change takes effect now"),
                 ("reject", "Reject: nothing changes")],
        error_messages={"required": "Select confirm or reject",
                        "invalid_choice": "Select confirm or reject"},
    )
    reason = forms.CharField(
        label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required if you reject. Recorded in the audit log.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the change is rejected")
        return data
