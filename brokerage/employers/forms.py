from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.employers import companies_house
from brokerage.employers.matching import normalise_companies_house_number
from brokerage.employers.models import InteractionKind, MembershipRole
from brokerage.reference.choices import DisabilityConfident, Sector, SizeBand
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from portal.core.forms import GovUKDateField, GovUKForm


def _blank_first(choices, label="Select one"):
    return [("", label), *[(v, lbl) for v, lbl in choices if v]]


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"required": "Enter a postcode"})
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-10", "autocomplete": "postal-code"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_known_postcode(value)
        except PostcodeError as exc:
            raise ValidationError(str(exc)) from exc


class CompaniesHouseNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Companies House number (optional)")
        kwargs.setdefault("help_text", "8 characters, like 01234567 or SC123456")
        super().__init__(**kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-10", "spellcheck": "false"})

    def clean(self, value):
        return normalise_companies_house_number(super().clean(value))


class OrganisationForm(GovUKForm):
    name = forms.CharField(
        label="Organisation name", max_length=200,
        error_messages={"required": "Enter the organisation's name"},
    )
    companies_house_number = CompaniesHouseNumberField()
    postcode = PostcodeField(label="Postcode of your main site", help_text="For example, TS18 1AA")
    sector = forms.ChoiceField(
        label="Sector", choices=_blank_first(Sector.choices),
        error_messages={"required": "Select the organisation's sector"},
    )
    size_band = forms.ChoiceField(
        label="Number of employees", choices=SizeBand.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how many people the organisation employs"},
    )
    disability_confident = forms.ChoiceField(
        label="Disability Confident level", choices=DisabilityConfident.choices,
        widget=forms.RadioSelect, required=False,
    )
    website = forms.URLField(
        label="Website (optional)", required=False, assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.co.uk"},
    )
    companies_house_confirmed = forms.BooleanField(
        label="The details I entered are right", required=False, widget=forms.HiddenInput,
    )

    def clean(self):
        """Check the organisation with Companies House (by number, or by name when no number
        is given): a name or postcode that differs, or a company no longer trading, is shown
        as a problem until the person confirms their answers. Without Companies House (not
        set up, or not answering) the form carries on as before."""
        cleaned = super().clean()
        # Not an organisation field: the views pass cleaned_data to the services as it is.
        self._confirmed = bool(cleaned.pop("companies_house_confirmed", False))
        self.companies_house_company = None
        if self.errors or not companies_house.configured():
            return cleaned
        name, postcode = cleaned.get("name", ""), cleaned.get("postcode", "")
        number = cleaned.get("companies_house_number", "")
        try:
            company = (companies_house.company_get(number) if number
                       else companies_house.exact_match(name))
        except companies_house.CompaniesHouseUnavailable:
            return cleaned
        if company is None:
            if number:
                self._warn(f"Companies House has no company numbered {number}. Check the "
                           "number, or leave it blank")
            return cleaned
        self.companies_house_company = company
        if not number:
            cleaned["companies_house_number"] = company.number
        differences = companies_house.mismatches(company, name=name, postcode=postcode)
        if differences:
            self._warn(f"Companies House has a different record for {company.number}: "
                       + "; ".join(differences)
                       + ". Check your answers, or confirm they are right")
        return cleaned

    def _warn(self, message: str) -> None:
        if self._confirmed:
            return
        self.fields["companies_house_confirmed"].widget = forms.CheckboxInput()
        self.add_error(None, message)

    def ask_confirm_different(self) -> None:
        """Ask whether the organisation is different from one that looks like it."""
        self.fields["confirm_different"] = forms.BooleanField(
            label="Yes, my organisation is a different one: create it", required=False,
        )


class PartnerEmployerForm(OrganisationForm):
    """Partner staff add an employer they work with."""

    email = forms.EmailField(
        label="Employer contact email (optional)", required=False,
        help_text="Used to match the organisation to records we already hold",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.co.uk"},
    )
    requires_employer_signoff = forms.TypedChoiceField(
        label="Must the employer sign off what you post for them?",
        choices=[("yes", "Yes, the employer signs off each opportunity"),
                 ("no", "No, we have the employer's agreement to post for them")],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": "Select whether the employer must sign off"},
    )

    field_order = ["name", "companies_house_number", "postcode", "email", "sector", "size_band",
                   "disability_confident", "website", "requires_employer_signoff",
                   "companies_house_confirmed"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postcode"].label = "Postcode of the employer's main site"
        self.fields["size_band"].required = False
        self.fields["sector"].required = False
        self.fields["sector"].label = "Sector (optional)"
        self.fields["size_band"].label = "Number of employees (optional)"


class RelationshipForm(GovUKForm):
    requires_employer_signoff = PartnerEmployerForm.base_fields["requires_employer_signoff"]


class PartnerRequestDecisionForm(GovUKForm):
    """An employer's admin answers a partner's request to act for the organisation."""

    decision = forms.ChoiceField(
        label="Do you want this partner to act for your organisation?", widget=forms.RadioSelect,
        choices=[("accept", "Yes, accept the request"), ("decline", "No, decline the request")],
        error_messages={"required": "Select whether you accept the request"},
    )
    reason = forms.CharField(
        label="Anything to tell the partner (optional)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="We will include this in the email we send them.",
    )


class CoordinatorApprovalForm(GovUKForm):
    """A coordinator answers a partner's request on the employer's behalf, giving a reason."""

    decision = forms.ChoiceField(
        label="What is your decision?", widget=forms.RadioSelect,
        choices=[("approve", "Approve: the partner may act for the employer"),
                 ("decline", "Decline the request")],
        error_messages={"required": "Select whether you approve the request"},
    )
    reason = forms.CharField(
        label="Reason", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to approve. For example, how the employer told you they agree. "
        "The employer and the partner will see it.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "approve" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for approving the request")
        return data


class SiteForm(GovUKForm):
    name = forms.CharField(
        label="Site name", max_length=120, help_text="For example, Head office or Stockton depot",
        error_messages={"required": "Enter a name for the site"},
    )
    postcode = PostcodeField(label="Postcode")


class ContactForm(GovUKForm):
    name = forms.CharField(label="Full name", max_length=120,
                           error_messages={"required": "Enter the contact's name"})
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)
    email = forms.EmailField(
        label="Email address", required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.co.uk"},
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("email") or data.get("phone")):
            self.add_error("email", "Enter an email address or a phone number for the contact")
        return data


class InviteForm(GovUKForm):
    email = forms.EmailField(
        label="Email address", help_text="We will email them a link to join",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the correct format, like name@example.co.uk",
        },
    )
    role = forms.ChoiceField(
        label="Role", widget=forms.RadioSelect,
        choices=[(MembershipRole.MEMBER, "Member: can register opportunities and review candidates"),
                 (MembershipRole.ADMIN, "Admin: can also manage the organisation and its members")],
        initial=MembershipRole.MEMBER, error_messages={"required": "Select a role"},
    )


class MemberRoleForm(GovUKForm):
    role = forms.ChoiceField(label="Role", choices=MembershipRole.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role"})


class JoinForm(GovUKForm):
    employer = forms.TypedChoiceField(
        label="Which organisation do you want to join?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation you want to join"},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [
            (e.pk, f"{e.name}{f' ({e.postcode})' if e.postcode else ''}") for e in candidates
        ]


class InteractionForm(GovUKForm):
    kind = forms.ChoiceField(
        label="How were you in touch?", widget=forms.RadioSelect,
        choices=[(k, lbl) for k, lbl in InteractionKind.choices
                 if k in {"phone", "email", "meeting", "visit", "note"}],
        error_messages={"required": "Select how you were in touch"},
    )
    happened_on = GovUKDateField(
        label="When?", help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date you were in touch"},
    )
    summary = forms.CharField(
        label="What happened?", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        error_messages={"required": "Enter what happened"},
    )

    def clean_happened_on(self):
        value = self.cleaned_data["happened_on"]
        if value > timezone.localdate():
            raise ValidationError("The date must be today or in the past")
        return value


class EmployerSearchForm(GovUKForm):
    q = forms.CharField(label="Search by name, postcode or Companies House number",
                        required=False, max_length=100)
