"""How an opportunity's answers read on check-answers, preview and moderation pages."""

from dataclasses import dataclass, field
from decimal import Decimal

from brokerage.opportunities.forms import OpportunityForm
from brokerage.opportunities.models import FieldComment, Opportunity, PayBasis, TargetGroup
from brokerage.opportunities.rules import safeguarding_needs, type_spec
from brokerage.reference.apprenticeships import apprenticeship_standard
from brokerage.reference.choices import Adjustment, Licence
from portal.core.money import pence_display


@dataclass
class AnswerRow:
    name: str
    label: str
    value: str
    comments: list[FieldComment] = field(default_factory=list)


def _labels(choices, values) -> str:
    lookup = dict(choices)
    return ", ".join(str(lookup.get(v, v)) for v in values or []) or "None"


def pay_display(opp: Opportunity) -> str:
    if not opp.paid:
        return "Unpaid"
    if opp.pay_pence is None:
        return "Paid (amount not given)"
    pounds = pence_display(opp.pay_pence)
    return f"{pounds} {PayBasis(opp.pay_basis).label}" if opp.pay_basis else pounds


def _value(opp: Opportunity, name: str) -> str:
    value = getattr(opp, name, None)
    if name == "strand":
        return (
            f"{opp.strand.programme.name}: {opp.strand.name}"
            if opp.strand
            else "Not part of a programme"
        )
    if name == "pay_pence":
        return pay_display(opp)
    if name == "paid":
        return "Yes" if opp.paid else "No"
    if name in ("start_date", "closing_date"):
        if name == "closing_date" and opp.rolling:
            return "Rolling (no closing date)"
        return f"{value:%-d %B %Y}" if value else "Not given"
    if name == "postcode":
        if opp.remote:
            return f"Remote{f' (based at {opp.postcode})' if opp.postcode else ''}"
        return value or "Not given"
    if name == "target_groups":
        return _labels(TargetGroup.choices, value)
    if name == "required_licences":
        return _labels(Licence.choices, value)
    if name == "adjustments":
        return _labels(Adjustment.choices, value)
    if name in ("essential_skills", "desirable_skills"):
        return ", ".join(value or []) or "None"
    if name == "apprenticeship_standard":
        standard = apprenticeship_standard(value or "")
        if standard:
            return standard.label
        return value or "Not given"
    if name == "off_the_job_hours_per_week":
        return f"{value.normalize():f} hours a week" if value is not None else "Not given"
    if name in OpportunityForm.FILE_FIELDS:
        return "Uploaded" if value else "Not uploaded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    display = getattr(opp, f"get_{name}_display", None)
    if display:
        return str(display()) or "Not given"
    if value in (None, ""):
        return "Not given"
    if isinstance(value, Decimal):
        return f"{value:g}"
    return str(value)


# Fields shown as part of another row.
_MERGED = {"remote", "rolling", "pay_basis", "paid"}


def answer_rows(opp: Opportunity, *, comments=None) -> list[AnswerRow]:
    """One row per answer the type asks for, in form order, with open comments attached."""
    form = OpportunityForm(opportunity_type=opp.opportunity_type)
    by_field: dict[str, list[FieldComment]] = {}
    for comment in comments if comments is not None else []:
        by_field.setdefault(comment.field_name, []).append(comment)
    rows = [AnswerRow("opportunity_type", "Type", opp.get_opportunity_type_display())]
    for name, form_field in form.fields.items():
        if name in _MERGED:
            continue
        label = str(form_field.label).removesuffix(" (optional)")
        if name == "pay_pence":
            label = "Pay"
        if name == "postcode":
            label = "Where"
        rows.append(AnswerRow(name, label, _value(opp, name), by_field.get(name, [])))
    for name in ("paid", "pay_basis", "remote", "rolling"):
        if by_field.get(name):  # a comment on a merged answer still shows
            target = {
                "paid": "pay_pence",
                "pay_basis": "pay_pence",
                "remote": "postcode",
                "rolling": "closing_date",
            }[name]
            for row in rows:
                if row.name == target:
                    row.comments.extend(by_field[name])
    return rows


def field_labels(opportunity_type: str) -> dict[str, str]:
    rows = answer_rows(Opportunity(opportunity_type=opportunity_type, title=""))
    return {row.name: row.label for row in rows if row.name != "opportunity_type"}


@dataclass
class SafeguardingRow:
    label: str
    value: str
    evidence: str = ""  # the evidence view's kind, when a file can be downloaded
    missing: bool = False  # needed before anyone is placed, and not given


@dataclass
class SafeguardingSummary:
    under_18: bool
    rows: list[SafeguardingRow]

    @property
    def complete(self) -> bool:
        return not any(row.missing for row in self.rows)


def safeguarding_summary(opp: Opportunity) -> SafeguardingSummary | None:
    """What a key worker checks before proposing anyone for work experience (None otherwise)."""
    if not type_spec(opp.opportunity_type).safeguarding:
        return None
    needs = safeguarding_needs(opp)
    supervisor = (opp.supervisor_name or "").strip()
    rows = [
        SafeguardingRow(
            "Named supervisor", supervisor or "Not given",
            missing=needs["supervisor"] and not supervisor,
        ),
        SafeguardingRow(
            "Risk assessment", "Uploaded" if opp.risk_assessment else "Not uploaded",
            evidence="risk-assessment" if opp.risk_assessment else "",
            missing=needs["risk_assessment"] and not opp.risk_assessment,
        ),
        SafeguardingRow(
            "Employer's liability insurance",
            "Confirmed by the employer" if opp.insurance_confirmed else "Not confirmed",
            missing=needs["insurance"] and not opp.insurance_confirmed,
        ),
        SafeguardingRow(
            "Insurance certificate",
            "Uploaded" if opp.insurance_certificate else "Not uploaded",
            evidence="insurance-certificate" if opp.insurance_certificate else "",
            missing=needs["insurance"] and not opp.insurance_certificate,
        ),
    ]
    return SafeguardingSummary(under_18=needs["supervisor"], rows=rows)
