"""Flexible fund services: request, approve or refuse, pay through Stripe, record the receipt.

Rules (seed 000, Routes to Work): the fund removes barriers to work "not funded elsewhere", so a
key worker says which barrier a request removes and why it is not available elsewhere; it must
be "immediately responsive and not bureaucratic", so requests up to the programme's limit
(£100 unless the programme's fund settings say otherwise) that the budget can cover are
approved at once, and larger ones go to a coordinator, who may not approve their own request.
Nobody approves their own request by any path: a coordinator's own request is never approved at
once, and a budget's amount or a programme's limit changes only when a finance officer other than
the person who proposed the change confirms it (``fund_change_*``; the admin saves through them).

The budget is committed at approval, in the same transaction, with the budget row locked and
an F() update of the committed column alone, so two requests approved at the same moment can
never overspend it and a budget edit at the same moment can never undo a commitment (and a
database check stands behind the code). Card and transfer idempotency keys are derived from the
request id, so a double click, a retried task or two workers make one card or one transfer in
Stripe.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.participants.models import ActionItem, ActionKind, Participant, ParticipantStatus
from brokerage.payments.ledger.services import ledger_entry_record
from brokerage.payments.models import (
    DEFAULT_AUTO_APPROVE_LIMIT_PENCE,
    AttentionCode,
    FundBudget,
    FundCardholder,
    FundCatalogueItem,
    FundCategory,
    FundChange,
    FundChangeKind,
    FundChangeStatus,
    FundPaymentMethod,
    FundRequest,
    FundRequestStatus,
    FundSettings,
    IntentKind,
    IssuingTransaction,
    LedgerKind,
    Supplier,
)
from brokerage.payments.outbox import services as outbox
from brokerage.payments.stripe import gateway
from portal.accounts.models import User
from portal.accounts.permissions import is_signed_in, recorded_actor
from portal.accounts.roles import Role
from portal.core import money
from portal.core.files import (
    FileRule,
    private_file_delete,
    private_file_replace,
    private_file_validate,
)
from portal.core.money import pence_display

logger = logging.getLogger(__name__)

MAX_REQUEST_PENCE = 100_000_00  # £100,000: anything above is a typing mistake
RECEIPT_RULE = FileRule(noun="receipt")  # a PDF, JPG or PNG, smaller than 10MB
QUOTE_RULE = FileRule(noun="quote")
# A quote is what the key worker was offered before buying: it can be attached until it is paid.
QUOTE_STATUSES = (FundRequestStatus.REQUESTED, FundRequestStatus.APPROVED)
# Where cards are billed: the Routes to Work team's office (Stripe needs a billing address).
CARDHOLDER_ADDRESS = {
    "line1": "Municipal Buildings, Church Road",
    "city": "Stockton-on-Tees",
    "postal_code": "TS18 1LD",
}


class FundRequestAlreadyDecided(ValidationError):
    """The request is no longer waiting (e.g. a second click on Approve)."""


# --- money ------------------------------------------------------------------------------------


def pounds_to_pence(text) -> int:
    """A fund request's amount typed in pounds, as pence: the portal's one reading of pounds
    (``portal.core.money.pounds_to_pence``) with the flexible fund's maximum."""
    return money.pounds_to_pence(text, maximum_pence=MAX_REQUEST_PENCE)


# --- rules ------------------------------------------------------------------------------------


def auto_approve_limit_pence(programme) -> int:
    """The limit in force: a change waiting for finance's confirmation does not count yet."""
    settings_row = FundSettings.objects.filter(programme=programme).first()
    return settings_row.auto_approve_limit_pence if settings_row else DEFAULT_AUTO_APPROVE_LIMIT_PENCE


def fund_approves_at_once(*, actor: User, programme, amount_pence: int) -> bool:
    """A request is approved at once when it is within the programme's limit, unless the person
    asking could decide requests themselves (a coordinator): nobody approves their own request,
    by the limit or otherwise, so a coordinator's request always goes to another coordinator."""
    if is_signed_in(actor) and actor.has_role(Role.COORDINATOR):
        return False
    return amount_pence <= auto_approve_limit_pence(programme)


def fund_budget_for(participant: Participant, *, on=None) -> FundBudget | None:
    """The budget a participant's request draws on today: their area's, else the programme's."""
    on = on or timezone.localdate()
    budgets = FundBudget.objects.filter(
        programme_id=participant.programme_id, starts_on__lte=on, ends_on__gte=on
    )
    if participant.area_id:
        area_budget = budgets.filter(area_id=participant.area_id).order_by("-starts_on").first()
        if area_budget is not None:
            return area_budget
    return budgets.filter(area__isnull=True).order_by("-starts_on").first()


def _no_budget_message(participant) -> str:
    where = f" in {participant.area.name}" if participant.area_id else ""
    return (
        f"There is no flexible fund budget for {participant.programme}{where} today. "
        "Ask your coordinator to set one up."
    )


def _too_little_message(budget: FundBudget, amount_pence: int) -> str:
    return (
        f"The flexible fund has {pence_display(budget.remaining_pence)} left for this programme and "
        f"area, not enough for {pence_display(amount_pence)}. Ask your coordinator."
    )


def _can_request(actor: User) -> bool:
    return bool(is_signed_in(actor) and actor.has_role(Role.KEY_WORKER, Role.COORDINATOR))


def fund_request_problems(
    *, participant, actor: User, category, item, barrier, action, amount_pence, description,
    justification, not_available_elsewhere, payment_method, supplier,
) -> dict[str, list[str]]:
    """Every rule a new request breaks, by field (empty when none)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if participant.status in (ParticipantStatus.ERASED, ParticipantStatus.CLOSED):
        add("__all__", "The fund cannot be used for a participant whose record is closed.")
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence <= 0:
        add("amount", "The amount must be more than £0")
    elif amount_pence > MAX_REQUEST_PENCE:
        add("amount", f"The amount must be {pence_display(MAX_REQUEST_PENCE)} or less")
    if category not in FundCategory.values:
        add("category", "Select what the money is for")
    if item is not None:
        if not item.active:
            add("item", "That catalogue item is no longer offered; choose another")
        elif category and item.category != category:
            add("item", f"{item.name} is not in the category you chose")
        elif item.max_amount_pence and isinstance(amount_pence, int) and amount_pence > item.max_amount_pence:
            add("amount", f"{item.name} can be funded up to {pence_display(item.max_amount_pence)}")
    if not barrier:
        add("barrier", "Select the barrier this removes")
    if action is not None and (action.participant_id != participant.pk or action.kind != ActionKind.BARRIER):
        add("action", "Choose a barrier action from this participant's action plan")
    if not (description or "").strip():
        add("description", "Enter what the money is for")
    if category == FundCategory.OTHER and not (justification or "").strip():
        add("justification", "Explain why this is needed to remove a barrier to work")
    if not (not_available_elsewhere or "").strip():
        add("not_available_elsewhere", "Explain why this is not available from another service or fund")
    if payment_method not in FundPaymentMethod.values:
        add("payment_method", "Select how it will be paid")
    elif payment_method == FundPaymentMethod.SUPPLIER:
        account = getattr(supplier, "stripe_account", None) if supplier is not None else None
        if supplier is None:
            add("supplier", "Select the registered supplier to pay")
        elif not supplier.active:
            add("supplier", f"{supplier.name} is no longer a registered supplier")
        elif account is None or not account.ready:
            add("supplier", f"{supplier.name} cannot be paid yet: their payout account is not ready")
    # A first look at the budget, so the key worker hears at once; submitting checks it again
    # with the budget row locked.
    budget = fund_budget_for(participant)
    if budget is None:
        add("__all__", _no_budget_message(participant))
    elif "amount" not in errors and isinstance(amount_pence, int) and amount_pence > budget.remaining_pence:
        add("amount", _too_little_message(budget, amount_pence))
    return errors


def fund_request_submit(
    *,
    participant: Participant,
    actor: User,
    category: str,
    barrier: str,
    description: str,
    amount_pence: int,
    not_available_elsewhere: str,
    payment_method: str,
    item: FundCatalogueItem | None = None,
    action: ActionItem | None = None,
    justification: str = "",
    supplier: Supplier | None = None,
    submission_key: str | None = None,
    quote=None,
) -> FundRequest:
    """Record a request; approve it at once when it is within the programme's limit.

    The caller has already checked the actor may see the participant (selectors). Raises
    ``ValidationError`` (with a message per field) and saves nothing when a rule is broken,
    including when the budget has too little left. ``submission_key`` identifies one sending of
    the request: sent again (a double click, two tabs), the request already recorded is returned
    and nothing new is saved.
    """
    if not _can_request(actor):
        raise ValidationError("Only key workers and coordinators can request money from the fund.")
    errors = fund_request_problems(
        participant=participant, actor=actor, category=category, item=item, barrier=barrier,
        action=action, amount_pence=amount_pence, description=description,
        justification=justification, not_available_elsewhere=not_available_elsewhere,
        payment_method=payment_method, supplier=supplier,
    )
    if errors:
        raise ValidationError(errors)
    if quote:
        try:
            quote_validate(quote)
        except ValidationError as exc:
            raise ValidationError({"quote": exc.messages}) from None
    stored: list[str] = []
    try:
        return _submit(
            participant=participant, actor=actor, category=category, barrier=barrier,
            description=description, amount_pence=amount_pence,
            not_available_elsewhere=not_available_elsewhere, payment_method=payment_method,
            item=item, action=action, justification=justification, supplier=supplier,
            submission_key=submission_key, quote=quote, stored=stored,
        )
    except BaseException:
        for name in stored:  # nothing was recorded: the quote must not linger
            private_file_delete(storage=FundRequest._meta.get_field("quote").storage, name=name)
        raise


def _submit(
    *, participant, actor: User, category, barrier, description, amount_pence, not_available_elsewhere,
    payment_method, item, action, justification, supplier, submission_key, quote,
    stored: list[str],
) -> FundRequest:
    with transaction.atomic():
        budget_ref = fund_budget_for(participant)
        if budget_ref is None:
            raise ValidationError(_no_budget_message(participant))
        # Lock the budget row: requests approved at the same moment queue here, and each sees
        # what the others committed.
        budget = FundBudget.objects.select_for_update(of=("self",)).get(pk=budget_ref.pk)
        if submission_key is not None:
            # A second sending of the same page waited for the first on the budget lock above,
            # so it sees the request the first recorded (the unique key is the backstop).
            sent = FundRequest.objects.filter(submission_key=submission_key).first()
            if sent is not None:
                return sent
        if amount_pence > budget.remaining_pence:
            raise ValidationError({"amount": [_too_little_message(budget, amount_pence)]})
        limit = auto_approve_limit_pence(participant.programme)
        at_once = fund_approves_at_once(
            actor=actor, programme=participant.programme, amount_pence=amount_pence
        )
        request = FundRequest.objects.create(
            participant=participant, area_id=participant.area_id, budget=budget, action=action,
            barrier=barrier,
            category=category, item=item, description=description.strip()[:300],
            amount_pence=amount_pence, justification=(justification or "").strip(),
            not_available_elsewhere=not_available_elsewhere.strip(),
            payment_method=payment_method,
            supplier=supplier if payment_method == FundPaymentMethod.SUPPLIER else None,
            requested_by=actor, submission_key=submission_key,
        )
        if quote:
            stored.append(private_file_replace(
                instance=request, field_name="quote", upload=quote, rule=QUOTE_RULE
            ))
            request.quote_uploaded_at = timezone.now()
            request.save(update_fields=["quote", "quote_uploaded_at", "updated_at"])
        audit_event_record(
            actor=actor, action="payments.fund_request_submitted", obj=request,
            summary=f"Requested {pence_display(amount_pence)} from the flexible fund for {participant.reference}",
            data={"amount_pence": amount_pence, "category": category, "barrier": barrier},
        )
        if at_once:
            _approve(request, budget, actor=None, auto=True, note=(
                f"Approved at once: {pence_display(amount_pence)} is within the {pence_display(limit)} limit "
                "and the budget."
            ))
    return request


def _approve(request: FundRequest, budget: FundBudget, *, actor: User | None, auto: bool, note: str = "") -> None:
    """Commit the budget and approve. The budget row must be locked by the caller."""
    if request.amount_pence > budget.remaining_pence:
        raise ValidationError(
            f"The budget has {pence_display(budget.remaining_pence)} left, not enough for "
            f"{pence_display(request.amount_pence)}. Refuse the request, or ask finance to add to the budget."
        )
    # Only the committed column, by F(): nothing else on the row is written back, so no other
    # change to the budget is lost; the filter is the backstop against overcommitting.
    updated = FundBudget.objects.filter(
        pk=budget.pk, committed_pence__lte=F("amount_pence") - request.amount_pence
    ).update(committed_pence=F("committed_pence") + request.amount_pence)
    budget.refresh_from_db(fields=["amount_pence", "committed_pence"])
    if not updated:
        raise ValidationError(_too_little_message(budget, request.amount_pence))
    request.status = FundRequestStatus.APPROVED
    request.auto_approved = auto
    request.decided_by = recorded_actor(actor)
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "auto_approved", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_event_record(
        actor=actor, action="payments.fund_request_approved", obj=request,
        summary=(
            f"{'Approved at once' if auto else 'Approved'}: {pence_display(request.amount_pence)}; "
            f"{pence_display(budget.remaining_pence)} left in the budget"
        ),
        data={"budget_id": budget.pk, "committed_pence": budget.committed_pence, "auto": auto},
    )


def _decider_checks(request: FundRequest, actor: User) -> None:
    if not (is_signed_in(actor) and actor.has_role(Role.COORDINATOR)):
        raise ValidationError("Only a coordinator can approve or refuse a fund request.")
    if request.requested_by_id == actor.pk:
        raise ValidationError(
            "You made this request, so another coordinator must approve or refuse it."
        )
    if request.status != FundRequestStatus.REQUESTED:
        raise FundRequestAlreadyDecided(
            f"This request has already been dealt with: {request.get_status_display().lower()}."
        )


def fund_request_approve(*, fund_request: FundRequest, actor: User, note: str = "") -> FundRequest:
    """A coordinator approves a request over the limit, committing the budget (row locked)."""
    with transaction.atomic():
        request = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
        _decider_checks(request, actor)
        budget = FundBudget.objects.select_for_update(of=("self",)).get(pk=request.budget_id)
        _approve(request, budget, actor=actor, auto=False, note=note.strip())
    return request


def fund_request_refuse(*, fund_request: FundRequest, actor: User, reason: str) -> FundRequest:
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the request is refused"]})
    with transaction.atomic():
        request = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
        _decider_checks(request, actor)
        request.status = FundRequestStatus.REFUSED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.decision_note = reason.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
        audit_event_record(
            actor=actor, action="payments.fund_request_refused", obj=request,
            summary=f"Refused {pence_display(request.amount_pence)}", data={"reason": reason.strip()},
        )
    return request


def fund_request_cancel(*, fund_request: FundRequest, actor: User, reason: str = "") -> FundRequest:
    """Withdraw a request not yet paid; the budget committed to it is released."""
    with transaction.atomic():
        request = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
        if request.status not in (FundRequestStatus.REQUESTED, FundRequestStatus.APPROVED):
            raise ValidationError("Only a request that has not been paid can be cancelled.")
        # Money already asked of Stripe: a card that may exist is found and cancelled (through
        # the outbox); a supplier payment that may be on its way stops the cancellation.
        outbox.fund_request_cancel_money(fund_request=request)
        if request.status == FundRequestStatus.APPROVED:
            FundBudget.objects.select_for_update(of=("self",)).get(pk=request.budget_id)
            FundBudget.objects.filter(pk=request.budget_id).update(
                committed_pence=F("committed_pence") - request.amount_pence
            )
        request.status = FundRequestStatus.CANCELLED
        request.decision_note = (reason or "").strip() or request.decision_note
        request.save(update_fields=["status", "decision_note", "updated_at"])
        audit_event_record(
            actor=actor, action="payments.fund_request_cancelled", obj=request,
            summary=f"Cancelled; {pence_display(request.amount_pence)} returned to the budget",
            data={"reason": reason},
        )
    return request


# --- budget and limit changes (a second person confirms) ---------------------------------------


def _can_propose_fund_change(actor: User, programme) -> bool:
    from brokerage.reference.models import Programme
    from brokerage.reference.programme_admin import for_programmes_of

    if not is_signed_in(actor):
        return False
    if actor.has_role(Role.FINANCE_OFFICER):
        return True
    return actor.has_role(Role.COORDINATOR) and for_programmes_of(
        actor, Programme.objects.filter(pk=programme.pk), "pk").exists()


def _is_finance_officer(actor: User) -> bool:
    return bool(is_signed_in(actor) and actor.has_role(Role.FINANCE_OFFICER))


def _already_decided(change: FundChange) -> ValidationError:
    status = change.get_status_display().lower()
    return ValidationError(f"This change has already been dealt with: {status}.")


def fund_change_propose(
    *, actor: User, new_pence: int, budget: FundBudget | None = None, programme=None, note: str = ""
) -> FundChange:
    """Propose a new amount for ``budget``, or a new "approved at once" limit for ``programme``.

    Nothing changes until a finance officer other than ``actor`` confirms it. A newer proposal
    for the same budget or limit replaces one still waiting. Raises ``ValidationError`` and saves
    nothing when the number is not allowed.
    """
    if (budget is None) == (programme is None):
        raise ValueError("Give a budget or a programme")
    if not isinstance(new_pence, int) or isinstance(new_pence, bool) or new_pence < 0:
        raise ValidationError({"new_pence": ["Enter the amount in pence, 0 or more"]})
    pending = FundChangeStatus.PENDING
    with transaction.atomic():
        if budget is not None:
            budget = (FundBudget.objects.select_for_update(of=("self",))
                      .select_related("programme").get(pk=budget.pk))
            programme, kind = budget.programme, FundChangeKind.BUDGET_AMOUNT
            old = budget.amount_pence
            if new_pence < budget.committed_pence:
                raise ValidationError({"new_pence": [
                    f"The budget cannot be less than the {pence_display(budget.committed_pence)} already "
                    "committed to approved requests"]})
            waiting = FundChange.objects.filter(kind=kind, budget=budget, status=pending)
        else:
            kind, old = FundChangeKind.AUTO_APPROVE_LIMIT, auto_approve_limit_pence(programme)
            if new_pence > MAX_REQUEST_PENCE:
                raise ValidationError(
                    {"new_pence": [f"The limit must be {pence_display(MAX_REQUEST_PENCE)} or less"]})
            waiting = FundChange.objects.filter(kind=kind, programme=programme, status=pending)
        if not _can_propose_fund_change(actor, programme):
            raise ValidationError(
                "Only a coordinator of this programme or a finance officer can change this.")
        if new_pence == old and not waiting.exists():
            raise ValidationError({"new_pence": [f"It is already {pence_display(old)}"]})
        waiting.update(status=FundChangeStatus.SUPERSEDED, decided_at=timezone.now())
        try:
            with transaction.atomic():
                change = FundChange.objects.create(
                    kind=kind, programme=programme, budget=budget, old_pence=old,
                    new_pence=new_pence, note=(note or "").strip(), proposed_by=actor,
                )
        except IntegrityError:  # someone proposed a change to the same thing a moment ago
            raise ValidationError(
                "Someone has just proposed a change to this. Reload and check it first.") from None
        audit_event_record(
            actor=actor, action="payments.fund_change_proposed", obj=change,
            summary=f"Proposed: {change.get_kind_display().lower()} for {budget or programme} "
            f"from {pence_display(old)} to {pence_display(new_pence)}, waiting for a finance officer to confirm",
            data={"kind": kind, "old_pence": old, "new_pence": new_pence,
                  "budget_id": budget.pk if budget else None},
        )
    return change


def fund_change_confirm(*, change: FundChange, actor: User) -> FundChange:
    """A finance officer who did not propose the change confirms it, and it takes effect: the
    budget's amount (never below what is committed) or the programme's limit, row locked."""
    if not _is_finance_officer(actor):
        raise ValidationError("Only a finance officer can confirm a change to a budget or a limit.")
    with transaction.atomic():
        change = FundChange.objects.select_for_update(of=("self",)).get(pk=change.pk)
        if change.proposed_by_id == actor.pk:
            raise ValidationError(
                "You proposed this change, so another finance officer must confirm it.")
        if change.status != FundChangeStatus.PENDING:
            raise _already_decided(change)
        if change.kind == FundChangeKind.BUDGET_AMOUNT:
            budget = FundBudget.objects.select_for_update(of=("self",)).get(pk=change.budget_id)
            within = FundBudget.objects.filter(pk=budget.pk, committed_pence__lte=change.new_pence)
            if not within.update(amount_pence=change.new_pence):
                raise ValidationError(
                    f"{pence_display(budget.committed_pence)} is now committed to approved requests, more "
                    f"than the new amount of {pence_display(change.new_pence)}. Reject this change and "
                    "propose another."
                )
        else:
            row, _ = FundSettings.objects.get_or_create(programme_id=change.programme_id)
            FundSettings.objects.filter(pk=row.pk).update(auto_approve_limit_pence=change.new_pence)
        change.status = FundChangeStatus.CONFIRMED
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        audit_event_record(
            actor=actor, action="payments.fund_change_confirmed", obj=change,
            summary=f"Confirmed: {change.get_kind_display().lower()} for "
            f"{change.budget or change.programme} now {pence_display(change.new_pence)} (was "
            f"{pence_display(change.old_pence)}), proposed by {change.proposed_by.display_name}",
            data={"kind": change.kind, "old_pence": change.old_pence,
                  "new_pence": change.new_pence},
        )
    return change


def fund_change_reject(*, change: FundChange, actor: User, reason: str) -> FundChange:
    """A finance officer turns a proposed change down; nothing changes."""
    if not _is_finance_officer(actor):
        raise ValidationError("Only a finance officer can reject a change to a budget or a limit.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the change is rejected"]})
    with transaction.atomic():
        change = FundChange.objects.select_for_update(of=("self",)).get(pk=change.pk)
        if change.status != FundChangeStatus.PENDING:
            raise _already_decided(change)
        change.status = FundChangeStatus.REJECTED
        change.decided_by = actor
        change.decided_at = timezone.now()
        change.decision_note = reason.strip()
        change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_event_record(
            actor=actor, action="payments.fund_change_rejected", obj=change,
            summary=f"Rejected: {change.get_kind_display().lower()} for "
            f"{change.budget or change.programme} to {pence_display(change.new_pence)}",
            data={"reason": reason.strip()},
        )
    return change


def fund_budget_admin_save(*, actor: User, budget: FundBudget | None, programme, area, starts_on, ends_on,
                           amount_pence: int) -> tuple[FundBudget, FundChange | None]:
    """What saving a budget in the admin does: the period and place are written (those columns
    only, row locked: never ``committed_pence``); a new amount becomes a change waiting for
    finance. A new budget starts at £0 until its amount is confirmed."""
    with transaction.atomic():
        if budget is None or budget.pk is None:
            budget = FundBudget.objects.create(
                programme=programme, area=area, starts_on=starts_on, ends_on=ends_on,
                amount_pence=0,
            )
        else:
            FundBudget.objects.select_for_update(of=("self",)).get(pk=budget.pk)
            FundBudget.objects.filter(pk=budget.pk).update(
                programme=programme, area=area, starts_on=starts_on, ends_on=ends_on
            )
            budget = FundBudget.objects.get(pk=budget.pk)
        change = None
        if amount_pence != budget.amount_pence:
            change = fund_change_propose(actor=actor, budget=budget, new_pence=amount_pence)
    return budget, change


def fund_settings_admin_save(*, actor: User, settings_row: FundSettings | None, programme,
                             limit_pence: int) -> tuple[FundSettings, FundChange | None]:
    """What saving a programme's fund settings in the admin does: a new limit becomes a change
    waiting for finance (a new row starts at the default limit)."""
    with transaction.atomic():
        if settings_row is None or settings_row.pk is None:
            settings_row = FundSettings.objects.create(programme=programme)
        else:
            FundSettings.objects.select_for_update(of=("self",)).get(pk=settings_row.pk)
            FundSettings.objects.filter(pk=settings_row.pk).update(programme=programme)
            settings_row = FundSettings.objects.get(pk=settings_row.pk)
        change = None
        if limit_pence != settings_row.auto_approve_limit_pence:
            change = fund_change_propose(
                actor=actor, programme=settings_row.programme, new_pence=limit_pence
            )
    return settings_row, change


# --- payment ----------------------------------------------------------------------------------


def _cardholder_for(user: User) -> str:
    """The key worker's Issuing cardholder, created in Stripe once (key derived from the user)."""
    existing = FundCardholder.objects.filter(user=user).first()
    if existing is not None:
        return existing.cardholder_id
    cardholder_id = gateway.issuing_cardholder_create(
        name=(user.get_full_name() or user.email), email=user.email,
        address=CARDHOLDER_ADDRESS, idempotency_key=f"fund-cardholder-user-{user.pk}",
    )
    holder, _ = FundCardholder.objects.get_or_create(user=user, defaults={"cardholder_id": cardholder_id})
    return holder.cardholder_id


def fund_request_pay(*, fund_request: FundRequest, actor: User | None = None) -> FundRequest:
    """Issue the card or make the transfer for an approved request. Safe to run twice.

    The request row is locked while Stripe is asked, and the Stripe call carries a key derived
    from the request, so however often this runs there is one card or one transfer. A Stripe
    failure is kept on the request (and raised) so the key worker can try again.
    """
    try:
        return _pay(fund_request, actor)
    except gateway.PaymentProviderError as exc:
        FundRequest.objects.filter(pk=fund_request.pk, status=FundRequestStatus.APPROVED).update(
            payment_error=str(exc)[:500]
        )
        raise


def _pay(fund_request: FundRequest, actor: User | None) -> FundRequest:
    with transaction.atomic():
        request = (
            FundRequest.objects.select_for_update(of=("self",))
            .select_related("requested_by", "supplier__stripe_account", "participant")
            .get(pk=fund_request.pk)
        )
        if request.status != FundRequestStatus.APPROVED:
            return request  # not approved, or already paid
        metadata = {"fund_request_id": str(request.pk), "participant": request.participant.reference}
        if request.payment_method == FundPaymentMethod.CARD:
            intent = outbox.money_intent_current(fund_request=request, kind=IntentKind.FUND_CARD)
            if intent is None:
                intent = outbox.fund_intent_create(
                    fund_request=request, kind=IntentKind.FUND_CARD, metadata=metadata,
                    destination=_cardholder_for(request.requested_by),
                )
        else:
            intent = outbox.money_intent_current(
                fund_request=request, kind=IntentKind.FUND_TRANSFER
            )
            if intent is None:
                account = getattr(request.supplier, "stripe_account", None)
                if account is None or not account.ready:
                    raise gateway.PaymentProviderError(
                        f"{request.supplier} cannot be paid yet: their payout account is not ready."
                    )
                intent = outbox.fund_intent_create(
                    fund_request=request, kind=IntentKind.FUND_TRANSFER,
                    destination=account.account_id, metadata=metadata,
                    description=f"Flexible fund {request.reference}: {request.description}",
                )
    # The outbox: the card or transfer is written down and committed before Stripe is asked, so a
    # worker that dies from here on leaves it for recovery to find (outbox.recovery.money_intents_recover).
    outbox.money_intent_send(intent_id=intent.pk, actor=actor)
    return FundRequest.objects.get(pk=request.pk)


# --- receipts ---------------------------------------------------------------------------------


def receipt_validate(upload) -> None:
    """A PDF, JPEG or PNG of 10 MB or less, whose content matches its name."""
    private_file_validate(upload, rule=RECEIPT_RULE)


def fund_receipt_record(*, fund_request: FundRequest, actor: User, upload) -> FundRequest:
    """Store the receipt (checked, scanned, under an unguessable name); a receipt it replaces is
    deleted once the change is committed."""
    receipt_validate(upload)
    stored = None
    try:
        with transaction.atomic():
            request = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
            if request.status not in (FundRequestStatus.PAID, FundRequestStatus.RECEIPTED):
                raise ValidationError("A receipt can be added once the request has been paid.")
            replacing = bool(request.receipt)
            stored = private_file_replace(instance=request, field_name="receipt", upload=upload, rule=RECEIPT_RULE)
            request.receipt_uploaded_at = timezone.now()
            request.receipt_uploaded_by = actor
            request.status = FundRequestStatus.RECEIPTED
            request.save()
            audit_event_record(
                actor=actor, action="payments.fund_receipt_recorded", obj=request,
                summary=f"Receipt {'replaced' if replacing else 'recorded'} for {request.reference}",
                data={"file": request.receipt.name},
            )
    except BaseException:
        if stored:  # the row still names the old receipt (if any): the new file must not linger
            private_file_delete(storage=FundRequest._meta.get_field("receipt").storage, name=stored)
        raise
    return request


# --- quotes -----------------------------------------------------------------------------------


def quote_validate(upload) -> None:
    """A PDF, JPEG or PNG of 10 MB or less, whose content matches its name."""
    private_file_validate(upload, rule=QUOTE_RULE)


def fund_quote_record(*, fund_request: FundRequest, actor: User, upload) -> FundRequest:
    """Attach (or replace) the quote while the request waits for a decision or for payment."""
    quote_validate(upload)
    stored = None
    try:
        with transaction.atomic():
            request = FundRequest.objects.select_for_update(of=("self",)).get(pk=fund_request.pk)
            if request.status not in QUOTE_STATUSES:
                raise ValidationError(
                    "A quote can be added only before the request is paid. "
                    "Upload the receipt instead."
                )
            replacing = bool(request.quote)
            stored = private_file_replace(
                instance=request, field_name="quote", upload=upload, rule=QUOTE_RULE
            )
            request.quote_uploaded_at = timezone.now()
            request.save(update_fields=["quote", "quote_uploaded_at", "updated_at"])
            audit_event_record(
                actor=actor, action="payments.fund_quote_recorded", obj=request,
                summary=f"Quote {'replaced' if replacing else 'attached'} for {request.reference}",
                data={"file": request.quote.name},
            )
    except BaseException:
        if stored:
            private_file_delete(storage=FundRequest._meta.get_field("quote").storage, name=stored)
        raise
    return request


# --- webhooks (called by stripe.webhooks.stripe_event_handle, inside its transaction) ----------------


def fund_card_transaction_apply(data: gateway.IssuingTransactionData) -> None:
    """A capture or refund on a fund card: the request's spend, and one ledger entry each."""
    request = outbox.fund_request_for_card(data.card_id)  # also a card made just before a crash
    if request is None or data.amount_pence == 0:
        return
    if data.amount_pence < 0:  # a purchase (Stripe's sign)
        kind, ledger_amount = LedgerKind.FUND_CARD, -data.amount_pence
    else:
        kind, ledger_amount = LedgerKind.FUND_CARD_REFUND, -data.amount_pence
    ledger_entry_record(
        kind=kind, amount_pence=ledger_amount, source=request, stripe_object_id=data.id,
        stripe_parent_id=data.card_id,
        description=f"Flexible fund {request.reference} card at {data.merchant_name or 'a merchant'}",
    )
    if kind == LedgerKind.FUND_CARD:
        if request.status in (FundRequestStatus.CANCELLED, FundRequestStatus.REFUSED):
            # Recorded all the same (the money has gone), and finance are told.
            outbox.attention_flag(
                code=AttentionCode.CARD_SPEND_AFTER_CANCEL, reference=data.id, fund_request=request,
                amount_pence=ledger_amount,
                reason=f"{pence_display(ledger_amount)} was spent at {data.merchant_name or 'a merchant'} "
                f"on the card of {request.reference} after the request was "
                f"{request.get_status_display().lower()}. The ledger records the spend; the card "
                "is being cancelled.",
            )
        # Single use: once something is bought the card is cancelled (through the outbox, so a
        # cancel that fails is tried again).
        outbox.fund_card_cancel_ensure(fund_request=request, card_id=data.card_id)
    spent = -sum(
        IssuingTransaction.objects.filter(card_id=data.card_id).values_list("amount_pence", flat=True)
    )
    if spent != request.spent_pence:
        request.spent_pence = max(spent, 0)
        if data.authorization_id in request.card_authorisations:
            request.card_authorisations[data.authorization_id]["status"] = "closed"
        request.save(update_fields=["spent_pence", "card_authorisations", "updated_at"])
        audit_event_record(
            actor=None, action="payments.fund_card_spend", obj=request,
            summary=f"Card spend now {pence_display(request.spent_pence)} of {pence_display(request.amount_pence)}",
            data={"transaction_id": data.id},
        )


def fund_card_authorisation_apply(obj: dict) -> None:
    """Keep each authorisation's latest state on the request (merged by id, any order)."""
    card = obj.get("card") or ""
    card_id = card if isinstance(card, str) else card.get("id", "")
    expanded = (gateway.card_from_event_object(card)
                if isinstance(card, dict) and card.get("id") else None)
    request = outbox.fund_request_for_card(card_id, card=expanded)
    if request is None or not obj.get("id"):
        return
    previous = request.card_authorisations.get(obj["id"], {})
    status = obj.get("status") or "pending"
    if previous.get("status") in ("closed", "reversed") and status == "pending":
        status = previous["status"]  # a late "created" never reopens a finished authorisation
    request.card_authorisations[obj["id"]] = {
        "amount": int(obj.get("amount") or obj.get("pending_request", {}).get("amount") or 0),
        "approved": bool(obj.get("approved")),
        "status": status,
        "merchant": ((obj.get("merchant_data") or {}).get("name") or "")[:100],
    }
    request.save(update_fields=["card_authorisations", "updated_at"])
