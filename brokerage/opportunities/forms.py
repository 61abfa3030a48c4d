
from django import forms
from django.core.exceptions import ValidationError

from brokerage.opportunities.models import (
    CandidateRoute,
    OpportunityType,
    PayBasis,
    SchoolActivity,
    TargetGroup,
)
from brokerage.opportunities.rules import type_spec
from brokerage.opportunities.services import DRAFT_FILE_RULES
from brokerage.pipeline.models import DecisionContext
from brokerage.pipeline.reasons import reasons_clean, reasons_field_add
from brokerage.reference.apprenticeships import apprenticeship_standard_choices
from brokerage.reference.choices import Adjustment, DisabilityConfident, Licence, Sector
from brokerage.reference.models import Strand
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from brokerage.reference.vocabulary import skills_from_text
from portal.core.files import private_file_validate
from portal.core.forms import GovUKDateField, GovUKForm
from portal.core.money import pence_as_pounds, pounds_to_pence

YES_NO = [("yes", "Yes"), ("no", "No")]

MAX_PAY_PENCE = 100_000_000  # £1,000,000: beyond any wage, so a slip of the keyboard is caught


def _blank_first(choices, label="Select one"):
    return [("", label), *[(v, lbl) for v, lbl in choices if v]]


class StrandChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.programme.name}: {obj.name}"


class OpportunityTypeForm(GovUKForm):
    opportunity_type = forms.ChoiceField(
        label="What kind of opportunity are you offering?",
        choices=OpportunityType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of opportunity"},
    )
    employer = forms.ModelChoiceField(
        label="Which employer is this for?",
        queryset=None,
        empty_label="Select an employer",
        error_messages={"required": "Select the employer", "invalid_choice": "Select the employer"},
    )

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers
        if employers.count() == 1:
            self.fields["employer"].widget = forms.HiddenInput()
            self.fields["employer"].initial = employers.first().pk


def _skills(value: str) -> list[str]:
    return skills_from_text(value)


class OpportunityForm(GovUKForm):
    """Every answer an employer gives. Fields a type does not ask for are removed."""

    title = forms.CharField(
        label="Title", max_length=160, error_messages={"required": "Enter a title"},
        help_text="For example, Warehouse operative or Year 10 careers talk",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the person will do, and what they will learn",
    )
    sector = forms.ChoiceField(label="Sector", required=False, choices=_blank_first(Sector.choices))
    strand = StrandChoiceField(
        label="Programme strand", required=False, queryset=Strand.objects.none(),
        empty_label="Not part of a programme",
        help_text="The programme strand this opportunity counts towards",
    )
    qualification = forms.CharField(
        label="Qualification", required=False, max_length=200,
        help_text="For example, Level 2 Diploma in Hospitality",
    )
    school_activity = forms.ChoiceField(
        label="Kind of school activity", required=False, choices=SchoolActivity.choices,
        widget=forms.RadioSelect,
    )
    remote = forms.BooleanField(label="This opportunity is done remotely", required=False)
    postcode = forms.CharField(
        label="Postcode of the site",
        required=False,
        max_length=12,
        error_messages={"max_length": "Enter a real postcode, like TS1 3BX"},
        help_text="Where the person will work or attend, like SN1 1AA",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        ),
    )
    places = forms.IntegerField(
        label="Number of places", min_value=1, max_value=500,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Number of places must be a whole number, like 3",
            "min_value": "Number of places must be 1 or more",
            "max_value": "Number of places must be 500 or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    hours_per_week = forms.DecimalField(
        label="Hours per week", required=False, max_digits=4, decimal_places=1,
        error_messages={"invalid": "Hours per week must be a number, like 37.5"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )
    paid = forms.ChoiceField(
        label="Is it paid?", choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    pay_pence = forms.CharField(
        label="Pay, in pounds", required=False, max_length=12,
        help_text="For example, 12.71",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
    )
    pay_basis = forms.ChoiceField(
        label="Pay is", required=False, choices=PayBasis.choices, widget=forms.RadioSelect
    )
    start_date = GovUKDateField(
        label="Start date", required=False, help_text="For example, 27 3 2026"
    )
    closing_date = GovUKDateField(
        label="Closing date", required=False,
        help_text="The last day candidates can be put forward. For example, 13 3 2026",
    )
    rolling = forms.BooleanField(
        label="Rolling: no closing date, open until the places are filled", required=False
    )
    duration_weeks = forms.IntegerField(
        label="How many weeks it lasts", required=False, min_value=1, max_value=260,
        error_messages={
            "invalid": "Enter the number of weeks as a whole number, like 4",
            "min_value": "It must last at least 1 week",
            "max_value": "It can last up to 260 weeks",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    min_age = forms.IntegerField(
        label="Youngest age (optional)", required=False,
        error_messages={"invalid": "Enter the youngest age as a whole number, like 16"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    max_age = forms.IntegerField(
        label="Oldest age (optional)", required=False,
        error_messages={"invalid": "Enter the oldest age as a whole number, like 24"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    ring_fenced = forms.BooleanField(
        label="Only for people on the programme (ring-fenced)", required=False
    )
    target_groups = forms.MultipleChoiceField(
        label="Who is it for? (optional)", required=False, choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    required_licences = forms.MultipleChoiceField(
        label="Licences and certificates candidates must have", required=False,
        choices=Licence.choices, widget=forms.CheckboxSelectMultiple,
    )
    essential_skills = forms.CharField(
        label="Essential skills (optional)", required=False, max_length=500,
        help_text="Separate skills with commas, like customer service, stock control",
    )
    desirable_skills = forms.CharField(
        label="Desirable skills (optional)", required=False, max_length=500,
        help_text="Separate skills with commas",
    )
    adjustments = forms.MultipleChoiceField(
        label="Adjustments you offer", required=False, choices=Adjustment.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    disability_confident = forms.ChoiceField(
        label="Disability Confident", required=False, choices=DisabilityConfident.choices,
        widget=forms.RadioSelect,
    )
    candidate_route = forms.ChoiceField(
        label="How should candidates be put forward?",
        choices=CandidateRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how candidates are put forward"},
    )
    candidate_instructions = forms.CharField(
        label="Anything else candidates or key workers need to know (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_employer_name = forms.BooleanField(
        label="Show our organisation's name with this opportunity", required=False
    )
    public = forms.BooleanField(
        label="Also show it on the public list of opportunities while it is live", required=False
    )

    # Apprenticeships (rules.py: _apprenticeship_errors)
    apprenticeship_standard = forms.ChoiceField(
        label="Apprenticeship standard", required=False,
        help_text="The standard the apprentice will train to. Its level is shown beside it",
        error_messages={"invalid_choice": "Select an apprenticeship standard from the list"},
    )
    training_provider = forms.CharField(
        label="Training provider", required=False, max_length=200,
        help_text="The college or training provider delivering the apprenticeship",
    )
    off_the_job_hours_per_week = forms.DecimalField(
        label="Off-the-job training, hours per week", required=False, max_digits=4,
        decimal_places=1,
        help_text=(
            "Training in paid working hours, away from normal duties. At least 6 hours a week "
            "for 30 hours or more a week; for fewer hours, at least 20% of the hours worked"
        ),
        error_messages={
            "invalid": "Off-the-job training must be a number of hours, like 6",
            "max_digits": "Off-the-job training must be a number of hours, like 6",
            "max_decimal_places": "Give off-the-job training to one decimal place, like 7.5",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
    )

    # Work experience: safeguarding and insurance (rules.py: safeguarding_needs)
    supervisor_name = forms.CharField(
        label="Name of the person who will supervise them", required=False, max_length=120,
        help_text="Needed if the placement is open to anyone under 18",
    )
    risk_assessment = forms.FileField(
        label="Risk assessment for the placement", required=False, widget=forms.FileInput,
        help_text="Needed if the placement is open to anyone under 18. A PDF or Word document, "
        "smaller than 10MB",
        error_messages={"empty": "The selected file is empty"},
    )
    insurance_confirmed = forms.BooleanField(
        label="We hold employer's liability insurance that covers people on work experience",
        required=False,
    )
    insurance_certificate = forms.FileField(
        label="Employer's liability insurance certificate", required=False,
        widget=forms.FileInput, help_text="A PDF, JPG or PNG, smaller than 10MB",
        error_messages={"empty": "The selected file is empty"},
    )

    FILE_FIELDS = tuple(DRAFT_FILE_RULES)

    def __init__(self, *args, opportunity_type: str, held_files=(), **kwargs):
        """``held_files``: the evidence already uploaded (a new file replaces it)."""
        super().__init__(*args, **kwargs)
        self.fields["apprenticeship_standard"].choices = _blank_first(
            apprenticeship_standard_choices(), "Select a standard"
        )
        self.opportunity_type = opportunity_type
        spec = type_spec(opportunity_type)
        self.fields["strand"].queryset = Strand.objects.select_related("programme").order_by(
            "programme__name", "order", "name"
        )
        self.fields["places"].label = spec.places_label
        drop = []
        if not spec.pay:
            drop += ["paid", "pay_pence", "pay_basis"]
        elif spec.pay == "required":
            drop += ["paid"]
        if not spec.hours:
            drop.append("hours_per_week")
        if not spec.duration:
            drop.append("duration_weeks")
        if not spec.qualification:
            drop.append("qualification")
        if not spec.school_activity:
            drop.append("school_activity")
        if not spec.apprenticeship:
            drop += ["apprenticeship_standard", "training_provider", "off_the_job_hours_per_week"]
        if not spec.safeguarding:
            drop += ["supervisor_name", *self.FILE_FIELDS, "insurance_confirmed"]
        # The type's own questions follow how long it lasts.
        extra = ["apprenticeship_standard", "training_provider", "off_the_job_hours_per_week",
                 "supervisor_name", "risk_assessment", "insurance_confirmed",
                 "insurance_certificate"]
        order = [n for n in self.fields if n not in extra]
        at = order.index("duration_weeks") + 1 if "duration_weeks" in order else len(order)
        self.order_fields(order[:at] + extra + order[at:])
        for name in held_files:
            if name in self.fields and name not in drop:
                self.fields[name].help_text = (
                    f"Already uploaded. Choose a file only to replace it. "
                    f"{self.fields[name].help_text}"
                )
        if not spec.skills:
            drop += ["essential_skills", "desirable_skills", "required_licences"]
        if spec.needs_closing_date:
            drop.append("rolling")
            self.fields["start_date"].label = "Date the pledge starts"
            self.fields["closing_date"].label = "Date the pledge ends"
            self.fields["closing_date"].help_text = "For example, 31 3 2027"
        for name in drop:
            self.fields.pop(name, None)

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        if not value:
            return ""
        try:
            return validate_known_postcode(value)
        except PostcodeError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_pay_pence(self):
        value = (self.cleaned_data.get("pay_pence") or "").strip()
        if not value:
            return None
        return pounds_to_pence(value, what="pay", example="£12.71", like="12.71",
                               maximum_pence=MAX_PAY_PENCE)

    def clean_hours_per_week(self):
        value = self.cleaned_data.get("hours_per_week")
        if value is not None and value <= 0:
            raise ValidationError("Hours per week must be more than 0")
        return value

    def _clean_evidence(self, name: str):
        upload = self.cleaned_data.get(name)
        if upload:
            private_file_validate(upload, rule=DRAFT_FILE_RULES[name])
        return upload

    def clean_risk_assessment(self):
        return self._clean_evidence("risk_assessment")

    def clean_insurance_certificate(self):
        return self._clean_evidence("insurance_certificate")

    def clean_off_the_job_hours_per_week(self):
        value = self.cleaned_data.get("off_the_job_hours_per_week")
        if value is not None and value <= 0:
            raise ValidationError("Off-the-job training must be more than 0 hours a week")
        return value

    def uploads(self) -> dict:
        """The evidence files chosen on this form (field name -> upload)."""
        return {
            name: self.cleaned_data[name]
            for name in self.FILE_FIELDS
            if self.cleaned_data.get(name)
        }

    def clean_essential_skills(self):
        return _skills(self.cleaned_data.get("essential_skills", ""))

    def clean_desirable_skills(self):
        return _skills(self.cleaned_data.get("desirable_skills", ""))

    def to_data(self) -> dict:
        """The cleaned answers, as opportunity field values."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.FILE_FIELDS}
        if "paid" in data:
            data["paid"] = data["paid"] != "no"
        elif type_spec(self.opportunity_type).pay == "required":
            data["paid"] = True
        else:
            data["paid"] = False
        if not data.get("paid"):
            data["pay_pence"] = None
            data["pay_basis"] = ""
        data["opportunity_type"] = self.opportunity_type
        data["programme"] = data["strand"].programme if data.get("strand") else None
        return data

    @staticmethod
    def initial_from(opportunity) -> dict:
        initial = {}
        for name in OpportunityForm.base_fields:
            initial[name] = getattr(opportunity, name, None)
        initial["paid"] = "yes" if opportunity.paid else "no"
        if opportunity.pay_pence is not None:
            initial["pay_pence"] = pence_as_pounds(opportunity.pay_pence)
        initial["essential_skills"] = ", ".join(opportunity.essential_skills or [])
        initial["desirable_skills"] = ", ".join(opportunity.desirable_skills or [])
        initial["strand"] = opportunity.strand_id
        for name in OpportunityForm.FILE_FIELDS:
            initial.pop(name, None)  # a file input shows no value; held_files says it is there
        return initial

    @staticmethod
    def held_files_of(opportunity) -> list[str]:
        return [name for name in OpportunityForm.FILE_FIELDS if getattr(opportunity, name)]


class ReferBackForm(GovUKForm):
    """One optional comment box per answer; at least one is needed."""

    note = forms.CharField(
        label="General note to the employer (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, field_labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.comment_fields = []
        for name, label in field_labels.items():
            key = f"comment_{name}"
            self.fields[key] = forms.CharField(
                label=f"Comment on ‘{label}’", required=False, max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.comment_fields.append(key)
        self.order_fields(self.comment_fields + ["note"])
        reasons_field_add(self, context=DecisionContext.OPPORTUNITY_REFERRED_BACK,
                          text_field="note", label="Why is it referred back? (optional)",
                          required=False)

    def clean(self):
        cleaned = reasons_clean(self, super().clean() or {})
        if not any((cleaned.get(k) or "").strip() for k in self.comment_fields):
            raise ValidationError("Add a comment on at least one answer")
        return cleaned

    def comments(self) -> dict[str, str]:
        return {
            key.removeprefix("comment_"): self.cleaned_data[key].strip()
            for key in self.comment_fields
            if (self.cleaned_data.get(key) or "").strip()
        }


class RejectForm(GovUKForm):
    reason = forms.CharField(
        label="Why is it rejected?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The employer will see this",
        error_messages={"required": "Enter the reason for rejecting the opportunity"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons_field_add(self, context=DecisionContext.OPPORTUNITY_REJECTED, text_field="reason",
                          label="Why is it rejected? The employer will see this")

    def clean(self):
        return reasons_clean(self, super().clean() or {})


class WithdrawForm(GovUKForm):
    reason = forms.CharField(label="Why are you withdrawing it? (optional)", required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ReopenForm(GovUKForm):
    closing_date = GovUKDateField(
        label="New closing date", help_text="For example, 30 6 2026",
        error_messages={"required": "Enter the new closing date"},
    )
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Number of places must be a whole number",
            "min_value": "Number of places must be 1 or more",
            "max_value": "Number of places must be 500 or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class PlacesFilledForm(GovUKForm):
    places_filled = forms.IntegerField(
        label="How many places are filled?",
        min_value=0,
        error_messages={
            "required": "Enter how many places are filled",
            "invalid": "Enter a whole number, like 2",
            "min_value": "Places filled cannot be less than 0",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class ListingFilterForm(GovUKForm):
    q = forms.CharField(label="Keywords", required=False, max_length=100)
    opportunity_type = forms.ChoiceField(
        label="Type", required=False, choices=_blank_first(OpportunityType.choices, "Any type")
    )
    strand = StrandChoiceField(
        label="Programme strand",
        required=False,
        queryset=Strand.objects.none(),
        empty_label="Any strand",
    )
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=_blank_first(Sector.choices, "Any sector")
    )
    area = forms.ModelChoiceField(
        label="Area", required=False, queryset=None, empty_label="Any area"
    )
    postcode = forms.CharField(
        label="Near postcode",
        required=False,
        max_length=12,
        error_messages={"max_length": "Enter a real postcode, like TS1 3BX"},
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        ),
    )
    within = forms.ChoiceField(
        label="Within",
        required=False,
        choices=[
            ("", "Any distance"),
            ("3", "3 miles"),
            ("5", "5 miles"),
            ("10", "10 miles"),
            ("20", "20 miles"),
        ],
    )
    closing_soon = forms.BooleanField(label="Closing in the next 14 days", required=False)

    def __init__(self, *args, **kwargs):
        from brokerage.reference.models import Area

        super().__init__(*args, **kwargs)
        self.fields["strand"].queryset = Strand.objects.select_related("programme")
        self.fields["area"].queryset = Area.objects.all()

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        if not value:
            return ""
        try:
            return validate_known_postcode(value)
        except PostcodeError as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("within") and not cleaned.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", "Enter a postcode to search by distance")
        return cleaned
