"""Employers' and suppliers' Stripe connected accounts (payout accounts): created once, linked
for onboarding, and their status kept (an older snapshot never overwrites a newer one).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import Employer
from brokerage.payments.models import (
    StripeAccount,
    Supplier,
)
from brokerage.payments.stripe import gateway
from portal.accounts.models import User

logger = logging.getLogger(__name__)

# --- connected accounts -----------------------------------------------------------------------


def _apply_account_status(
    account: StripeAccount, status: gateway.ConnectedAccount, as_of
) -> bool:
    """Copy Stripe's status onto the row unless we already hold a newer one. Row is locked."""
    if account.status_as_of and as_of and as_of < account.status_as_of:
        return False
    account.charges_enabled = status.charges_enabled
    account.payouts_enabled = status.payouts_enabled
    account.details_submitted = status.details_submitted
    account.requirements_due = status.requirements_due
    account.disabled_reason = status.disabled_reason
    account.status_as_of = as_of or timezone.now()
    account.save()
    return True


def employer_payout_account_start(*, employer: Employer, actor: User | None) -> StripeAccount:
    """The employer's connected account, created in Stripe the first time only.

    The employer row is locked while we look, and the Stripe call carries a key derived from
    the employer, so a double click or two tabs still make one account.
    """
    return _payout_account_start(
        owner=employer, kind="employer", email=getattr(actor, "email", ""), actor=actor,
        summary=f"Stripe payout account created for {employer.name}", acting_for=employer.name,
    )


def supplier_payout_account_start(*, supplier: Supplier, actor: User | None) -> StripeAccount:
    """A registered supplier's connected account, created once (as for employers)."""
    return _payout_account_start(
        owner=supplier, kind="supplier", email=supplier.email, actor=actor,
        summary=f"Stripe payout account created for supplier {supplier.name}",
    )


def _payout_account_start(
    *, owner: Employer | Supplier, kind: str, email: str, actor: User | None, summary: str,
    acting_for: str = "",
) -> StripeAccount:
    """One connected account per owner (``kind`` is the ``StripeAccount`` field that holds it):
    the owner's row locked while we look, the Stripe call keyed by the owner."""
    with transaction.atomic():
        type(owner).objects.select_for_update(of=("self",)).filter(pk=owner.pk).first()
        existing = StripeAccount.objects.filter(**{kind: owner}).first()
        if existing is not None:
            return existing
        created = gateway.connected_account_create(
            email=email,
            business_name=owner.name,
            metadata={f"portal_{kind}_id": str(owner.pk)},
            idempotency_key=f"portal-{kind}-{owner.pk}-connect-account",
        )
        account, _ = StripeAccount.objects.get_or_create(
            **{kind: owner}, defaults={"account_id": created.id}
        )
        _apply_account_status(account, created, timezone.now())
        audit_event_record(
            actor=actor, action="payments.payout_account_created", obj=account, summary=summary,
            data={"account_id": created.id}, acting_for=acting_for,
        )
    return account


def payout_account_link(*, account: StripeAccount, refresh_url: str, return_url: str) -> str:
    """A fresh Stripe onboarding link (they expire after a few minutes)."""
    return gateway.account_link_create(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )


def payout_account_refresh(*, account: StripeAccount, actor: User | None = None) -> StripeAccount:
    """Ask Stripe for the account's status now (e.g. when its owner comes back from Stripe)."""
    status = gateway.connected_account_retrieve(account.account_id)
    with transaction.atomic():
        locked = StripeAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)
        was_ready = locked.ready
        _apply_account_status(locked, status, timezone.now())
        if locked.ready != was_ready:
            audit_event_record(
                actor=actor,
                action="payments.payout_account_status",
                obj=locked,
                summary=f"Payout account {'ready' if locked.ready else 'needs more details'}",
                data={"payouts_enabled": locked.payouts_enabled},
            )
    return locked
