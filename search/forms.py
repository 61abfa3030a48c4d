from django import forms

from brokerage.opportunities.models import OpportunityType
from brokerage.reference.choices import Sector
from portal.core.forms import GovUKForm
from search.backends.base import MatchFilters


class MatchFilterForm(GovUKForm):
    """Filters for both match lists; ``direction`` drops the fields that do not apply."""

    sector = forms.ChoiceField(label="Sector", required=False, choices=[("", "Any sector"), *Sector.choices])
    opportunity_type = forms.ChoiceField(
        label="Type of opportunity", required=False, choices=[("", "Any type"), *OpportunityType.choices]
    )
    within_miles = forms.IntegerField(
        label="Within (miles)", required=False, min_value=1, max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Distance must be a whole number of miles, like 10",
            "min_value": "Distance must be at least 1 mile",
            "max_value": "Distance must be 100 miles or fewer",
        },
    )
    include_getting_ready = forms.BooleanField(label="Include people who are getting ready", required=False)
    strong_only = forms.BooleanField(label="Strong matches only", required=False)

    def __init__(self, *args, direction: str, **kwargs):
        super().__init__(*args, **kwargs)
        if direction == "participants":
            del self.fields["opportunity_type"]
            self.fields["sector"].label = "Wants to work in"
        else:
            self.fields["include_getting_ready"].label = "Match even though they are getting ready"

    def filters(self) -> MatchFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return MatchFilters(
            sector=data.get("sector") or "",
            opportunity_type=data.get("opportunity_type") or "",
            within_miles=data.get("within_miles"),
            include_getting_ready=bool(data.get("include_getting_ready")),
            strong_only=bool(data.get("strong_only")),
        )


class ArchiveMatchForm(GovUKForm):
    reason = forms.CharField(
        label="Why is this not a good match? (optional)",
        help_text="Only people who can see this record will read this.",
        required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )


class SaveSearchForm(GovUKForm):
    name = forms.CharField(
        label="Name this search",
        max_length=120,
        error_messages={
            "required": "Enter a name for the search",
            "max_length": "The name must be 120 characters or fewer",
        },
    )


class StaffSearchForm(GovUKForm):
    q = forms.CharField(
        label="Search employers, opportunities, participants and pages", max_length=200, required=False,
        error_messages={"max_length": "Search for 200 characters or fewer"},
    )
