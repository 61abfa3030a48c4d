from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "brokerage.payments"
    label = "payments"
    verbose_name = "Payments"
