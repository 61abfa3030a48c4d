"""Issue 16, "Money that survives crashes, lying events and insiders": the checks that stop money
going where it should not.

- Approval and sending re-run every check for every payment; a payment that now fails is held,
  with its reason on the run page, and the rest go ahead. Approvals expire.
- Separation of duties is history: every check of a run is its own record; the proposer, each
  checker and the approver are different people; a run the weekly task proposed needs a person
  to check it and another to approve it. In the flexible fund nobody approves their own request
  by any path, and budgets and limits change only when a second person (finance) confirms.
- Budgets are written only by locked services with F() updates; the admin never writes what is
  committed.
- Incentive schemes are checked as a whole; claims keep their own copy of the rules.
- A failed payment can be sent again by finance once the cause is fixed. Amounts are read one way.
"""

import datetime
from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import EligibilityRule, RuleKind
from brokerage.payments.fund import services as fund
from brokerage.payments.incentives import checks, transfers
from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives.checks import Check
from brokerage.payments.models import (
    ClawbackStatus,
    FundBudget,
    FundChange,
    FundChangeStatus,
    FundRequest,
    FundRequestStatus,
    FundSettings,
    IncentiveAgeBand,
    IncentiveClaim,
    IncentiveClawback,
    IncentivePayment,
    IncentiveScheme,
    IncentiveStage,
    IncentiveTransfer,
    IncentiveValidation,
    PaymentRun,
    PaymentRunCheck,
    PaymentStatus,
    RunStatus,
    StripeAccount,
    ValidationMoment,
)
from brokerage.pipeline.models import OutcomeKind, OutcomeRecord
from portal.accounts.roles import Role, sync_role_groups
from tests.concurrency import race
from tests.factories.employers import EmployerFactory
from tests.factories.reference import ProgrammeFactory, UserFactory
from tests.payments.fund_helpers import fund_world, submit
from tests.payments.incentive_helpers import (
    checkpoint_met,
    days_ago,
    leaver,
    paid_claim,
    start_create,
    world,
)

pytestmark = pytest.mark.django_db


# --- helpers ------------------------------------------------------------------------------------

REQUEST_FORM = {
    "category": "travel", "description": "Bus pass", "barrier": "transport", "justification": "",
    "not_available_elsewhere": "Not eligible for the Flexible Support Fund",
    "payment_method": "card",
}


def _ready(w, *, employer=None, days=40):
    """A start ``days`` ago whose 4-week check is confirmed: its first payment is due."""
    placement = start_create(programme=w.programme, employer=employer or w.employer,
                             start_date=days_ago(days))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_mark_due()
    return placement, claim, claim.payments.get(checkpoint_measure="job_starts_4w")


def _second_employer(stub, name="Stockton Bakery Ltd"):
    employer = EmployerFactory(name=name, verified=True)
    account = stub.add_account(payouts_enabled=True, details_submitted=True, charges_enabled=True)
    StripeAccount.objects.create(employer=employer, account_id=account["id"], payouts_enabled=True,
                                 details_submitted=True, charges_enabled=True)
    return employer


def _block(w, employer=None):
    incentives.incentive_employer_block(employer=employer or w.employer, actor=w.proposer,
                                        reason="Fraud referral", reference="FR-12")


def _refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


# === 4. approval and sending re-run every check ===================================================


def test_approval_holds_the_payment_of_an_employer_blocked_after_the_proposal_and_pays_the_rest(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, _, blocked = _ready(w)
    _, _, fine = _ready(w, employer=_second_employer(stripe_stub))
    run = incentives.payment_run_propose(actor=w.proposer)
    assert run.total_pence == blocked.amount_pence + fine.amount_pence
    _block(w)  # after the run was proposed (and checked)

    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver, seen_total_pence=run.total_pence)

    _refresh(run, blocked, fine)
    assert run.status == RunStatus.APPROVED and run.total_pence == fine.amount_pence
    assert (blocked.status, blocked.run, blocked.transfer_id) == (PaymentStatus.DUE, None, "")
    assert blocked.blocking_check == Check.NOT_BLOCKED
    assert fine.status == PaymentStatus.APPROVED and fine.transfer_id in stripe_stub.transfers
    assert len(stripe_stub.transfers) == 1, "nothing was sent to the blocked employer"
    held = IncentiveValidation.objects.get(payment=blocked, moment=ValidationMoment.APPROVAL)
    assert held.run == run and not held.passed and held.checked_by == w.approver
    assert [r["check"] for r in held.failed] == [Check.NOT_BLOCKED]
    assert AuditEvent.objects.filter(action="payments.incentive_held",
                                     object_id=str(blocked.pk)).exists()


def test_a_leaver_before_the_26_week_point_is_not_paid_and_no_clawback_is_raised(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(200))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    checkpoint_met(placement, "sustained_26w")
    run = incentives.payment_run_propose(actor=w.proposer)
    first, later = claim.payments.order_by("due_on")
    assert {first.pk, later.pk} == set(run.payments.values_list("pk", flat=True))
    # Recorded after the proposal: they left at 100 days, before the 26-week stage.
    leaver(placement, placement.start_date + datetime.timedelta(days=100))

    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)

    _refresh(first, later)
    assert first.status == PaymentStatus.APPROVED and first.transfer_id
    assert later.status == PaymentStatus.DUE and not later.transfer_id
    assert later.blocking_check == Check.ELIGIBLE
    incentives.incentive_leavers_sync()
    assert not IncentiveClawback.objects.exists(), "no money went, so there is nothing to claw back"


def test_a_checkpoint_no_longer_met_holds_the_payment_at_approval():
    w = world()
    placement, _, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    # The 4-week check is recorded as missed afterwards (e.g. the employer corrected the record).
    OutcomeRecord.objects.create(
        key=f"checkpoint-corrected:{placement.pk}", kind=OutcomeKind.CHECKPOINT_MISSED,
        measure="job_starts_4w", participant=placement.participant,
        programme=placement.programme, employer=placement.employer,
        opportunity=placement.opportunity, placement=placement, occurred_on=placement.start_date,
    )
    assert checks.incentive_payment_still_payable(payment) == [
        "Checkpoint for this stage confirmed: The 4-week check is no longer met"]
    with pytest.raises(ValidationError, match="Nothing was approved"):
        incentives.payment_run_approve(run=run, actor=w.approver)
    _refresh(run, payment)
    assert run.status == RunStatus.PROPOSED and run.total_pence == 0
    assert payment.status == PaymentStatus.DUE and payment.run is None, "the hold is kept"


def test_an_employer_owing_an_unsent_clawback_is_not_paid_until_it_is_settled(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    placement, _ = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    leaver(placement, placement.start_date + datetime.timedelta(days=100))
    incentives.incentive_leavers_sync()
    clawback = IncentiveClawback.objects.get(status=ClawbackStatus.PENDING)
    _, _, payment = _ready(w)

    failed = [r.check for r in incentives.incentive_payment_checks(payment) if not r.passed]
    assert failed == [Check.NO_CLAWBACK_OWED]
    [problem] = checks.incentive_payment_still_payable(payment)
    assert "Tees Components Ltd owes £" in problem
    with pytest.raises(ValidationError, match="no payments due that pass their checks"):
        incentives.payment_run_propose(actor=w.proposer)  # not even put in a run (none is made)

    incentives.incentive_clawback_write_off(clawback=clawback, actor=w.approver,
                                            reason="Employer went bust")
    assert checks.incentive_payment_still_payable(payment) == []


def test_a_clawback_raised_between_proposal_and_approval_holds_that_employers_payment(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    placement, _ = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    _, _, payment = _ready(w)
    other = _second_employer(stripe_stub)
    _, _, other_payment = _ready(w, employer=other)
    run = incentives.payment_run_propose(actor=w.proposer)
    leaver(placement, placement.start_date + datetime.timedelta(days=100))
    incentives.incentive_leavers_sync()  # Tees Components now owes the 26-week payment back

    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    _refresh(payment, other_payment)
    assert payment.status == PaymentStatus.DUE and payment.blocking_check == Check.NO_CLAWBACK_OWED
    assert other_payment.status == PaymentStatus.APPROVED and other_payment.transfer_id


def test_sending_checks_each_payment_again_and_holds_one_that_now_fails(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, _, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with django_capture_on_commit_callbacks(execute=False):  # the broker is slow: not sent yet
        incentives.payment_run_approve(run=run, actor=w.approver)
    _block(w)

    assert transfers.incentive_run_execute(run_id=run.pk) == 1
    _refresh(run, payment)
    assert (payment.status, payment.run, payment.transfer_id) == (PaymentStatus.DUE, None, "")
    assert not stripe_stub.transfers and not IncentiveTransfer.objects.exists()
    held = IncentiveValidation.objects.get(payment=payment, moment=ValidationMoment.SENDING)
    assert held.run == run and [r["check"] for r in held.failed] == [Check.NOT_BLOCKED]
    assert run.total_pence == 0 and run.status == RunStatus.APPROVED
    again = transfers.incentive_payment_transfer(payment_id=payment.pk)
    assert again.status == PaymentStatus.DUE and not stripe_stub.transfers, "once only"


def test_the_payout_account_is_checked_again_just_before_sending(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, _, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with django_capture_on_commit_callbacks(execute=False):
        incentives.payment_run_approve(run=run, actor=w.approver)
    StripeAccount.objects.filter(employer=w.employer).update(payouts_enabled=False)
    transfers.incentive_payment_transfer(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE and payment.blocking_check == Check.PAYOUT_ACCOUNT
    assert not stripe_stub.transfers


def test_the_run_page_shows_why_a_payment_was_held(
    client, stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, _, blocked = _ready(w)
    _ready(w, employer=_second_employer(stripe_stub))
    run = incentives.payment_run_propose(actor=w.proposer)
    _block(w)
    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    client.force_login(w.proposer)
    page = client.get(reverse("payments:incentive_run", args=[run.pk])).content.decode()
    assert "Held back: failed their checks at approval or before sending" in page
    assert blocked.reference in page
    assert "Payments to Tees Components Ltd are blocked (FR-12)" in page
    assert "Held at approval" in page


# --- approvals expire ---------------------------------------------------------------------------


def _approved_not_sent(w, capture, **run_fields):
    _, _, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    if run_fields:
        PaymentRun.objects.filter(pk=run.pk).update(**run_fields)
    with capture(execute=False):
        run = incentives.payment_run_approve(run=run, actor=w.approver)
    return run, payment


def _expire(run):
    """The approval's time ran out a moment ago."""
    PaymentRun.objects.filter(pk=run.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1))


def test_an_approval_lasts_a_set_number_of_days_kept_on_the_run(django_capture_on_commit_callbacks):
    w = world()
    run, _ = _approved_not_sent(w, django_capture_on_commit_callbacks)
    assert run.expiry_days == 7 and run.expires_at == run.approved_at + datetime.timedelta(days=7)


def test_an_approval_with_fewer_days_expires_sooner(django_capture_on_commit_callbacks):
    w = world()
    run, _ = _approved_not_sent(w, django_capture_on_commit_callbacks, expiry_days=2)
    assert run.expires_at == run.approved_at + datetime.timedelta(days=2)


def test_an_expired_approval_sends_nothing_and_the_payments_are_due_again(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    run, payment = _approved_not_sent(w, django_capture_on_commit_callbacks)
    _expire(run)

    transfers.incentive_run_execute(run_id=run.pk)
    _refresh(run, payment)
    assert not stripe_stub.transfers
    assert run.status == RunStatus.EXPIRED
    assert payment.status == PaymentStatus.DUE and payment.run is None
    held = IncentiveValidation.objects.get(payment=payment, moment=ValidationMoment.SENDING)
    assert "expired" in held.failed[0]["detail"]
    with pytest.raises(ValidationError, match="approval has expired"):
        incentives.payment_run_approve(run=run, actor=w.approver)
    # The payment goes into a new run, for a new approval.
    again = incentives.payment_run_propose(actor=w.proposer)
    assert list(again.payments.all()) == [payment]


def test_the_daily_check_expires_approvals_that_were_never_sent(django_capture_on_commit_callbacks):
    w = world()
    run, payment = _approved_not_sent(w, django_capture_on_commit_callbacks)
    assert incentives.payment_runs_expire() == 0, "not yet"
    _expire(run)
    incentives.incentive_payments_check_due()
    _refresh(run, payment)
    assert run.status == RunStatus.EXPIRED and payment.status == PaymentStatus.DUE
    assert incentives.payment_runs_expire() == 0, "once only"
    expired = AuditEvent.objects.filter(action="payments.run_expired", object_id=str(run.pk))
    assert expired.count() == 1


def test_the_run_page_shows_when_the_approval_expires(client, django_capture_on_commit_callbacks):
    w = world()
    run, _ = _approved_not_sent(w, django_capture_on_commit_callbacks)
    client.force_login(w.proposer)
    page = client.get(reverse("payments:incentive_run", args=[run.pk])).content.decode()
    assert "Approval expires" in page and "a payment not sent by then is held" in page
    _expire(run)
    incentives.payment_runs_expire()
    page = client.get(reverse("payments:incentive_run", args=[run.pk])).content.decode()
    assert "Approval expired" in page and "held and are due again" in page


# === 5. separation of duties, kept as history =====================================================


def test_each_check_of_a_run_is_its_own_record_and_no_one_who_checked_it_approves_it(stripe_stub):
    w = world(stub=stripe_stub)
    _ready(w)
    run = incentives.payment_run_propose()  # the weekly task
    first, second, third = (UserFactory(role=Role.FINANCE_OFFICER) for _ in range(3))
    incentives.payment_run_revalidate(run=run, actor=first)
    incentives.payment_run_revalidate(run=run, actor=second)  # used to overwrite "checked by"
    checks = list(PaymentRunCheck.objects.filter(run=run).order_by("checked_at", "pk"))
    assert [(c.checked_by, c.proposal) for c in checks] == [
        (None, True), (first, False), (second, False)]

    for checker in (first, second):
        with pytest.raises(ValidationError, match="You checked this run"):
            incentives.payment_run_approve(run=run, actor=checker)
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED and not stripe_stub.transfers
    assert incentives.payment_run_approve(run=run, actor=third).status == RunStatus.APPROVED


def test_a_run_the_weekly_task_proposed_needs_a_person_to_check_it_and_another_to_approve_it():
    w = world()
    _ready(w)
    run = incentives.payment_run_propose()
    with pytest.raises(ValidationError, match="The weekly task proposed this run"):
        incentives.payment_run_approve(run=run, actor=w.approver)
    incentives.payment_run_revalidate(run=run, actor=w.proposer)
    with pytest.raises(ValidationError, match="You checked this run"):
        incentives.payment_run_approve(run=run, actor=w.proposer)
    assert incentives.payment_run_approve(run=run, actor=w.approver).approved_by == w.approver


def test_the_proposer_cannot_also_check_their_run_again():
    w = world()
    _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with pytest.raises(ValidationError, match="You proposed this run, so another finance officer"):
        incentives.payment_run_revalidate(run=run, actor=w.proposer)
    coordinator = UserFactory(role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="Only a finance officer"):
        incentives.payment_run_revalidate(run=run, actor=coordinator)
    assert PaymentRunCheck.objects.filter(run=run).count() == 1


def test_the_run_page_lists_every_check_and_who_may_do_what(client):
    w = world()
    _ready(w)
    run = incentives.payment_run_propose()
    checker = UserFactory(role=Role.FINANCE_OFFICER, first_name="Chris", last_name="Checker")
    incentives.payment_run_revalidate(run=run, actor=checker)
    url = reverse("payments:incentive_run", args=[run.pk])

    client.force_login(checker)
    page = client.get(url).content.decode()
    assert "When proposed by the weekly task" in page and "Checked again by Chris Checker" in page
    assert "You checked this run, so another finance officer must approve it." in page
    assert "Approve and pay" not in page
    assert client.post(reverse("payments:incentive_run_approve", args=[run.pk]),
                       {"total_pence": run.total_pence}).status_code == 400

    client.force_login(w.approver)
    assert "Approve and pay" in client.get(url).content.decode()


def test_the_proposer_is_not_offered_a_check_again_and_cannot_post_one(client):
    w = world()
    _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    client.force_login(w.proposer)
    page = client.get(reverse("payments:incentive_run", args=[run.pk])).content.decode()
    assert "You proposed this run, so another finance officer must check it again." in page
    assert "Check the payments again</button>" not in page
    client.post(reverse("payments:incentive_run_revalidate", args=[run.pk]))
    assert PaymentRunCheck.objects.filter(run=run).count() == 1


# --- the flexible fund: nobody approves their own request --------------------------------------


def test_a_coordinators_own_request_is_never_approved_at_once():
    participant, key_worker, coordinator, budget, _ = fund_world()
    request = submit(participant, coordinator, amount_pence=2_000)  # well within the £100 limit
    assert request.status == FundRequestStatus.REQUESTED and not request.auto_approved
    budget.refresh_from_db()
    assert budget.committed_pence == 0
    with pytest.raises(ValidationError, match="another coordinator must approve"):
        fund.fund_request_approve(fund_request=request, actor=coordinator)
    colleague = UserFactory(role=Role.COORDINATOR)
    colleague.programmes.add(participant.programme)
    fund.fund_request_approve(fund_request=request, actor=colleague)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED and request.decided_by == colleague
    # A key worker's request within the limit is still approved at once.
    assert submit(participant, key_worker, amount_pence=2_000).status == FundRequestStatus.APPROVED


def test_a_coordinator_is_told_their_own_request_goes_to_another_coordinator(client):
    participant, _, coordinator, _, _ = fund_world()
    client.force_login(coordinator)
    data = {**REQUEST_FORM, "amount": "20"}
    client.post(reverse("payments:fund_request_new", args=[participant.reference]), data)
    check = reverse("payments:fund_request_check", args=[participant.reference])
    page = client.get(check).content.decode()
    assert "your own request goes to another coordinator" in page
    assert "approved and paid as soon as you send it" not in page


# --- budgets and limits change only when a second person (finance) confirms ---------------------


@pytest.fixture
def fund_people():
    participant, key_worker, coordinator, budget, _ = fund_world()
    finance = UserFactory(role=Role.FINANCE_OFFICER, email="fin.one@example.org")
    other_finance = UserFactory(role=Role.FINANCE_OFFICER, email="fin.two@example.org")
    return participant, key_worker, coordinator, budget, finance, other_finance


def test_raising_the_limit_takes_effect_only_when_another_finance_officer_confirms(fund_people):
    participant, key_worker, coordinator, _, finance, other_finance = fund_people
    programme = participant.programme
    change = fund.fund_change_propose(actor=coordinator, programme=programme, new_pence=20_000)
    assert change.status == FundChangeStatus.PENDING and change.old_pence == 10_000
    assert fund.auto_approve_limit_pence(programme) == 10_000, "not yet"
    waiting = submit(participant, key_worker, amount_pence=15_000)
    assert waiting.status == FundRequestStatus.REQUESTED

    with pytest.raises(ValidationError, match="Only a finance officer"):
        fund.fund_change_confirm(change=change, actor=coordinator)  # the proposer, not finance
    mine = fund.fund_change_propose(actor=finance, programme=programme, new_pence=25_000)
    change.refresh_from_db()
    assert change.status == FundChangeStatus.SUPERSEDED, "a newer proposal replaces the waiting one"
    with pytest.raises(ValidationError, match="You proposed this change"):
        fund.fund_change_confirm(change=mine, actor=finance)
    assert fund.auto_approve_limit_pence(programme) == 10_000

    fund.fund_change_confirm(change=mine, actor=other_finance)
    assert fund.auto_approve_limit_pence(programme) == 25_000
    assert submit(participant, key_worker, amount_pence=15_000).status == FundRequestStatus.APPROVED
    actions = list(AuditEvent.objects.filter(object_type="payments.fundchange")
                   .values_list("action", flat=True))
    assert actions.count("payments.fund_change_proposed") == 2
    assert "payments.fund_change_confirmed" in actions


def test_a_coordinator_cannot_raise_the_limit_and_have_their_own_request_approved_at_once(
    fund_people,
):
    participant, _, coordinator, _, finance, _ = fund_people
    change = fund.fund_change_propose(actor=coordinator, programme=participant.programme,
                                      new_pence=100_000)
    fund.fund_change_confirm(change=change, actor=finance)
    own = submit(participant, coordinator, amount_pence=30_000)
    assert own.status == FundRequestStatus.REQUESTED


def test_changing_a_budgets_amount_waits_for_finance_and_never_goes_below_what_is_committed(
    fund_people,
):
    participant, key_worker, coordinator, budget, finance, other_finance = fund_people
    submit(participant, key_worker, amount_pence=8_000)  # committed at once
    with pytest.raises(ValidationError) as exc:
        fund.fund_change_propose(actor=coordinator, budget=budget, new_pence=5_000)
    assert "cannot be less than the £80.00 already committed" in exc.value.messages[0]
    assert not FundChange.objects.exists()

    change = fund.fund_change_propose(actor=coordinator, budget=budget, new_pence=9_000)
    budget.refresh_from_db()
    assert budget.amount_pence == 50_000, "not yet"
    # Meanwhile more is committed than the new amount would allow: confirming is refused.
    submit(participant, key_worker, amount_pence=6_000)
    with pytest.raises(ValidationError, match="more than the new amount of £90.00"):
        fund.fund_change_confirm(change=change, actor=finance)
    budget.refresh_from_db()
    change.refresh_from_db()
    assert budget.amount_pence == 50_000 and change.status == FundChangeStatus.PENDING

    fund.fund_change_reject(change=change, actor=other_finance,
                            reason="Too low: the spring courses are booked")
    larger = fund.fund_change_propose(actor=coordinator, budget=budget, new_pence=80_000)
    fund.fund_change_confirm(change=larger, actor=finance)
    budget.refresh_from_db()
    assert (budget.amount_pence, budget.committed_pence) == (80_000, 14_000)


def test_who_may_not_propose_or_decide_a_change(fund_people):
    participant, key_worker, coordinator, budget, finance, _ = fund_people
    with pytest.raises(ValidationError, match="coordinator of this programme or a finance officer"):
        fund.fund_change_propose(actor=key_worker, budget=budget, new_pence=60_000)
    outsider = UserFactory(role=Role.COORDINATOR)
    outsider.programmes.add(ProgrammeFactory())
    with pytest.raises(ValidationError, match="coordinator of this programme or a finance officer"):
        fund.fund_change_propose(actor=outsider, programme=participant.programme, new_pence=60_000)
    with pytest.raises(ValidationError):
        fund.fund_change_propose(actor=coordinator, programme=participant.programme, new_pence=-1)
    with pytest.raises(ValidationError, match="or less"):
        fund.fund_change_propose(actor=coordinator, programme=participant.programme,
                                 new_pence=100_000_01)
    assert not FundChange.objects.exists()
    change = fund.fund_change_propose(actor=coordinator, budget=budget, new_pence=60_000)
    for actor in (key_worker, coordinator):
        with pytest.raises(ValidationError, match="Only a finance officer"):
            fund.fund_change_confirm(change=change, actor=actor)
        with pytest.raises(ValidationError, match="Only a finance officer"):
            fund.fund_change_reject(change=change, actor=actor, reason="No")
    with pytest.raises(ValidationError):
        fund.fund_change_reject(change=change, actor=finance, reason="  ")
    change.refresh_from_db()
    budget.refresh_from_db()
    assert change.status == FundChangeStatus.PENDING and budget.amount_pence == 50_000


def test_finance_confirms_a_change_on_its_page_and_the_proposer_cannot(client, fund_people):
    participant, key_worker, coordinator, budget, finance, other_finance = fund_people
    change = fund.fund_change_propose(actor=finance, budget=budget, new_pence=70_000)
    listing = reverse("payments:fund_changes")
    decide = reverse("payments:fund_change_decide", args=[change.pk])
    assert listing == "/payments/fund/changes/"

    client.force_login(key_worker)
    assert client.get(listing).status_code == 404
    assert client.post(decide, {"decision": "confirm"}).status_code == 404
    client.force_login(coordinator)
    assert change.reference in client.get(listing).content.decode()
    confirming = client.post(decide, {"decision": "confirm"})
    assert confirming.status_code == 404, "coordinators do not confirm"

    client.force_login(finance)
    page = client.get(decide).content.decode()
    assert "You proposed this change, so another finance officer must confirm it." in page
    refused = client.post(decide, {"decision": "confirm"})
    assert refused.status_code == 400 and "You proposed this change" in refused.content.decode()

    client.force_login(other_finance)
    assert "1 change to budgets or limits waiting" in client.get("/payments/fund/").content.decode()
    blank = client.post(decide, {"decision": "reject", "reason": ""})
    assert blank.status_code == 400 and "Enter why the change is rejected" in blank.content.decode()
    budget.refresh_from_db()
    assert budget.amount_pence == 50_000
    assert client.post(decide, {"decision": "confirm"}).status_code == 302
    budget.refresh_from_db()
    change.refresh_from_db()
    assert budget.amount_pence == 70_000 and change.decided_by == other_finance
    assert "Confirmed" in client.get(listing).content.decode()


# === 6. budgets are written only by locked services; the admin never writes what is committed =====


ADMIN = "/admin/snippets/payments"


@pytest.fixture
def admin_coordinator(fund_people):
    sync_role_groups()
    participant, _, coordinator, budget, _, _ = fund_people
    return participant, coordinator, budget


def _budget_form(budget, **overrides):
    data = {"programme": budget.programme_id, "area": budget.area_id or "",
            "starts_on": budget.starts_on.isoformat(), "ends_on": budget.ends_on.isoformat(),
            "amount_pence": str(budget.amount_pence)}
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def test_a_budget_saved_in_the_admin_changes_its_amount_only_through_finance(
    client, admin_coordinator
):
    participant, coordinator, budget = admin_coordinator
    client.force_login(coordinator)
    edit = f"{ADMIN}/fundbudget/edit/{budget.pk}/"
    page = client.get(edit).content.decode()
    assert 'name="amount_pence"' in page
    assert 'name="committed_pence"' not in page, "committed is read-only"
    assert "Committed pence" in page or "committed pence" in page.lower()

    response = client.post(edit, _budget_form(budget, amount_pence=90_000))
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.amount_pence == 50_000
    change = FundChange.objects.get(budget=budget, status=FundChangeStatus.PENDING)
    assert (change.old_pence, change.new_pence, change.proposed_by) == (50_000, 90_000, coordinator)
    # The Django admin offers no other way in.
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/django-admin/payments/fundbudget/").status_code == 404
    assert client.get("/django-admin/payments/fundsettings/").status_code == 404


def test_a_budget_saved_in_the_admin_never_undoes_an_approval_made_at_the_same_moment(
    client, admin_coordinator, monkeypatch
):
    """The edit page loads the budget, then an approval commits, then the page saves: the
    commitment must survive (the old save wrote the whole row back, committed and all)."""
    participant, coordinator, budget = admin_coordinator
    # Over the limit: it waits for a coordinator.
    waiting = submit(participant, participant.key_worker, amount_pence=20_000)
    decider = UserFactory(role=Role.COORDINATOR)
    decider.programmes.add(participant.programme)
    approved = []

    def approve_meanwhile(instance):
        if not approved:
            approved.append(fund.fund_request_approve(fund_request=waiting, actor=decider))

    monkeypatch.setattr(FundBudget, "clean", approve_meanwhile)
    client.force_login(coordinator)
    later_end = budget.ends_on + datetime.timedelta(days=30)
    response = client.post(f"{ADMIN}/fundbudget/edit/{budget.pk}/",
                           _budget_form(budget, ends_on=later_end))
    assert response.status_code == 302 and approved
    budget.refresh_from_db()
    assert budget.committed_pence == 20_000, "the approval is not lost"
    assert budget.ends_on == FundBudget.objects.get(pk=budget.pk).ends_on


def test_a_new_budget_from_the_admin_starts_at_nothing_until_finance_confirms(
    client, admin_coordinator
):
    participant, coordinator, budget = admin_coordinator
    client.force_login(coordinator)
    data = _budget_form(budget, starts_on="2031-04-01", ends_on="2032-03-31", amount_pence=300_000)
    assert client.post(f"{ADMIN}/fundbudget/add/", data).status_code == 302
    new = FundBudget.objects.get(starts_on=datetime.date(2031, 4, 1))
    assert (new.amount_pence, new.committed_pence) == (0, 0)
    assert FundChange.objects.get(budget=new).new_pence == 300_000


def test_the_limit_saved_in_the_admin_waits_for_finance(client, admin_coordinator):
    participant, coordinator, _ = admin_coordinator
    settings_row = FundSettings.objects.create(programme=participant.programme)
    client.force_login(coordinator)
    response = client.post(f"{ADMIN}/fundsettings/edit/{settings_row.pk}/",
                           {"programme": participant.programme_id,
                            "auto_approve_limit_pence": "100000"})
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert settings_row.auto_approve_limit_pence == 10_000
    assert FundChange.objects.get(programme=participant.programme).new_pence == 100_000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_approval_and_a_budget_change_at_the_same_moment_both_count():
    participant, key_worker, coordinator, budget, _ = fund_world(budget_pence=50_000)
    waiting = submit(participant, key_worker, amount_pence=20_000)
    decider = UserFactory(role=Role.COORDINATOR)
    decider.programmes.add(participant.programme)
    change = fund.fund_change_propose(actor=coordinator, budget=budget, new_pence=70_000)
    finance = UserFactory(role=Role.FINANCE_OFFICER)

    outcomes = race(partial(fund.fund_request_approve, fund_request=waiting, actor=decider),
                    partial(fund.fund_change_confirm, change=change, actor=finance))
    assert not [o for o in outcomes if isinstance(o, ValidationError)], outcomes
    budget = FundBudget.objects.get(pk=budget.pk)
    assert (budget.amount_pence, budget.committed_pence) == (70_000, 20_000)


# === 7. schemes are checked as a whole; claims keep their own copy ================================


@pytest.mark.parametrize(
    ("bands", "stages", "message"),
    [
        ([(18, None)], [("4 weeks", 50, "job_starts_4w"), ("26 weeks", 40, "sustained_26w")],
         "The stages' shares add up to 90%. They must add up to 100%"),
        ([(18, 30), (25, None)], [("26 weeks", 100, "sustained_26w")],
         "The age bands 18 to 30 and 25 and over overlap"),
        ([(18, None)], [("4 weeks", 50, "job_starts_4w"), ("26 weeks", 50, "")],
         'Choose the checkpoint that must be confirmed before "26 weeks" is paid'),
        ([(18, 24), (26, None)], [("26 weeks", 100, "sustained_26w")],
         "No age band covers people aged 25, but Routes to Work takes people aged 18 and over"),
        ([(20, None)], [("26 weeks", 100, "sustained_26w")],
         "No age band covers people aged 18"),
        ([], [], "Add at least one age band"),
    ],
)
def test_a_scheme_is_checked_as_a_whole(bands, stages, message):
    programme = ProgrammeFactory(name="Routes to Work")
    EligibilityRule.objects.create(programme=programme, kind=RuleKind.AGE, minimum=18)
    problems = incentives.incentive_scheme_problems(programme=programme, age_bands=bands,
                                                    stages=stages)
    assert any(message in p for p in problems), problems


def test_a_sound_scheme_has_no_problems():
    programme = ProgrammeFactory()
    EligibilityRule.objects.create(programme=programme, kind=RuleKind.AGE, minimum=18, maximum=24)
    assert incentives.incentive_scheme_problems(
        programme=programme, age_bands=[(16, 24), (25, None)],
        stages=[("13 weeks", 40, "sustained_13w"), ("26 weeks", 60, "sustained_26w")]) == []


def test_a_stage_must_name_its_checkpoint():
    w = world()
    stage = IncentiveStage(scheme=w.scheme, name="On starting", day_offset=0, share_percent=100,
                           checkpoint_measure="")
    with pytest.raises(ValidationError) as exc:
        stage.full_clean()
    assert "checkpoint_measure" in exc.value.message_dict


def test_a_scheme_broken_outside_the_admin_makes_no_claim():
    w = world()
    # 50% + 40%, changed outside the admin.
    IncentiveStage.objects.filter(scheme=w.scheme, day_offset=182).update(share_percent=40)
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    assert incentives.incentive_claim_for_placement(placement=placement) == []
    assert not IncentiveClaim.objects.exists() and not IncentivePayment.objects.exists()
    with pytest.raises(ValidationError, match="add up to 90%"):
        incentives.incentive_scheme_validate(w.scheme)


def test_changing_a_scheme_never_changes_a_claim_already_made():
    w = world()
    placement, claim, payment = _ready(w)
    before = list(IncentivePayment.objects.filter(claim=claim).order_by("pk").values(
        "amount_pence", "due_on", "stage_name", "checkpoint_measure", "check_employer_verified",
        "check_participant_eligible"))
    claim_fields = ("total_pence", "min_hours", "age_at_start")
    claim_before = IncentiveClaim.objects.filter(pk=claim.pk).values(*claim_fields).get()

    # The job is 37.5 hours a week.
    IncentiveScheme.objects.filter(pk=w.scheme.pk).update(min_hours=Decimal("40"))
    IncentiveAgeBand.objects.filter(scheme=w.scheme).update(amount_pence=999_900)
    IncentiveStage.objects.filter(scheme=w.scheme, day_offset=28).update(
        share_percent=30, day_offset=60, name="Renamed", checkpoint_measure="sustained_13w")
    IncentiveStage.objects.filter(scheme=w.scheme, day_offset=182).update(share_percent=70)
    IncentiveStage.objects.filter(scheme=w.scheme).update(check_employer_verified=True,
                                                          check_participant_eligible=True)

    after = list(IncentivePayment.objects.filter(claim=claim).order_by("pk").values(
        "amount_pence", "due_on", "stage_name", "checkpoint_measure", "check_employer_verified",
        "check_participant_eligible"))
    assert after == before
    assert IncentiveClaim.objects.filter(pk=claim.pk).values(*claim_fields).get() == claim_before
    payment = IncentivePayment.objects.get(pk=payment.pk)
    assert checks.incentive_payment_still_payable(payment) == [], "the claim's own rules"


def _scheme_post(programme, *, shares=(50, 50), checkpoints=("job_starts_4w", "sustained_26w"),
                 bands=((18, 24), (25, None))):
    data = {"name": "Sustained job incentive", "programme": programme.pk, "description": "",
            "starts_from": "2026-01-01", "starts_until": "", "min_hours": "16", "active": "on",
            "age_bands-TOTAL_FORMS": str(len(bands)), "age_bands-INITIAL_FORMS": "0",
            "age_bands-MIN_NUM_FORMS": "0", "age_bands-MAX_NUM_FORMS": "1000",
            "stages-TOTAL_FORMS": str(len(shares)), "stages-INITIAL_FORMS": "0",
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "1000"}
    for i, (low, high) in enumerate(bands):
        data.update({f"age_bands-{i}-min_age": str(low),
                     f"age_bands-{i}-max_age": "" if high is None else str(high),
                     f"age_bands-{i}-amount_pence": "150000", f"age_bands-{i}-ORDER": str(i),
                     f"age_bands-{i}-id": "", f"age_bands-{i}-DELETE": ""})
    for i, (share, checkpoint) in enumerate(zip(shares, checkpoints, strict=True)):
        data.update({f"stages-{i}-name": f"Stage {i + 1}",
                     f"stages-{i}-day_offset": str(28 + 154 * i),
                     f"stages-{i}-share_percent": str(share),
                     f"stages-{i}-checkpoint_measure": checkpoint,
                     f"stages-{i}-check_employer_verified": "on",
                     f"stages-{i}-check_participant_eligible": "on",
                     f"stages-{i}-ORDER": str(i), f"stages-{i}-id": "", f"stages-{i}-DELETE": ""})
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"shares": (50, 40)}, "The stages&#x27; shares add up to 90%"),
        ({"bands": ((18, 30), (25, None))}, "overlap"),
        ({"checkpoints": ("job_starts_4w", "")}, "This field is required"),
    ],
)
def test_the_admin_refuses_a_broken_scheme_and_saves_nothing(client, overrides, message):
    sync_role_groups()
    programme = ProgrammeFactory()
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    client.force_login(coordinator)
    response = client.post(f"{ADMIN}/incentivescheme/add/", _scheme_post(programme, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IncentiveScheme.objects.exists() and not IncentiveStage.objects.exists()
    assert client.post(f"{ADMIN}/incentivescheme/add/", _scheme_post(programme)).status_code == 302
    assert IncentiveScheme.objects.get().stages.count() == 2


def test_the_admin_cannot_remove_a_stage_that_has_payments(client):
    sync_role_groups()
    w = world()
    _ready(w)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    stages = list(w.scheme.stages.order_by("sort_order"))
    bands = list(w.scheme.age_bands.order_by("sort_order"))
    data = _scheme_post(w.programme, shares=(100,), checkpoints=("sustained_26w",))
    data.update({"name": w.scheme.name, "starts_from": "2024-01-01",
                 "age_bands-TOTAL_FORMS": "2", "age_bands-INITIAL_FORMS": "2",
                 "stages-TOTAL_FORMS": "2", "stages-INITIAL_FORMS": "2"})
    for i, band in enumerate(bands):
        data.update({f"age_bands-{i}-id": str(band.pk), f"age_bands-{i}-min_age": str(band.min_age),
                     f"age_bands-{i}-max_age": "" if band.max_age is None else str(band.max_age),
                     f"age_bands-{i}-amount_pence": str(band.amount_pence),
                     f"age_bands-{i}-ORDER": str(i)})
    for i, stage in enumerate(stages):
        data.update({f"stages-{i}-id": str(stage.pk), f"stages-{i}-name": stage.name,
                     f"stages-{i}-day_offset": str(stage.day_offset),
                     f"stages-{i}-share_percent": "100",
                     f"stages-{i}-checkpoint_measure": stage.checkpoint_measure,
                     f"stages-{i}-check_employer_verified": "on",
                     f"stages-{i}-check_participant_eligible": "on",
                     f"stages-{i}-ORDER": str(i), f"stages-{i}-DELETE": "on" if i == 0 else ""})
    response = client.post(f"{ADMIN}/incentivescheme/edit/{w.scheme.pk}/", data)
    assert response.status_code == 200
    assert "has payments, so it cannot be removed" in response.content.decode()
    assert w.scheme.stages.count() == 2


# === 8. a failed payment can be sent again; amounts are read one way ============================


def _failed_for_lack_of_money(w, stub, capture):
    """Stripe refused the transfer: the platform balance was too low."""
    _, claim, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    stub.balance_pence = 0
    with capture(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and not stub.transfers
    return claim, payment


def test_finance_sends_a_failed_payment_again_once_the_cause_is_fixed(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, payment = _failed_for_lack_of_money(w, stripe_stub, django_capture_on_commit_callbacks)
    stripe_stub.balance_pence = 10_000_000  # topped up
    retrier = UserFactory(role=Role.FINANCE_OFFICER)
    incentives.incentive_payment_retry(payment=payment, actor=retrier, reason="Balance topped up",
                                       reference="FIN-88")
    payment.refresh_from_db()
    assert (payment.status, payment.run, payment.attempt, payment.failure_reason) == (
        PaymentStatus.DUE, None, 2, "")
    retry = payment.retries.get()
    assert (retry.actor, retry.attempt, retry.reference) == (retrier, 2, "FIN-88")
    assert "not enough money" in retry.previous_failure_reason
    assert AuditEvent.objects.filter(action="payments.incentive_retried",
                                     object_id=str(payment.pk)).exists()
    assert IncentiveValidation.objects.filter(payment=payment, moment=ValidationMoment.RETRY,
                                              passed=True).exists()

    run = incentives.payment_run_propose(actor=w.proposer)  # a new run, two people as always
    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    assert payment.transfer_id in stripe_stub.transfers and len(stripe_stub.transfers) == 1
    keys = [r.idempotency_key for r in stripe_stub.requests_to("POST", "/v1/transfers")]
    assert keys[0] != keys[-1] and "attempt-2" in keys[-1], "Stripe would replay the refusal"


def test_a_payment_that_would_still_fail_is_not_sent_again(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, payment = _failed_for_lack_of_money(w, stripe_stub, django_capture_on_commit_callbacks)
    records = list(IncentiveTransfer.objects.filter(payment=payment).values())
    _block(w)
    with pytest.raises(ValidationError) as exc:
        incentives.incentive_payment_retry(payment=payment, actor=w.approver, reason="Fixed",
                                           reference="R1")
    assert "still cannot be paid" in exc.value.messages[0]
    assert any("Payments to Tees Components Ltd are blocked" in m for m in exc.value.messages)
    payment.refresh_from_db()
    assert (payment.status, payment.attempt) == (PaymentStatus.FAILED, 1)
    assert not payment.retries.exists()
    assert list(IncentiveTransfer.objects.filter(payment=payment).values()) == records


def test_who_may_not_send_a_payment_again_and_what_it_needs(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, payment = _failed_for_lack_of_money(w, stripe_stub, django_capture_on_commit_callbacks)
    for role in (Role.COORDINATOR, Role.KEY_WORKER):
        with pytest.raises(ValidationError, match="Only a finance officer"):
            incentives.incentive_payment_retry(payment=payment, actor=UserFactory(role=role),
                                               reason="x", reference="y")
    with pytest.raises(ValidationError) as exc:
        incentives.incentive_payment_retry(payment=payment, actor=w.approver, reason=" ",
                                           reference="")
    assert set(exc.value.message_dict) == {"reason", "reference"}
    _, _, unpaid = _ready(w)
    with pytest.raises(ValidationError, match="Only a failed payment"):
        incentives.incentive_payment_retry(payment=unpaid, actor=w.approver, reason="x",
                                           reference="y")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and not payment.retries.exists()


def test_a_failure_report_for_a_transfer_stripe_still_shows_as_made_is_not_sent_again(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, _, payment = _ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    assert payment.transfer_id
    # A report that it failed, though Stripe shows the transfer made and not reversed.
    IncentivePayment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED,
                                                          failure_reason="It failed")
    with pytest.raises(ValidationError, match="has not been reversed"):
        incentives.incentive_payment_retry(payment=payment, actor=w.approver, reason="Try again",
                                           reference="R2")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and payment.transfer_id
    assert len(stripe_stub.transfers) == 1


def test_the_claim_page_offers_finance_to_send_a_failed_payment_again(
    client, stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    claim, payment = _failed_for_lack_of_money(w, stripe_stub, django_capture_on_commit_callbacks)
    url = reverse("payments:incentive_payment_retry", args=[payment.pk])
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    assert client.post(url, {"reason": "x", "reference": "y"}).status_code == 403
    client.force_login(w.approver)
    claim_page = client.get(reverse("payments:incentive_claim", args=[claim.pk])).content.decode()
    assert f'href="{url}"' in claim_page
    run_page = client.get(reverse("payments:incentive_run", args=[payment.run_id])).content.decode()
    assert f'href="{url}"' in run_page

    blank = client.post(url, {"reason": "", "reference": ""})
    assert blank.status_code == 400 and "Enter what has been fixed" in blank.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED

    stripe_stub.balance_pence = 10_000_000
    done = client.post(url, {"reason": "Balance topped up", "reference": "FIN-88"}, follow=True)
    assert "passed every check and is due again" in done.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.DUE and payment.attempt == 2
    assert "Attempt 2" in client.get(url).content.decode()


def test_amounts_are_read_one_way_and_anything_ambiguous_is_refused_with_how_to_write_it():
    read = {"1,234.50": 123_450, "£12": 1_200, "12.5": 1_250, "0.05": 5, "£ 7.00": 700,
            "12": 1_200}
    assert {text: fund.pounds_to_pence(text) for text in read} == read
    ambiguous = ["12,50", "1.234,56", "12.505", "1,23", "12,5", "1,2345.00", "12.", ".5",
                 "1.234.56"]
    for text in ambiguous:
        with pytest.raises(ValidationError) as exc:
            fund.pounds_to_pence(text)
        assert exc.value.messages == ["Enter the amount in pounds and pence, like 12.50"], text
    with pytest.raises(ValidationError, match="or less"):
        fund.pounds_to_pence("£1,000,000")


def test_a_decimal_comma_on_the_request_form_is_explained_and_nothing_is_saved(client):
    participant, key_worker, _, budget, _ = fund_world()
    client.force_login(key_worker)
    data = {**REQUEST_FORM, "amount": "12,50"}
    response = client.post(reverse("payments:fund_request_new", args=[participant.reference]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the amount in pounds and pence, like 12.50" in html
    assert not FundRequest.objects.exists()
    budget.refresh_from_db()
    assert budget.committed_pence == 0
