"""Reads of the flexible fund, scoped to who may see them.

A fund request is seen by whoever may see its participant (``participants_for_user``): the key
worker who holds them (or shares their care), and coordinators of the programme and area.
Employers, partner staff and other key workers see nothing (404). Budgets are seen by
coordinators (their programmes) and finance officers (their programmes, or all when none set).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from brokerage.participants.models import ActionItem, ActionKind, Participant
from brokerage.participants.selectors import participants_for_user
from brokerage.payments.models import (
    FundBudget,
    FundCatalogueItem,
    FundChange,
    FundChangeStatus,
    FundRequest,
    FundRequestStatus,
    Supplier,
)
from portal.accounts.permissions import (
    can_confirm_fund_changes,
    can_decide_fund_requests,
    can_see_budgets,
    can_use_fund,
)
from portal.accounts.roles import Role

# Who may use the fund is decided in portal/accounts/permissions.py; the short name is kept here.
can_decide = can_decide_fund_requests


def fund_requests_for_user(user) -> QuerySet[FundRequest]:
    if not can_use_fund(user):
        return FundRequest.objects.none()
    return FundRequest.objects.filter(
        participant__in=participants_for_user(user).values("pk")
    ).select_related("participant", "requested_by", "decided_by", "item", "supplier", "budget")


def fund_requests_for_participant(user, participant: Participant) -> QuerySet[FundRequest]:
    return fund_requests_for_user(user).filter(participant=participant)


def fund_request_for_user_or_404(user, participant: Participant, pk: int) -> FundRequest:
    try:
        return fund_requests_for_participant(user, participant).get(pk=pk)
    except FundRequest.DoesNotExist:
        raise Http404("No fund request found") from None


def fund_approvals_for_user(user) -> QuerySet[FundRequest]:
    """Requests waiting for a coordinator in the coordinator's programmes and areas."""
    if not can_decide(user):
        return FundRequest.objects.none()
    return fund_requests_for_user(user).filter(status=FundRequestStatus.REQUESTED).order_by("requested_at", "id")


def fund_approval_for_user_or_404(user, pk: int) -> FundRequest:
    if not can_decide(user):
        raise Http404("No fund request found")
    try:
        return fund_requests_for_user(user).get(pk=pk)
    except FundRequest.DoesNotExist:
        raise Http404("No fund request found") from None


def fund_budgets_for_user(user) -> QuerySet[FundBudget]:
    """Budgets with what is spent (card purchases and transfers) and how many requests wait."""
    if not can_see_budgets(user):
        return FundBudget.objects.none()
    budgets = FundBudget.objects.select_related("programme", "area")
    if not user.is_superuser:
        programme_ids = list(user.programmes.values_list("id", flat=True))
        if programme_ids or user.has_role(Role.COORDINATOR):
            budgets = budgets.filter(programme_id__in=programme_ids)
    return budgets.annotate(
        spent_total=Sum("requests__spent_pence", default=0),
        waiting=Count("requests", filter=Q(requests__status=FundRequestStatus.REQUESTED)),
    ).order_by("-ends_on", "programme__name", "area__name")


def fund_changes_for_user(user) -> QuerySet[FundChange]:
    """Proposed changes to budgets and limits, for those who see budgets (their programmes)."""
    if not can_see_budgets(user):
        return FundChange.objects.none()
    changes = FundChange.objects.select_related(
        "programme", "budget", "budget__area", "proposed_by", "decided_by"
    )
    if not user.is_superuser:
        programme_ids = list(user.programmes.values_list("id", flat=True))
        if programme_ids or user.has_role(Role.COORDINATOR):
            changes = changes.filter(programme_id__in=programme_ids)
    return changes


def fund_changes_waiting(user) -> QuerySet[FundChange]:
    waiting = fund_changes_for_user(user).filter(status=FundChangeStatus.PENDING)
    return waiting.order_by("proposed_at", "id")


def fund_change_for_finance_or_404(user, pk: int) -> FundChange:
    if not can_confirm_fund_changes(user):
        raise Http404("No change found")
    try:
        return fund_changes_for_user(user).get(pk=pk)
    except FundChange.DoesNotExist:
        raise Http404("No change found") from None


def catalogue_items() -> QuerySet[FundCatalogueItem]:
    return FundCatalogueItem.objects.filter(active=True).order_by("order", "name")


def barrier_actions(participant: Participant) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(participant=participant, kind=ActionKind.BARRIER).order_by("due_on", "id")


def payable_suppliers() -> QuerySet[Supplier]:
    return Supplier.objects.filter(
        active=True, stripe_account__payouts_enabled=True, stripe_account__details_submitted=True
    ).order_by("name")
