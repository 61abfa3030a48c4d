"""Money as people read and write it. Amounts are integer pence everywhere; this is the one place
they become pounds for display (the ``pence`` template filter, report tables, messages) or for a
form field or spreadsheet cell, and the one place pounds typed by a person become pence."""

import re

from django.core.exceptions import ValidationError

# Pounds, with commas only between groups of three digits, then a point and at most two digits of
# pence: "1,234.50", "12", "12.5". Nothing else is guessed at.
_AMOUNT = re.compile(r"^(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$")
# Digits, points and commas that are not pounds and pence written that way: a decimal comma
# ("12,50", "1.234,56"), three or more decimals, a point or comma out of place.
_AMBIGUOUS = re.compile(r"^[\d.,]*\d[\d.,]*$")


def pence_display(pence: int) -> str:
    """Pounds and pence with a pound sign: 123450 -> '£1,234.50'; -5 -> '-£0.05'."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def pence_as_pounds(pence: int) -> str:
    """Pounds and pence as a plain number, for a form field or a CSV cell: 123450 -> '1234.50'."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{pennies:02d}"


def pounds_to_pence(
    text, *, what: str = "amount", example: str = "£45.00", like: str = "12.50",
    maximum_pence: int | None = None,
) -> int:
    """'£12.50', '12.50', '12.5', '12', '1,250.00' -> pence, or a ValidationError a person can act
    on ("Enter the amount, for example £45.00"). An amount that could be read two ways ("12,50",
    "1.234,56", "12.505") is refused and the person told how to write it, never read as something
    else. ``what`` names the amount in messages; ``maximum_pence`` is the most it may be."""
    raw = str(text if text is not None else "").strip()
    if raw.startswith("£"):
        raw = raw[1:].strip()
    if not raw:
        raise ValidationError(f"Enter the {what}, for example {example}", code="required")
    if raw.startswith("-") and _AMOUNT.match(raw[1:]):
        raise ValidationError(f"The {what} must be more than £0", code="min_value")
    match = _AMOUNT.match(raw)
    if match is None:
        if _AMBIGUOUS.match(raw):
            raise ValidationError(f"Enter the {what} in pounds and pence, like {like}", code="invalid")
        raise ValidationError(f"Enter the {what} in pounds and pence, for example {example}", code="invalid")
    pounds, pennies = match["pounds"].replace(",", ""), (match["pence"] or "0").ljust(2, "0")
    amount = int(pounds) * 100 + int(pennies)
    if amount <= 0:
        raise ValidationError(f"The {what} must be more than £0", code="min_value")
    if maximum_pence is not None and amount > maximum_pence:
        raise ValidationError(f"The {what} must be {pence_display(maximum_pence)} or less", code="max_value")
    return amount
