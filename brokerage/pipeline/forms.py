from decimal import Decimal
from typing import cast

from django import forms

from brokerage.pipeline.models import (
    ContractType,
    DecisionContext,
    InterviewFormat,
    MentoringOutcome,
    PayBasis,
    ProgressionKind,
    SupportMethod,
    SupportWith,
)
from brokerage.pipeline.reasons import reasons_clean, reasons_field_add
from brokerage.reference.choices import Sector
from portal.core.forms import GovUKDateField, GovUKForm

YES_NO = [("yes", "Yes"), ("no", "No")]


def _hours_field(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.5"),
        max_value=Decimal("80"),
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Enter hours a week as a number, like 16 or 37.5",
            "min_value": "Hours a week must be at least 0.5",
            "max_value": "Hours a week must be 80 or fewer",
        },
    )


class _OpportunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title}: {obj.employer.name}"


class _RouteWayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.hours} hours): interview with {obj.opportunity.employer.name}"


class ProposeForm(GovUKForm):
    opportunity = _OpportunityChoiceField(
        queryset=None,
        label="Opportunity",
        empty_label="Choose an opportunity",
        error_messages={
            "required": "Choose an opportunity",
            "invalid_choice": "Choose an opportunity from the list",
        },
    )
    note = forms.CharField(
        label="Note for the employer",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this person suits the role. Do not include their name or contact details.",
        error_messages={
            "required": "Enter a note for the employer about why this person suits the role"
        },
    )
    share_details_at_interview = forms.BooleanField(
        required=False,
        label=(
            "The person agrees that their name and contact "
            "details go to the employer if an interview is booked"
        ),
    )

    def __init__(self, *args, opportunities=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["opportunity"]).queryset = opportunities


class ReasonForm(GovUKForm):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter a reason"})


class DeclineForm(ReasonForm):
    """Declining a candidate: reasons from the list coordinators keep, and the employer's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reasons_field_add(self, context=DecisionContext.CANDIDATE_DECLINED, text_field="reason",
                          label="Why are you declining this candidate?")

    def clean(self):
        return reasons_clean(self, super().clean() or {})


class QuestionForm(GovUKForm):
    question = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The candidate's key worker will answer by email and on this page.",
        error_messages={"required": "Enter your question"},
    )


class AnswerForm(GovUKForm):
    answer = forms.CharField(label="Answer", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter your answer"})


class InterviewForm(GovUKForm):
    date = GovUKDateField(label="Interview date", help_text="For example, 27 3 2026",
                          error_messages={"required": "Enter the interview date"})
    time = forms.TimeField(
        label="Time",
        help_text="Use the 24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={
            "required": "Enter the interview time",
            "invalid": "Enter a time like 09:30 or 14:30",
        },
    )
    format = forms.ChoiceField(
        label="How will the interview take place?",
        choices=InterviewFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the interview will take place"},
    )
    location = forms.CharField(label="Address or video link", required=False, max_length=300,
                               help_text="Where to go, or how to join the call.")
    adjustments = forms.CharField(
        label="Adjustments you will make (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, step-free access, extra time or questions in advance.",
    )


class EmployerDecisionForm(GovUKForm):
    ACTIONS = [
        ("interviewed", "The interview took place"),
        ("no_show", "The candidate did not attend"),
        ("offer", "Offer the job"),
        ("decline", "Not successful"),
    ]
    action = forms.ChoiceField(label="What happened?", choices=ACTIONS, widget=forms.RadioSelect,
                               error_messages={"required": "Choose what happened"})
    reason = forms.CharField(
        label="Reason (needed if not successful or did not attend)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    #: The reasons offered with an interview outcome (the key worker's form has none).
    REASON_CONTEXT: str | None = DecisionContext.INTERVIEW_OUTCOME
    REASON_NEEDED_FOR = ("decline", "no_show")

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            c for c in self.ACTIONS if c[0] in allowed
        ]
        if self.REASON_CONTEXT and set(allowed) & set(self.REASON_NEEDED_FOR):
            reasons_field_add(self, context=self.REASON_CONTEXT, text_field="reason",
                              label="If they were not successful or did not attend, why?")

    def clean(self):
        cleaned = super().clean() or {}
        if self.REASON_CONTEXT:
            cleaned = reasons_clean(
                self, cleaned, needed=cleaned.get("action") in self.REASON_NEEDED_FOR
            )
        return cleaned


class KeyWorkerDecisionForm(EmployerDecisionForm):
    REASON_CONTEXT = None

    ACTIONS = [
        ("interviewed", "The interview took place"),
        ("no_show", "They did not attend the interview"),
        ("accept", "They accepted the offer"),
        ("refuse_offer", "They refused the offer"),
        ("withdraw", "Withdraw them"),
    ]
    reason = forms.CharField(
        label="Reason (needed to withdraw, refuse an offer or for a missed interview)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StartForm(GovUKForm):
    job_title = forms.CharField(
        label="Job title", max_length=160, error_messages={"required": "Enter the job title"}
    )
    start_date = GovUKDateField(label="Start date", help_text="For example, 2 3 2026",
                                error_messages={"required": "Enter the start date"})
    hours_per_week = _hours_field("Hours a week")
    contract_type = forms.ChoiceField(
        label="Contract",
        choices=ContractType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of contract"},
    )
    pay = forms.DecimalField(
        label="Pay in pounds (optional)",
        required=False,
        min_value=Decimal("0"),
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Enter pay as an amount, like 12.21"},
    )
    pay_basis = forms.ChoiceField(
        label="Pay is", required=False, choices=[("", "Not given"), *PayBasis.choices]
    )

    def ask_early_start(self) -> None:
        """Ask the key worker to confirm a start before the opportunity's own start date."""
        self.fields["confirm_before_opportunity_start"] = forms.BooleanField(
            label="Yes, they started before the opportunity's start date", required=False,
        )


class CheckpointConfirmForm(GovUKForm):
    still_employed = forms.ChoiceField(
        label="Do they still work for you?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if they still work for you"},
    )
    hours_per_week = _hours_field("If yes, how many hours a week do they work now?", required=False)
    left_on = GovUKDateField(
        label="If no, the date they left", required=False, help_text="For example, 14 2 2026"
    )
    leaving_reason = forms.CharField(label="If no, why did they leave? (optional)", required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if (
            data.get("still_employed") == "yes"
            and data.get("hours_per_week") is None
            and "hours_per_week" not in self.errors
        ):
            self.add_error("hours_per_week", "Enter the hours a week they work now")
        if (
            data.get("still_employed") == "no"
            and not data.get("left_on")
            and "left_on" not in self.errors
        ):
            self.add_error("left_on", "Enter the date they left")
        return data


class CheckpointEvidenceForm(CheckpointConfirmForm):
    still_employed = forms.ChoiceField(
        label="Are they still in this job?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if they are still in this job"},
    )
    hours_per_week = _hours_field("If yes, how many hours a week do they work now?", required=False)
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a payslip dated after the due date, or a call with the employer.",
        error_messages={"required": "Describe the evidence"},
    )


class LeaverForm(GovUKForm):
    left_on = GovUKDateField(
        label="Date they left", error_messages={"required": "Enter the date they left"}
    )
    reason = forms.CharField(label="Why they left", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Enter why they left"})


class ProgressionForm(GovUKForm):
    kind = forms.ChoiceField(
        label="Type of progression",
        choices=ProgressionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of progression"},
    )
    occurred_on = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date of the progression"}
    )
    details = forms.CharField(label="Details", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "Describe the progression"})
    evidence = forms.CharField(label="Evidence", widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="For example, a certificate, a new contract or a payslip.",
                               error_messages={"required": "Describe the evidence"})


class SupportForm(GovUKForm):
    happened_on = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date of the contact"}
    )
    with_whom = forms.ChoiceField(
        label="Contact with",
        choices=SupportWith.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the contact was with"},
    )
    method = forms.ChoiceField(
        label="How", choices=SupportMethod.choices, error_messages={"required": "Choose how"}
    )
    issues = forms.CharField(
        label="Issues raised", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label="Actions agreed", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RouteWayForm(GovUKForm):
    route_way = _RouteWayChoiceField(
        queryset=None,
        label="Route-way course",
        empty_label="Choose a course",
        error_messages={"required": "Choose the course they completed"},
    )
    completed_on = GovUKDateField(
        label="Date completed", error_messages={"required": "Enter the date they completed it"}
    )

    def __init__(self, *args, route_ways=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["route_way"]).queryset = route_ways


class MentorProfileForm(GovUKForm):
    employer: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, label="Organisation", empty_label=None
    )
    sectors = forms.MultipleChoiceField(
        label="Sectors you can talk about",
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one sector you can talk about"},
    )
    about = forms.CharField(
        label="About you",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you do and how you can help a young person find or keep a job.",
        error_messages={"required": "Tell mentees what you do and how you can help"},
    )
    trained_on = GovUKDateField(label="Date of your mentor training (if done)", required=False,
                                help_text="Mentees can choose you once you have been trained.")

    def __init__(self, *args, employers=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["employer"]).queryset = employers


class AgreementForm(GovUKForm):
    sector = forms.ChoiceField(label="Sector the mentoring is about", choices=Sector.choices,
                               error_messages={"required": "Choose a sector"})
    contact_method = forms.CharField(
        label="How you will keep in touch",
        max_length=200,
        help_text="For example, meet in person, with phone calls between",
        error_messages={"required": "Enter how you will keep in touch"},
    )
    place = forms.CharField(label="Where you will meet", max_length=200,
                            help_text="Meetings take place during business hours.",
                            error_messages={"required": "Enter where you will meet"})
    frequency = forms.CharField(
        label="How often",
        max_length=120,
        initial="Once a month, face to face",
        error_messages={"required": "Enter how often you will meet"},
    )
    covers = forms.CharField(
        label="What the mentoring will cover",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Finding or keeping a job: CV, interview skills and job search.",
        error_messages={"required": "Enter what the mentoring will cover"},
    )
    does_not_cover = forms.CharField(
        label="What it will not cover",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the mentoring will not cover"},
    )
    starts_on = GovUKDateField(
        label="Start date", error_messages={"required": "Enter the start date"}
    )
    ends_on = GovUKDateField(label="End date", help_text="Up to 6 months after the start.",
                             error_messages={"required": "Enter the end date"})

    def __init__(self, *args, sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        if sectors:
            cast(forms.ChoiceField, self.fields["sector"]).choices = [
                c for c in Sector.choices if c[0] in sectors
            ]


class MentoringContactForm(GovUKForm):
    happened_on = GovUKDateField(
        label="Date", error_messages={"required": "Enter the date of the contact"}
    )
    method = forms.ChoiceField(label="How", choices=SupportMethod.choices)
    summary = forms.CharField(
        label="What you talked about",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what you talked about"},
    )


class MentoringCloseForm(GovUKForm):
    outcomes = forms.MultipleChoiceField(label="Outcomes", choices=MentoringOutcome.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "Choose at least one outcome"})
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
