"""Reads of payout accounts: an employer's account and its status in plain English."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from brokerage.employers.models import EmployerMembership, MembershipRole
from brokerage.payments.models import StripeAccount

# --- employers --------------------------------------------------------------------------------


def payout_memberships_for_user(user) -> QuerySet[EmployerMembership]:
    """The organisations whose payout account this user manages (they are an admin)."""
    return (
        EmployerMembership.objects.filter(
            user=user, role=MembershipRole.ADMIN, employer__merged_into__isnull=True
        )
        .select_related("employer", "employer__stripe_account")
        .order_by("employer__name")
    )


def stripe_account_for_employer(employer) -> StripeAccount | None:
    return StripeAccount.objects.filter(employer=employer).first()


# --- plain-English account status -------------------------------------------------------------


@dataclass(frozen=True)
class PayoutStatus:
    key: str  # none, ready, checking, needs_details
    heading: str
    body: str
    tag: str
    tag_colour: str


def payout_status(account: StripeAccount | None) -> PayoutStatus:
    if account is None:
        return PayoutStatus(
            "none", "You have not set up a payout account yet",
            "Set one up so that incentive payments can be paid into your bank account.",
            "Not set up", "govuk-tag--grey",
        )
    if account.ready:
        return PayoutStatus(
            "ready", "Your payout account is ready",
            "Incentive payments will be paid into the bank account you gave Stripe.",
            "Ready", "govuk-tag--green",
        )
    if account.details_submitted and not account.requirements_due:
        return PayoutStatus(
            "checking", "Stripe is checking your details",
            "This usually takes a few minutes, sometimes a day or two. We will show it here "
            "when your account is ready. You do not need to do anything.",
            "Being checked", "govuk-tag--blue",
        )
    return PayoutStatus(
        "needs_details", "Stripe needs more details from you",
        "Continue with Stripe to give the details they ask for. Payments cannot be made "
        "until you do.",
        "Needs details", "govuk-tag--yellow",
    )
