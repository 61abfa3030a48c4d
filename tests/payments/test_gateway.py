"""The gateway talks to Stripe (here: the local stub) with the real ``stripe`` library."""

import pytest

from brokerage.payments.stripe import gateway


def test_connected_account_and_onboarding_link(stripe_stub):
    account = gateway.connected_account_create(
        email="boss@acme.example", business_name="Acme Ltd", metadata={"employer_id": "7"},
        idempotency_key="employer-7-connect-account",
    )
    assert account.id.startswith("acct_")
    assert not account.payouts_enabled and not account.details_submitted
    assert "external_account" in account.requirements_due

    (request,) = stripe_stub.requests_to("POST", "/v1/accounts")
    assert request.params["type"] == "express"
    assert request.params["country"] == "GB"
    assert request.params["capabilities"] == {"transfers": {"requested": "true"}}
    assert request.params["metadata"] == {"employer_id": "7"}
    assert request.idempotency_key == "employer-7-connect-account"

    url = gateway.account_link_create(
        account_id=account.id, refresh_url="https://portal.test/r", return_url="https://portal.test/b"
    )
    assert url.startswith("https://connect.stripe.com/setup/")
    (link,) = stripe_stub.requests_to("POST", "/v1/account_links")
    assert link.params == {
        "account": account.id, "refresh_url": "https://portal.test/r",
        "return_url": "https://portal.test/b", "type": "account_onboarding",
    }

    stripe_stub.complete_onboarding(account.id)
    refreshed = gateway.connected_account_retrieve(account.id)
    assert refreshed.payouts_enabled and refreshed.details_submitted
    assert refreshed.requirements_due == []


def test_transfer_sends_idempotency_key_and_a_retry_returns_the_same_transfer(stripe_stub):
    account = stripe_stub.add_account(payouts_enabled=True)
    kwargs = dict(
        amount_pence=150_000, destination=account["id"], idempotency_key="incentive-payment-42",
        metadata={"payment_id": "42"},
    )
    first = gateway.transfer_create(**kwargs)
    retried = gateway.transfer_create(**kwargs)

    assert first.id.startswith("tr_")
    assert retried.id == first.id
    assert len(stripe_stub.transfers) == 1  # one object in Stripe, not two
    requests = stripe_stub.requests_to("POST", "/v1/transfers")
    assert [r.idempotency_key for r in requests] == ["incentive-payment-42"] * 2
    assert requests[0].params == {
        "amount": "150000", "currency": "gbp", "destination": account["id"],
        "metadata": {"payment_id": "42"},
    }
    assert first.amount_pence == 150_000


def test_reusing_a_key_for_a_different_amount_is_refused_not_paid(stripe_stub):
    account = stripe_stub.add_account()
    gateway.transfer_create(amount_pence=100, destination=account["id"], idempotency_key="k-1")
    with pytest.raises(gateway.PaymentProviderError) as error:
        gateway.transfer_create(amount_pence=999, destination=account["id"], idempotency_key="k-1")
    assert "already has a request for this payment" in str(error.value)
    assert len(stripe_stub.transfers) == 1


def test_transfers_need_whole_positive_pence_and_a_key(stripe_stub):
    for bad in (0, -5, 10.5, True):
        with pytest.raises(ValueError):
            gateway.transfer_create(amount_pence=bad, destination="acct_x", idempotency_key="k")
    with pytest.raises(ValueError):
        gateway.transfer_create(amount_pence=100, destination="acct_x", idempotency_key="")
    assert stripe_stub.requests == []


def test_transfer_reversal(stripe_stub):
    account = stripe_stub.add_account()
    transfer = gateway.transfer_create(amount_pence=5000, destination=account["id"], idempotency_key="p-1")
    reversal = gateway.transfer_reversal_create(
        transfer_id=transfer.id, amount_pence=2000, idempotency_key="clawback-1"
    )
    assert reversal.id.startswith("trr_")
    assert reversal.transfer_id == transfer.id and reversal.amount_pence == 2000
    again = gateway.transfer_reversal_create(
        transfer_id=transfer.id, amount_pence=2000, idempotency_key="clawback-1"
    )
    assert again.id == reversal.id
    fetched = gateway.transfer_retrieve(transfer.id)
    assert fetched.amount_reversed_pence == 2000 and not fetched.reversed
    assert [r.id for r in fetched.reversals] == [reversal.id]


def test_single_use_virtual_card_is_limited_to_the_amount(stripe_stub):
    holder = gateway.issuing_cardholder_create(
        name="Sam Keyworker", email="sam@partner.example",
        address={"line1": "1 High Street", "city": "Middlesbrough", "postal_code": "TS1 1AA"},
        idempotency_key="fund-request-9-cardholder",
    )
    card = gateway.issuing_card_create(
        cardholder_id=holder, amount_pence=4599, idempotency_key="fund-request-9-card",
        metadata={"fund_request_id": "9"},
    )
    assert card.id.startswith("ic_")
    assert card.spending_limit_pence == 4599 and card.status == "active"
    (request,) = stripe_stub.requests_to("POST", "/v1/issuing/cards")
    assert request.idempotency_key == "fund-request-9-card"
    assert request.params["type"] == "virtual"
    assert request.params["spending_controls"] == {
        "spending_limits": [{"amount": "4599", "interval": "all_time"}]
    }
    assert gateway.issuing_card_cancel(card.id).status == "canceled"


def test_stripe_errors_become_messages_a_finance_officer_can_read(stripe_stub):
    with pytest.raises(gateway.PaymentObjectMissing):
        gateway.transfer_retrieve("tr_missing")

    stripe_stub.fail_next(400, type="invalid_request_error", code="balance_insufficient",
                          message="Insufficient funds")
    account = stripe_stub.add_account()
    with pytest.raises(gateway.PaymentProviderError) as error:
        gateway.transfer_create(amount_pence=100, destination=account["id"], idempotency_key="x")
    assert "not enough money in the programme's Stripe balance" in str(error.value)
    assert stripe_stub.transfers == {}


def test_bad_keys_are_reported_plainly(stripe_stub, settings):
    settings.STRIPE_SECRET_KEY = "rk_wrong"
    with pytest.raises(gateway.PaymentProviderError) as error:
        gateway.connected_account_retrieve("acct_1")
    assert "did not accept the portal's keys" in str(error.value)
