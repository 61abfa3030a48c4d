"""Decisions with reasons: pick from the reasons coordinators keep (``DecisionReason``), add
your own words, and the decision carries both as one reason the other side reads.

A form calls ``reasons_field_add(form, context=..., text_field=...)`` in ``__init__`` and
``reasons_clean(form, cleaned)`` in ``clean()``: the text field then holds the picked reasons
followed by the person's words, so the services that record the decision, and the pages that
show it to the key worker or the employer, need nothing new.
"""

from __future__ import annotations

from django import forms

from brokerage.pipeline.models import DecisionReason

REASONS_FIELD = "reasons"


def reasons_for(context: str) -> list[DecisionReason]:
    return list(DecisionReason.objects.filter(context=context, active=True))


def reasons_text(labels: list[str], words: str) -> str:
    """'Reason one; reason two. Their own words' (either part may be missing)."""
    words = (words or "").strip()
    picked = "; ".join(labels)
    if picked and words:
        return f"{picked}. {words}"
    return picked or words


def reasons_field_add(form: forms.Form, *, context: str, text_field: str,
                      label: str = "Why?", required: bool = True) -> None:
    """Add the reasons checkboxes before ``text_field`` (which becomes 'more detail')."""
    reasons = reasons_for(context)
    form._reasons = {str(r.pk): r for r in reasons}  # type: ignore[attr-defined]
    form._reasons_text_field = text_field  # type: ignore[attr-defined]
    form._reasons_required = required  # type: ignore[attr-defined]
    if not reasons:
        return
    form.fields[REASONS_FIELD] = forms.MultipleChoiceField(
        label=label, help_text="Select all that apply.", required=False,
        choices=[(str(r.pk), r.label) for r in reasons], widget=forms.CheckboxSelectMultiple,
    )
    text = form.fields[text_field]
    text.required = False
    if required:
        text.label = "More detail (optional unless you chose another reason)"
    order = list(form.fields)
    order.remove(REASONS_FIELD)
    order.insert(order.index(text_field), REASONS_FIELD)
    form.order_fields(order)


def reasons_clean(form: forms.Form, cleaned: dict, *, needed: bool = True) -> dict:
    """Check the reasons (when ``needed``) and put them into the text field's answer."""
    reasons = getattr(form, "_reasons", {})
    text_field = getattr(form, "_reasons_text_field", "reason")
    chosen = set(cleaned.get(REASONS_FIELD) or [])
    picked = [reason for pk, reason in reasons.items() if pk in chosen]  # in the list's order
    words = (cleaned.get(text_field) or "").strip()
    if needed and reasons and getattr(form, "_reasons_required", True):
        if not picked and not words:
            form.add_error(REASONS_FIELD, "Enter a reason or select one from the list")
        elif any(r.needs_explanation for r in picked) and not words:
            form.add_error(text_field, "Say what the other reason is")
    cleaned[text_field] = reasons_text([r.label for r in picked], words)
    return cleaned
