"""Kept for imports not yet moved: the view decorators live in ``portal.accounts.permissions``."""

from portal.accounts.permissions import access_required, role_required

__all__ = ["access_required", "role_required"]
