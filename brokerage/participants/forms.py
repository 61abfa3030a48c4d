import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.participants.models import (
    ActionKind,
    ActionStatus,
    BenefitType,
    CareRequestKind,
    ConsentMethod,
    ConsentScope,
    ContactMethod,
    Readiness,
    ReferralSource,
    TargetGroup,
    TravelMode,
)
from brokerage.participants.services import ni_number_normalise
from brokerage.reference.choices import Adjustment, Barrier, Licence, Sector
from brokerage.reference.models import Partner, Programme
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from brokerage.reference.vocabulary import skills_from_text
from portal.core.forms import GovUKDateField, GovUKForm


def _past_date(value: datetime.date | None, what: str) -> datetime.date | None:
    if value and value > timezone.localdate():
        raise ValidationError(f"{what} must be today or in the past")
    return value


class PersonalDetailsForm(GovUKForm):
    """Who the person is and how to reach them: given at referral, corrected later."""

    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter their last name"})
    date_of_birth = GovUKDateField(
        help_text="For example, 27 3 2001", error_messages={"required": "Enter their date of birth"}
    )
    postcode = forms.CharField(
        max_length=8, widget=forms.TextInput(attrs={"autocomplete": "off", "class": "govuk-input--width-10"}),
        error_messages={"required": "Enter their postcode"},
    )
    email = forms.EmailField(
        label="Email address (optional)", required=False,
        error_messages={"invalid": "Enter an email address in the right format, like name@example.com"},
    )
    phone = forms.CharField(label="Phone number (optional)", required=False, max_length=30)
    ni_number = forms.CharField(
        label="National Insurance number (optional)", required=False, max_length=13,
        help_text="It’s on their National Insurance card, benefit letter, payslip or P60. For example, ‘QQ 12 34 56 C’",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    benefit_type = forms.ChoiceField(
        label="Benefit they receive", required=False, choices=[("", "Not known")] + BenefitType.choices
    )
    months_out_of_work = forms.IntegerField(
        label="Months out of work (optional)", required=False, min_value=0, max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter the months out of work as a number, like 6"},
    )
    target_groups = forms.MultipleChoiceField(
        label="Target groups that apply (optional)", required=False, choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_postcode(self):
        try:
            return validate_known_postcode(self.cleaned_data["postcode"])
        except PostcodeError as exc:
            raise ValidationError(str(exc)) from None

    def clean_ni_number(self):
        return ni_number_normalise(self.cleaned_data.get("ni_number", ""))

    def clean_date_of_birth(self):
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob >= today:
            raise ValidationError("Date of birth must be in the past")
        if dob.year < today.year - 100:
            raise ValidationError("Check the year of birth: it is more than 100 years ago")
        return dob


class ReferralForm(PersonalDetailsForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), empty_label=None,
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose the programme"},
    )
    referral_source = forms.ChoiceField(
        label="Who referred this person?", choices=ReferralSource.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose who referred this person"},
    )
    referral_source_detail = forms.CharField(
        label="Referrer's name or organisation (optional)", required=False, max_length=200
    )
    confirm_not_duplicate = forms.BooleanField(
        label="None of these records is the person I am referring", required=False
    )
    field_order = ["programme", "referral_source", "referral_source_detail"]

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.all()


class OverrideForm(GovUKForm):
    justification = forms.CharField(
        label="Why should this person be accepted onto the programme?",
        help_text="This is recorded with your name and shown on the record.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why this person should be accepted"},
    )


class ConsentForm(GovUKForm):
    scopes = forms.MultipleChoiceField(
        label="What has the person agreed to share?", choices=ConsentScope.choices,
        widget=forms.CheckboxSelectMultiple, error_messages={"required": "Choose what the person agreed to share"},
    )
    partners = forms.ModelMultipleChoiceField(
        label="Named partners (if sharing details with partners)", queryset=Partner.objects.all(),
        required=False, widget=forms.CheckboxSelectMultiple,
    )
    given_on = GovUKDateField(
        label="Date consent was given",
        error_messages={"required": "Enter the date consent was given"},
    )
    method = forms.ChoiceField(
        label="How was consent given?", choices=ConsentMethod.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how consent was given"},
    )

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partners is not None:
            self.fields["partners"].queryset = partners
            self.fields["partners"].help_text = "Partners working on this person's programme in their area."

    def clean_given_on(self):
        return _past_date(self.cleaned_data["given_on"], "The date consent was given")

    def clean(self):
        data = super().clean()
        if ConsentScope.PARTNER_DETAILS in data.get("scopes", []) and not data.get("partners"):
            self.add_error("partners", "Choose the partners the person agreed to share their details with")
        return data


class WithdrawConsentForm(GovUKForm):
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how the person told you.",
    )


class SkillsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return sorted(skills_from_text(super().to_python(value)))

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value


class AssessmentForm(GovUKForm):
    assessed_on = GovUKDateField(
        label="Date of assessment", error_messages={"required": "Enter the date of the assessment"}
    )
    barriers = forms.MultipleChoiceField(
        label="Barriers to work", required=False, choices=Barrier.choices, widget=forms.CheckboxSelectMultiple
    )
    barrier_notes = forms.CharField(
        label="Notes on barriers (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skills = SkillsField(
        label="Skills",
        required=False,
        help_text="Separate skills with commas, for example: customer service, forklift driving, Excel",
    )
    qualifications = forms.CharField(
        label="Qualifications (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, for example: GCSE English grade 4",
    )
    licences = forms.MultipleChoiceField(
        label="Licences and cards held", required=False, choices=Licence.choices, widget=forms.CheckboxSelectMultiple
    )
    work_history = forms.CharField(
        label="Work history (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    sector_interests = forms.MultipleChoiceField(
        label="Sectors they are interested in",
        required=False,
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    adjustments_needed = forms.MultipleChoiceField(
        label="Adjustments they need at work",
        required=False,
        choices=Adjustment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    hours_min = forms.IntegerField(
        label="Fewest hours a week", required=False, min_value=0, max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter the fewest hours as a number, like 16"},
    )
    hours_max = forms.IntegerField(
        label="Most hours a week", required=False, min_value=1, max_value=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter the most hours as a number, like 37"},
    )
    available_from = GovUKDateField(label="Available to start from (optional)", required=False)
    max_travel_miles = forms.IntegerField(
        label="How far can they travel (miles)?", required=False, min_value=0, max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={"invalid": "Enter the distance in miles as a number, like 10"},
    )
    travel_modes = forms.MultipleChoiceField(
        label="How can they travel?", required=False, choices=TravelMode.choices, widget=forms.CheckboxSelectMultiple
    )
    readiness = forms.ChoiceField(
        label="Readiness for work", choices=Readiness.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how ready for work the person is"},
    )
    notes = forms.CharField(label="Other notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_assessed_on(self):
        return _past_date(self.cleaned_data["assessed_on"], "The assessment date")

    def clean(self):
        data = super().clean()
        lo, hi = data.get("hours_min"), data.get("hours_max")
        if lo is not None and hi is not None and lo > hi:
            self.add_error("hours_max", "The most hours a week must be at least the fewest hours")
        return data


class ReadinessForm(GovUKForm):
    readiness = forms.ChoiceField(
        label="How ready for work is this person now?", choices=Readiness.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a readiness"},
    )
    note = forms.CharField(label="What changed? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(GovUKForm):
    kind = forms.ChoiceField(
        label="Type", choices=ActionKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a SMART goal or a barrier action"},
    )
    barrier = forms.ChoiceField(
        label="Barrier it tackles (for barrier actions)", required=False, choices=[("", "None")] + Barrier.choices
    )
    description = forms.CharField(
        label="What will be done, and by whom", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the goal or action"},
    )
    measure = forms.CharField(label="How will you know it is done?", required=False, max_length=300)
    due_on = GovUKDateField(label="Due by", error_messages={"required": "Enter the date it is due by"})

    def clean(self):
        data = super().clean()
        if data.get("kind") == ActionKind.BARRIER and not data.get("barrier"):
            self.add_error("barrier", "Choose the barrier this action tackles")
        return data


class ActionStatusForm(GovUKForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ReviewForm(GovUKForm):
    reviewed_on = GovUKDateField(label="Date of review", error_messages={"required": "Enter the date of the review"})
    summary = forms.CharField(
        label="What was reviewed and agreed", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was reviewed and agreed"},
    )
    next_review_on = GovUKDateField(label="Next review (optional)", required=False)


class ContactForm(GovUKForm):
    happened_on = GovUKDateField(label="Date of contact", error_messages={"required": "Enter the date of the contact"})
    method = forms.ChoiceField(
        label="How", choices=ContactMethod.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how you were in contact"},
    )
    summary = forms.CharField(
        label="Summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a summary of the contact"},
    )

    def clean_happened_on(self):
        return _past_date(self.cleaned_data["happened_on"], "The contact date")


class AssignForm(GovUKForm):
    key_worker = forms.ModelChoiceField(
        label="Key worker", queryset=None, empty_label="Choose a key worker",
        error_messages={"required": "Choose a key worker", "invalid_choice": "Choose a key worker"},
    )

    def __init__(self, *args, key_workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_worker"].queryset = key_workers
        self.fields["key_worker"].label_from_instance = lambda u: f"{u.display_name} ({u.email})"


class CareRequestForm(GovUKForm):
    kind = forms.ChoiceField(
        label="What do you need?", choices=CareRequestKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a transfer or shared care"},
    )
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: they have moved into our area, or we are supporting them with housing.",
        error_messages={"required": "Say why you need this person's record"},
    )


class EraseForm(GovUKForm):
    reason = forms.CharField(
        label="Reason for erasure",
        help_text="For example, the erasure request reference and date.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for erasing this record"},
    )
    confirm = forms.BooleanField(
        label="I understand that this person's personal data will be removed and cannot be recovered",
        error_messages={"required": "Confirm that you understand the data cannot be recovered"},
    )


class ImportForm(GovUKForm):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), empty_label=None,
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose the programme"},
    )
    file = forms.FileField(
        label="Upload a CSV file", help_text="Up to 5 MB.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, programmes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes if programmes is not None else Programme.objects.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The selected file must be a CSV")
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError("The selected file must be smaller than 5 MB")
        raw = upload.read()
        try:
            return upload.name, raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The selected file must be saved as UTF-8 CSV") from None


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Name or reference", required=False)
    readiness = forms.ChoiceField(required=False, choices=[("", "Any")] + Readiness.choices)
    barrier = forms.ChoiceField(required=False, choices=[("", "Any")] + Barrier.choices)
    programme = forms.ModelChoiceField(required=False, queryset=Programme.objects.all(), empty_label="Any")
    overdue = forms.BooleanField(label="Only with overdue actions", required=False)
    no_contact_days = forms.TypedChoiceField(
        label="No contact for", required=False, coerce=int, empty_value=None,
        choices=[("", "Any time"), (7, "7 days or more"), (14, "14 days or more"), (28, "28 days or more")],
    )
    key_worker = forms.ChoiceField(
        label="Held by", required=False,
        choices=[("", "Anyone I can see"), ("mine", "Me"), ("unassigned", "Nobody yet (unassigned)")],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("name", "Name"), ("last_contact", "Longest since contact"), ("readiness", "Readiness"),
                 ("assessment_due", "Assessment due"), ("referred", "Most recently referred")],
    )
