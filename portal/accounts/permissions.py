"""Who may do what by role: every yes/no role check, and the one view decorator.

Each check takes the ``actor`` as it comes (a ``User``, Django's ``AnonymousUser`` or ``None`` for
the system) and answers ``False`` for anyone not signed in, so callers never test
``is_authenticated`` themselves. Superusers hold every role (``User.has_role``), except where a
check says the person must hold the role themselves.

These checks decide which pages and actions someone may use. Which *records* they may see is
decided by each app's selectors (who can see a participant: ``brokerage/participants/visibility.py``),
and a record the user may not see is a 404 there.

Views use ``access_required(check, ...)`` or its shorthand ``role_required(*roles)``: anonymous
users are sent to sign in, signed-in users failing the check get the 403 page with ``message``
(or a 404 with ``hide=True``, where even the page's existence is not to be revealed).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.accounts.roles import STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

#: Whoever is acting: a signed-in user, an anonymous visitor, or ``None`` (the system).
Actor: TypeAlias = "User | AnonymousUser | None"

DEFAULT_MESSAGE = "You do not have access to this page"

#: The permission (given in the admin) that makes a partner's staff member a partner admin.
MANAGE_API_TOKENS = "api.manage_api_tokens"

# Who may use each part of the portal, by role.
CASELOAD_ROLES = (Role.KEY_WORKER, Role.COORDINATOR)
REFERRER_ROLES = (Role.KEY_WORKER, Role.COORDINATOR, Role.PARTNER_STAFF)
INBOX_ROLES = (Role.PARTNER_STAFF, Role.COORDINATOR)
REPORT_ROLES = (Role.COORDINATOR, Role.FINANCE_OFFICER)
FINANCE_ROLES = (Role.FINANCE_OFFICER, Role.COORDINATOR)
BUDGET_ROLES = (Role.COORDINATOR, Role.FINANCE_OFFICER)


# --- who is acting ----------------------------------------------------------------------------

def is_signed_in(actor: Actor) -> TypeGuard[User]:
    """A signed-in user (not an anonymous visitor, not the system)."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def is_active_user(actor: Actor) -> TypeGuard[User]:
    """A signed-in user whose account is active."""
    return is_signed_in(actor) and actor.is_active


def recorded_actor(actor: Actor) -> User | None:
    """The user to record as having done something: ``None`` for anonymous visitors and the system."""
    return actor if is_signed_in(actor) else None


def has_role(actor: Actor, *roles: str) -> bool:
    """Signed in, active and holding any of ``roles`` (superusers hold every role)."""
    return is_signed_in(actor) and actor.has_role(*roles)


def holds_role(actor: Actor, role: str) -> bool:
    """Signed in, active and given ``role`` themselves (a superuser without it does not)."""
    return is_active_user(actor) and role in actor.roles


# --- the checks -------------------------------------------------------------------------------

def is_employer(actor: Actor) -> bool:
    return has_role(actor, Role.EMPLOYER)


def is_coordinator(actor: Actor) -> bool:
    """Coordinators run programmes: assign records, override eligibility, import referrals,
    decide flexible-fund requests."""
    return has_role(actor, Role.COORDINATOR)


def is_finance_officer(actor: Actor) -> bool:
    """Finance officers check and pay incentives, confirm fund changes, resolve the outbox."""
    return has_role(actor, Role.FINANCE_OFFICER)


def is_portal_staff(actor: Actor) -> bool:
    """Any staff role (partner staff, key workers, coordinators, finance, editors)."""
    return has_role(actor, *STAFF_ROLES)


def can_use_caseload(actor: Actor) -> bool:
    """Key workers and coordinators: the caseload, participant records and matching."""
    return has_role(actor, *CASELOAD_ROLES)


def can_match(actor: Actor) -> bool:
    """Key workers and coordinators match people and opportunities."""
    return can_use_caseload(actor)


def can_refer(actor: Actor) -> bool:
    """Key workers, coordinators and partner staff take referrals."""
    return has_role(actor, *REFERRER_ROLES)


def can_request_care(actor: Actor) -> bool:
    """Only key workers (holding the role themselves) ask for a transfer or shared care
    (``brokerage.participants.rules.care_requester_check``)."""
    return holds_role(actor, Role.KEY_WORKER)


def can_use_inbox(actor: Actor) -> bool:
    """Partner staff and coordinators have an enquiry inbox."""
    return has_role(actor, *INBOX_ROLES)


def can_see_reports(actor: Actor) -> bool:
    """Coordinators and finance officers see targets against actuals."""
    return has_role(actor, *REPORT_ROLES)


def can_see_finance(actor: Actor) -> bool:
    """Finance officers and coordinators see the ledger, payment runs and incentive claims."""
    return has_role(actor, *FINANCE_ROLES)


def can_use_fund(actor: Actor) -> bool:
    """Key workers and coordinators ask the flexible fund for a participant."""
    return has_role(actor, *CASELOAD_ROLES)


def can_see_budgets(actor: Actor) -> bool:
    """Coordinators and finance officers see flexible-fund budgets."""
    return has_role(actor, *BUDGET_ROLES)


def can_decide_fund_requests(actor: Actor) -> bool:
    """Coordinators approve or refuse flexible-fund requests."""
    return is_coordinator(actor)


def can_confirm_fund_changes(actor: Actor) -> bool:
    """A finance officer confirms a budget change (not the one who asked for it)."""
    return is_finance_officer(actor)


def can_manage_api_tokens(actor: Actor) -> bool:
    """A partner admin: active, works for a partner and holds ``MANAGE_API_TOKENS``."""
    return bool(is_active_user(actor) and actor.partner_id and actor.has_perm(MANAGE_API_TOKENS))


# --- views ------------------------------------------------------------------------------------

def access_required(
    check: Callable[[Actor], bool], *, message: str | None = DEFAULT_MESSAGE, hide: bool = False
) -> Callable:
    """Decorate a view so only signed-in users passing ``check`` may use it.

    Anonymous users are redirected to sign in. Others get the 403 page showing ``message``
    (``None``: the page's own wording), or a 404 when ``hide`` is true.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                if hide:
                    raise Http404("Page not found")
                raise PermissionDenied(message) if message is not None else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_required(*roles: str, message: str = DEFAULT_MESSAGE, hide: bool = False) -> Callable:
    """Signed-in users holding any of ``roles`` may use the view; others get 403 (or 404).

    Which objects they may see is still decided by each app's selectors (404 for the rest).
    """
    return access_required(lambda actor: has_role(actor, *roles), message=message, hide=hide)
