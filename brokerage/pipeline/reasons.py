"""Decisions with reasons: pick from the reasons coordinators keep (``DecisionReason``), add
your own words, and the decision carries both as one reason the other side reads.

A form calls ``reasons_field_add(form, context=..., text_field=...)`` in ``__init__`` and
``reasons_clean(form, cleaned)`` in ``clean()``: the text field then holds the picked reasons
followed by the person's words (what the key worker or the employer reads), and
``cleaned["decision_reasons"]`` holds the picked ``DecisionReason`` rows, which the service that
records the decision keeps as data (``ProposalEvent.reasons``). ``reasons_parse`` splits such a
text back into the picked labels and the words.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from brokerage.pipeline.models import DecisionReason

REASONS_FIELD = "reasons"
#: The cleaned-data key that holds the picked ``DecisionReason`` rows.
PICKED = "decision_reasons"


def reasons_for(context: str) -> list[DecisionReason]:
    return list(DecisionReason.objects.filter(context=context, active=True))


def reasons_text(labels: list[str], words: str) -> str:
    """'Reason one; reason two. Their own words' (either part may be missing)."""
    words = (words or "").strip()
    picked = "; ".join(labels)
    if picked and words:
        return f"{picked}. {words}"
    return picked or words


def reasons_parse(text: str, labels: Iterable[str]) -> tuple[list[str], str]:
    """Split a ``reasons_text`` answer into the labels it starts with and the words after them.

    Only ``labels`` are recognised (so a label renamed since, or words that merely look like a
    label, stay in the words).
    """
    text = (text or "").strip()
    known = sorted(set(labels), key=len, reverse=True)  # the longest match first
    found: list[str] = []
    rest = text
    while rest:
        for label in known:
            if rest == label:
                return [*found, label], ""
            if rest.startswith(label + "; ") and label not in found:
                found.append(label)
                rest = rest[len(label) + 2:]
                break
            if rest.startswith(label + ". ") and label not in found:
                return [*found, label], rest[len(label) + 2:].strip()
        else:
            break
    return [], text  # no labels, or labels not followed by words as we write them


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
    cleaned[PICKED] = picked
    return cleaned
