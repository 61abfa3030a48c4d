import datetime
import re

from django import forms
from django.utils import timezone

from brokerage.enquiries.models import ContactKind, ContactMethod, EnquiryType, ItemStatus, Outcome
from brokerage.reference.choices import Sector, SizeBand
from brokerage.reference.models import Area, Partner, PartnerStanding
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from portal.core.forms import GovUKDateField, GovUKForm

_PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{10,20}$")


# The public enquiry, one group of questions per page.


class EnquiryTypesForm(GovUKForm):
    types = forms.MultipleChoiceField(
        label="What would you like to do?",
        help_text="Select all that apply.",
        choices=EnquiryType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select what you would like to do"},
    )


class EnquiryOrganisationForm(GovUKForm):
    organisation_name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={
            "required": "Enter the name of your organisation",
            "max_length": "Organisation name must be 200 characters or fewer",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        help_text="Of the site the enquiry is about, for example TS18 1AA.",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a postcode", "max_length": "Enter a real postcode, like TS1 3BX"},
    )
    size_band = forms.ChoiceField(
        label="How many people does your organisation employ?",
        choices=SizeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how many people your organisation employs"},
    )
    sector = forms.ChoiceField(
        label="Sector",
        choices=[("", "Select a sector"), *Sector.choices],
        error_messages={"required": "Select your sector"},
    )

    def clean_postcode(self) -> str:
        try:
            return validate_known_postcode(self.cleaned_data["postcode"])
        except PostcodeError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_organisation_name(self) -> str:
        name = " ".join(self.cleaned_data["organisation_name"].split())
        if not name:
            raise forms.ValidationError("Enter the name of your organisation")
        return name


class EnquiryContactForm(GovUKForm):
    contact_name = forms.CharField(
        label="Your name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We will send a confirmation to this address.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    phone = forms.CharField(
        label="Telephone number (optional)",
        help_text="Needed if you would like us to phone you.",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "class": "govuk-input--width-20"}),
    )
    preferred_contact = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you would like us to contact you"},
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE_RE.match(phone):
            raise forms.ValidationError(
                "Enter a telephone number, like 01632 960 001 or +44 7700 900 982"
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("preferred_contact") in (ContactMethod.PHONE, ContactMethod.EITHER) and not cleaned.get(
            "phone"
        ) and "phone" not in self.errors:
            self.add_error("phone", "Enter a telephone number so we can phone you")
        return cleaned


class EnquiryDetailsForm(GovUKForm):
    message = forms.CharField(
        label="Tell us more (optional)",
        help_text="For example the roles, how many people, when, or anything that would help the "
        "partner who contacts you. Do not include anyone's personal details.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "Tell us more must be 2000 characters or fewer"},
    )


# The partner inbox.

STATUS_FILTERS = [("open", "Open"), *ItemStatus.choices, ("", "All")]


class InboxFilterForm(GovUKForm):
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTERS, required=False)
    enquiry_type = forms.ChoiceField(
        label="Type", choices=[("", "All types"), *EnquiryType.choices], required=False
    )
    area = forms.ModelChoiceField(
        label="Area", queryset=Area.objects.order_by("name"), required=False, empty_label="All areas"
    )
    overdue = forms.BooleanField(label="Only overdue", required=False)


class AcceptForm(GovUKForm):
    pass


class ContactRecordForm(GovUKForm):
    contact_kind = forms.ChoiceField(
        label="How did you contact the employer?",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you contacted the employer"},
    )
    happened_on = GovUKDateField(
        label="Date of contact",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the contact"},
    )
    summary = forms.CharField(
        label="What was discussed",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what was discussed"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_happened_on(self) -> datetime.date:
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date of contact must be today or in the past")
        return day

    def happened_at(self) -> datetime.datetime:
        """Today's contact is 'now'; an earlier one is recorded at midday that day."""
        day = self.cleaned_data["happened_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class CloseForm(GovUKForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the enquiry"},
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReassignForm(GovUKForm):
    to_partner = forms.ModelChoiceField(
        label="Pass it to",
        queryset=Partner.objects.none(),
        empty_label="Select a partner",
        error_messages={"required": "Select the partner to pass this enquiry to"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="The new partner and the coordinator will see this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give a reason for passing this enquiry on"},
    )

    def __init__(self, *args, current_partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.exclude(standing=PartnerStanding.PAUSED).order_by("name")
        if current_partner is not None:
            partners = partners.exclude(pk=current_partner.pk)
        self.fields["to_partner"].queryset = partners


class EnquiryFollowForm(GovUKForm):
    """Check an enquiry: its reference and the email address it was sent from."""

    reference = forms.CharField(
        label="Reference number", max_length=20,
        help_text="It is in the email we sent you, for example ENQ-7K3M2Q",
        error_messages={"required": "Enter your enquiry's reference number"},
    )
    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="The email address you gave when you sent the enquiry",
        error_messages={"required": "Enter the email address you gave",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )
