"""Celery task paying an approved flexible fund request."""

from celery import shared_task

from brokerage.payments.fund import services as fund
from brokerage.payments.models import FundRequest
from brokerage.payments.stripe.gateway import PaymentProviderUnavailable


@shared_task(
    name="brokerage.payments.tasks.fund_request_pay_task",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
    acks_late=True, reject_on_worker_lost=True,
)
def fund_request_pay_task(fund_request_pk: int) -> None:
    """Pay an approved fund request (card or transfer); a paid or missing request is left alone.

    The Stripe call's idempotency key comes from the request id, so running this twice, or at
    the same time as the key worker's "Pay now", makes one card or one transfer.
    """

    fund_request = FundRequest.objects.filter(pk=fund_request_pk).first()
    if fund_request is not None:
        fund.fund_request_pay(fund_request=fund_request)
