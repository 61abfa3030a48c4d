"""Money as people read it. Amounts are integer pence everywhere; this is the one place they
become pounds for display (the ``pence`` template filter, report tables, messages) or for a
form field or spreadsheet cell."""


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
