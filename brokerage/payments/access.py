"""Who may use the payments pages and actions, from ``portal.accounts.permissions``.

Kept below every other payments module (it imports none of them), so services, selectors and
views of each sub-package can use it without importing one another.
"""

from portal.accounts.permissions import (
    FINANCE_ROLES,
    access_required,
    can_see_finance,
    is_employer,
    is_finance_officer,
)

__all__ = [
    "FINANCE_ROLES",
    "can_see_finance",
    "employer_required",
    "finance_required",
    "is_finance_officer",
]

finance_required = access_required(can_see_finance, message=None)
employer_required = access_required(is_employer)
