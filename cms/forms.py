from django import forms

from brokerage.reference.models import Area, PartnerType


class PartnerDirectoryFilterForm(forms.Form):
    """Filters for the public partner directory (a GET form; unknown values are ignored).

    Rendered field by field in ``cms/partner_directory_page.html`` as GOV.UK selects.
    """

    partner_type = forms.ChoiceField(
        label="Type of organisation",
        choices=[("", "All types")] + list(PartnerType.choices),
        required=False,
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        empty_label="All areas",
        required=False,
        to_field_name="slug",
    )
